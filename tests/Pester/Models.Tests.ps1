BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Get-FineTuningModel and Remove-FineTuningModel' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        $train = Add-FineTuningFile (New-TestDataset -Count 12)
        $script:job = New-FineTuningJob -Model gpt-4o-mini -TrainingFile $train.Id -Suffix support
        $script:done = Step-Emulator $emu $job.Id -Status succeeded
        $script:other = Step-Emulator $emu (New-FineTuningJob -Model gpt-4.1-nano -TrainingFile $train.Id -Suffix spare).Id -Status succeeded
        $script:cancelled = Stop-FineTuningJob (New-FineTuningJob -Model gpt-4o-mini -TrainingFile $train.Id).Id -Force
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'lists base models and the fine-tuned models of succeeded jobs' {
        $all = Get-FineTuningModel
        $all.Id | Should -Contain 'gpt-4o-mini-2024-07-18'
        $all.Id | Should -Contain $done.FineTunedModel
        $all.Id | Should -Contain $other.FineTunedModel
        $all | Should -BeOfType FineTuning.Client.FineTuningModel
    }

    It 'keeps only fine-tuned models with -FineTuned, and reads what they were made from' {
        $tuned = Get-FineTuningModel -FineTuned
        $tuned.Id | Should -Be @($done.FineTunedModel, $other.FineTunedModel)
        $mine = $tuned | Where-Object Id -eq $done.FineTunedModel
        $mine.BaseModel | Should -Be 'gpt-4o-mini-2024-07-18'
        $mine.Suffix | Should -Be 'support'
        $mine.IsCheckpoint | Should -BeFalse
        $mine.OwnedBy | Should -Not -BeNullOrEmpty
        $mine.Created | Should -Be $done.FinishedAt
    }

    It 'gets a model by name, and the model of a job from the pipeline' {
        (Get-FineTuningModel gpt-4.1-nano-2025-04-14).Id | Should -Be 'gpt-4.1-nano-2025-04-14'
        ($done | Get-FineTuningModel).Id | Should -Be $done.FineTunedModel
        (Get-FineTuningJob $done.Id | Get-FineTuningModel).Id | Should -Be $done.FineTunedModel
        ($done.FineTunedModel | Get-FineTuningModel).Suffix | Should -Be 'support'
    }

    It 'reads the checkpoints of a job as models of their own' {
        $models = Get-FineTuningCheckpoint $done.Id | Where-Object FineTunedModelCheckpoint -like '*:ckpt-step-*' | Get-FineTuningModel
        $models.Count | Should -BeGreaterThan 0
        $models | ForEach-Object { $_.IsCheckpoint | Should -BeTrue; $_.BaseModel | Should -Be 'gpt-4o-mini-2024-07-18' }
    }

    It 'declares that -Id takes wildcards, so Get-Help and tools know' {
        (Get-Command Get-FineTuningModel).Parameters['Id'].Attributes.Where({ $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count | Should -Be 1
        (Get-Help Get-FineTuningModel -Parameter Id).globbing | Should -Be 'true'
    }

    It 'matches wildcard patterns against the list; no match is not an error' {
        (Get-FineTuningModel 'ft:*:support:*').Id | Should -Be @($done.FineTunedModel)
        (Get-FineTuningModel 'FT:GPT-4*' -FineTuned).Id | Should -Be @($done.FineTunedModel, $other.FineTunedModel)
        (Get-FineTuningModel 'gpt-4.1-nano*' -FineTuned).Id | Should -BeNullOrEmpty
        (Get-FineTuningModel 'gpt-4.1-nano*').Id | Should -Contain 'gpt-4.1-nano-2025-04-14'
        Get-FineTuningModel 'nothing-like-this-*' -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e | Should -BeNullOrEmpty
    }

    It 'writes ModelNotFound for an unknown name and InvalidModel for a job without a model, and goes on' {
        $out = 'ft:gpt-4o-mini-2024-07-18:nobody::Missing1', $cancelled, $done |
            Get-FineTuningModel -ErrorVariable errs -ErrorAction SilentlyContinue
        $out.Id | Should -Be @($done.FineTunedModel)
        $errs.Count | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'ft:gpt-4o-mini-2024-07-18:nobody::Missing1'
        $errs[1].FullyQualifiedErrorId | Should -BeLike 'InvalidModel,*'
        $errs[1].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[1].Exception.Message | Should -Be "Job $($cancelled.Id) has no fine-tuned model (status cancelled); only a job that succeeded has one."
        $errs[1].TargetObject.Id | Should -Be $cancelled.Id
    }

    It 'fits the default table in 120 columns' {
        $lines = (Get-FineTuningModel -FineTuned | Out-String -Width 120) -split "`r?`n"
        ($lines | Where-Object { $_ -match [regex]::Escape($done.FineTunedModel) }) | Should -Not -BeNullOrEmpty
        $lines | Where-Object { $_.TrimEnd().Length -gt 120 } | Should -BeNullOrEmpty
    }

    It 'offers fine-tuned models to Remove-FineTuningModel by tab completion, by name or suffix' {
        $line = 'Remove-FineTuningModel '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText |
            Should -Be @($done.FineTunedModel, $other.FineTunedModel)
        $line = 'Get-FineTuningModel spa'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @($other.FineTunedModel)
        $line = 'Get-FineTuningModel gpt-4.1-nano-'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('gpt-4.1-nano-2025-04-14')
    }

    It 'refuses base models before any request' {
        # Any DELETE that reached the emulator would fail differently (InvalidRequest).
        Add-FineTuningEmulatorFault 400 -Method DELETE -Count 10
        try {
            Remove-FineTuningModel gpt-4o-mini -Force -ErrorVariable errs -ErrorAction SilentlyContinue
            Get-FineTuningModel gpt-4o-mini-2024-07-18 | Remove-FineTuningModel -Force -ErrorVariable errs2 -ErrorAction SilentlyContinue
        }
        finally {
            Clear-FineTuningEmulatorFault
        }
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NotFineTunedModel,*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $errs[0].Exception.Message | Should -Be 'gpt-4o-mini is a base model; only fine-tuned models can be deleted.'
        $errs2[0].FullyQualifiedErrorId | Should -BeLike 'NotFineTunedModel,*'
    }

    It 'changes nothing with -WhatIf' {
        $done | Remove-FineTuningModel -WhatIf
        (Get-FineTuningModel -FineTuned).Id | Should -Contain $done.FineTunedModel
    }

    It 'deletes a job''s model with -Force; the job stays and the model is gone' {
        $result = $done | Remove-FineTuningModel -Force -PassThru
        $result.Id | Should -Be $done.FineTunedModel
        $result.Deleted | Should -BeTrue
        (Get-FineTuningModel -FineTuned).Id | Should -Be @($other.FineTunedModel)
        (Get-FineTuningJob $done.Id).FineTunedModel | Should -Be $done.FineTunedModel
        Get-FineTuningModel $done.FineTunedModel -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
        Remove-FineTuningModel $done.FineTunedModel -Confirm:$false -ErrorVariable errs2 -ErrorAction SilentlyContinue
        $errs2[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
    }
}
