BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Checkpoint permissions' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        $train = Add-FineTuningFile (New-TestDataset -Count 12)
        $script:job = Step-Emulator $emu (New-FineTuningJob -Model gpt-4o-mini -TrainingFile $train.Id -Epochs 3 -Suffix shared).Id -Status succeeded
        $script:ckpt = Get-FineTuningCheckpoint $job.Id | Where-Object FineTunedModelCheckpoint -like "*:ckpt-step-*" | Select-Object -First 1
        $script:name = $ckpt.FineTunedModelCheckpoint
    }
    AfterAll { Stop-FineTuningEmulator }
    AfterEach {
        Get-FineTuningCheckpointPermission $name | Revoke-FineTuningCheckpointPermission -Force
    }

    It 'shares a checkpoint from the pipeline with each project, once per project' {
        $granted = $ckpt | Grant-FineTuningCheckpointPermission -ProjectId proj_alpha, proj_beta, proj_alpha -Confirm:$false
        $granted.Count | Should -Be 2
        $granted | Should -BeOfType FineTuning.Client.FineTuningCheckpointPermission
        $granted.ProjectId | Should -Be @('proj_alpha', 'proj_beta')
        $granted[0].Id | Should -Match '^cp_'
        $granted[0].Checkpoint | Should -Be $name
        $listed = Get-FineTuningCheckpointPermission $name
        $listed.Id | Should -Be @($granted[1].Id, $granted[0].Id)   # newest first
        $listed[0].Checkpoint | Should -Be $name
    }

    It 'shares nothing with -WhatIf' {
        Grant-FineTuningCheckpointPermission $name -ProjectId proj_alpha -WhatIf | Should -BeNullOrEmpty
        Get-FineTuningCheckpointPermission $name | Should -BeNullOrEmpty
    }

    It 'filters by project and pages with -First and -Skip' {
        Grant-FineTuningCheckpointPermission $name proj_a, proj_b, proj_c -Confirm:$false | Out-Null
        (Get-FineTuningCheckpointPermission $name -ProjectId proj_b).ProjectId | Should -Be @('proj_b')
        (Get-FineTuningCheckpointPermission $name -First 1).ProjectId | Should -Be @('proj_c')
        (Get-FineTuningCheckpointPermission $name -Skip 1 -First 1).ProjectId | Should -Be @('proj_b')
    }

    It 'shares the model of a job, and revokes piped permissions' {
        $granted = $job | Grant-FineTuningCheckpointPermission -ProjectId proj_ops -Confirm:$false
        $granted.Checkpoint | Should -Be $job.FineTunedModel
        $result = Get-FineTuningCheckpointPermission $job | Revoke-FineTuningCheckpointPermission -Force -PassThru
        $result.Id | Should -Be $granted.Id
        $result.Deleted | Should -BeTrue
        Get-FineTuningCheckpointPermission $job.FineTunedModel | Should -BeNullOrEmpty
    }

    It 'revokes nothing with -WhatIf' {
        $granted = Grant-FineTuningCheckpointPermission $name proj_keep -Confirm:$false
        Revoke-FineTuningCheckpointPermission $name $granted.Id -WhatIf
        (Get-FineTuningCheckpointPermission $name).Id | Should -Be @($granted.Id)
    }

    It 'reports an unknown checkpoint, an unknown permission and a job without a model, each as itself' {
        Get-FineTuningCheckpointPermission 'ft:gpt-4o-mini-2024-07-18:org:none:Nope1234:ckpt-step-1' -ErrorVariable e1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'CheckpointNotFound,*'
        $e1[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Revoke-FineTuningCheckpointPermission $name cp_missing -Force -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'PermissionNotFound,*'
        $e2[0].TargetObject | Should -Be 'cp_missing'
        $cancelled = Stop-FineTuningJob (New-FineTuningJob -Model gpt-4o-mini -TrainingFile $job.TrainingFile).Id -Force
        $cancelled | Grant-FineTuningCheckpointPermission -ProjectId proj_x -Confirm:$false -ErrorVariable e3 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e3[0].FullyQualifiedErrorId | Should -BeLike 'InvalidCheckpoint,*'
    }

    It 'passes on the service''s refusal of a project id' {
        Grant-FineTuningCheckpointPermission $name -ProjectId 'team-7' -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e[0].ToString() | Should -BeLike "*'team-7'*proj_*"
    }

    It 'fits the default table in 120 columns' {
        Grant-FineTuningCheckpointPermission $name proj_view -Confirm:$false | Out-Null
        $lines = (Get-FineTuningCheckpointPermission $name | Out-String -Width 120) -split "`r?`n"
        ($lines | Where-Object { $_ -match 'proj_view' }) | Should -Not -BeNullOrEmpty
        $lines | Where-Object { $_.TrimEnd().Length -gt 120 } | Should -BeNullOrEmpty
    }
}
