# Jobs as code: New-FineTuningJob -Spec (.psd1, .json, hashtable), ConvertTo-FineTuningJobSpec, and -MaxEstimatedCost.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    function New-SpecFolder {
        [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
            Justification = 'A test helper that writes only into Pester''s TestDrive.')]
        param()
        $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('n').Substring(0, 8))
        New-Item -ItemType Directory -Path (Join-Path $folder 'data') | Out-Null
        Move-Item (New-TestDataset -Count 12) (Join-Path $folder 'data/train.jsonl')
        Move-Item (New-TestDataset -Count 10) (Join-Path $folder 'data/valid.jsonl')
        $folder
    }
    function Get-SpecError([scriptblock] $Script) {
        try { & $Script; $null } catch { $_ }
    }
}

Describe 'New-FineTuningJob -Spec' {
    BeforeEach { $script:emu = Start-TestEmulator; $script:folder = New-SpecFolder }
    AfterEach { Stop-FineTuningEmulator }

    It 'creates the job a .psd1 spec describes, uploading its local data first' {
        Set-Content (Join-Path $folder 'job.psd1') @'
@{
    Model = 'gpt-4o-mini-2024-07-18'
    TrainingFile = 'data/train.jsonl'
    ValidationFile = 'data/valid.jsonl'
    Epochs = 2
    BatchSize = 1
    LearningRateMultiplier = 0.5
    Suffix = 'spec'
    Seed = 42
    Metadata = @{ team = 'docs'; run = '1' }
}
'@
        $job = New-FineTuningJob -Spec (Join-Path $folder 'job.psd1')
        $job.Model | Should -Be 'gpt-4o-mini-2024-07-18'
        $job.Method.Supervised.Hyperparameters.NEpochs.Number | Should -Be 2
        $job.Method.Supervised.Hyperparameters.LearningRateMultiplier.Number | Should -Be 0.5
        $job.UserProvidedSuffix | Should -Be 'spec'
        $job.Seed | Should -Be 42
        $job.Metadata['team'] | Should -Be 'docs'
        $files = @(Get-FineTuningFile)
        $files | Should -HaveCount 2
        (Get-FineTuningFile $job.TrainingFile).Filename | Should -Be 'train.jsonl'
        (Get-FineTuningFile $job.ValidationFile).Filename | Should -Be 'valid.jsonl'
        (Step-Emulator $emu $job.Id -Status succeeded, failed).Status | Should -Be 'succeeded'
    }

    It 'creates the job of a .json spec and of a hashtable naming an uploaded file id; parameters override the spec' {
        $file = Add-FineTuningFile (Join-Path $folder 'data/train.jsonl')
        @{ Model = 'gpt-4.1-mini-2025-04-14'; Method = 'dpo'; TrainingFile = $file.Id; Beta = 0.2; Epochs = 'auto' } | ConvertTo-Json |
            Set-Content (Join-Path $folder 'job.json')
        # A DPO spec on chat data: the service checks the data's format, the spec only its settings.
        $job = New-FineTuningJob -Spec (Join-Path $folder 'job.json') -Suffix override
        $job.Method.Type | Should -Be 'dpo'
        $job.Method.Dpo.Hyperparameters.Beta.Number | Should -Be 0.2
        $job.TrainingFile | Should -Be $file.Id
        $job.UserProvidedSuffix | Should -Be 'override'
        $job2 = New-FineTuningJob -Spec @{ Model = 'gpt-4o-mini-2024-07-18'; TrainingFile = $file.Id } -Epochs 3
        $job2.Method.Supervised.Hyperparameters.NEpochs.Number | Should -Be 3
        @(Get-FineTuningFile) | Should -HaveCount 1
    }

    It 'uploads and creates nothing with -WhatIf' {
        New-FineTuningJob -Spec @{ Model = 'gpt-4o-mini-2024-07-18'; TrainingFile = (Join-Path $folder 'data/train.jsonl') } -WhatIf
        @(Get-FineTuningFile) | Should -HaveCount 0
        @(Get-FineTuningJob) | Should -HaveCount 0
    }

    It 'refuses <Case> before anything is sent, naming the spec and the key' -ForEach @(
        @{ Case = 'an unknown key'; Text = "@{ Model = 'gpt-4o-mini-2024-07-18'; TrainingFile = 'data/train.jsonl'; Epoch = 3 }"; Key = 'Epoch'; Id = 'InvalidJobSpec'; Part = "unknown key. Did you mean 'Epochs'" }
        @{ Case = 'an out-of-range value'; Text = "@{ Model = 'gpt-4o-mini-2024-07-18'; TrainingFile = 'data/train.jsonl'; Epochs = 99 }"; Key = 'Epochs'; Id = 'InvalidJobSpec'; Part = 'out of range' }
        @{ Case = 'a value of the wrong kind'; Text = "@{ Model = 'gpt-4o-mini-2024-07-18'; TrainingFile = 'data/train.jsonl'; Metadata = 'team' }"; Key = 'Metadata'; Id = 'InvalidJobSpec'; Part = 'table' }
        @{ Case = 'a missing data file'; Text = "@{ Model = 'gpt-4o-mini-2024-07-18'; TrainingFile = 'data/nothere.jsonl' }"; Key = 'TrainingFile'; Id = 'JobSpecFileNotFound'; Part = 'nothere.jsonl' }
        @{ Case = 'a missing validation file'; Text = "@{ Model = 'gpt-4o-mini-2024-07-18'; TrainingFile = 'data/train.jsonl'; ValidationFile = 'data/v.jsonl' }"; Key = 'ValidationFile'; Id = 'JobSpecFileNotFound'; Part = 'v.jsonl' }
        @{ Case = 'a missing model'; Text = "@{ TrainingFile = 'data/train.jsonl' }"; Key = 'Model'; Id = 'InvalidJobSpec'; Part = 'needs a model' }
        @{ Case = 'a setting for another method'; Text = "@{ Model = 'gpt-4o-mini-2024-07-18'; TrainingFile = 'data/train.jsonl'; Beta = 0.1 }"; Key = 'Beta'; Id = 'InvalidJobSpec'; Part = 'DPO' }
        @{ Case = 'a command in a data file'; Text = "@{ Model = (Get-Date).ToString(); TrainingFile = 'data/train.jsonl' }"; Key = 'Model'; Id = 'InvalidJobSpec'; Part = 'constant' }
        @{ Case = 'a file that does not parse'; Text = "@{ Model = 'x'; TrainingFile = "; Key = $null; Id = 'InvalidJobSpec'; Part = 'line 1' }
    ) {
        $path = Join-Path $folder 'bad.psd1'
        Set-Content $path $Text
        $err = Get-SpecError { New-FineTuningJob -Spec $path }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err.TargetObject | Should -Be $path
        $err.Exception.Message | Should -BeLike "Job spec $path*"
        if ($Key) { $err.Exception.Key | Should -Be $Key; $err.Exception.Message | Should -BeLike "*key '$Key'*" }
        $err.Exception.Message | Should -BeLike "*$Part*"
        @(Get-FineTuningFile) | Should -HaveCount 0
        @(Get-FineTuningJob) | Should -HaveCount 0
    }

    It 'refuses a JSON spec that does not parse, with its line, and a spec of another format' {
        $path = Join-Path $folder 'bad.json'
        Set-Content $path "{`n  `"Model`": `"x`",`n  `"Epochs`": ,`n}"
        $err = Get-SpecError { New-FineTuningJob -Spec $path }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidJobSpec,*'
        $err.Exception.Message | Should -BeLike '*line 3*'
        Set-Content (Join-Path $folder 'job.yaml') 'Model: x'
        (Get-SpecError { New-FineTuningJob -Spec (Join-Path $folder 'job.yaml') }).Exception.Message | Should -BeLike "*.psd1*.json*"
        (Get-SpecError { New-FineTuningJob -Spec (Join-Path $folder 'none.psd1') }).FullyQualifiedErrorId | Should -BeLike 'JobSpecFileNotFound,*'
    }

    It 'checks local data as Add-FineTuningFile does and uploads nothing when it is invalid' {
        Set-Content (Join-Path $folder 'data/broken.jsonl') ('{"messages": [}' + "`n" + (Get-Content (Join-Path $folder 'data/train.jsonl') -Raw))
        Push-Location $folder
        try { $err = Get-SpecError { New-FineTuningJob -Spec @{ Model = 'gpt-4o-mini-2024-07-18'; TrainingFile = 'data/train.jsonl'; ValidationFile = 'data/broken.jsonl' } } }
        finally { Pop-Location }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidDataset,*'
        $err.Exception.Message | Should -BeLike "*key 'ValidationFile'*line 1*"
        @(Get-FineTuningFile) | Should -HaveCount 0
    }
}

Describe 'ConvertTo-FineTuningJobSpec' {
    BeforeAll { $script:emu = Start-TestEmulator; $script:folder = New-SpecFolder }
    AfterAll { Stop-FineTuningEmulator }

    It 'writes the spec of a job, which creates a job with the same settings' {
        $file = Add-FineTuningFile (Join-Path $folder 'data/train.jsonl')
        $job = $file | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Epochs 2 -Suffix round -Metadata @{ k = 'v' } -WandbProject proj -WandbTag a, b
        $spec = $job | ConvertTo-FineTuningJobSpec
        $spec['Model'] | Should -Be 'gpt-4o-mini-2024-07-18'
        $spec['TrainingFile'] | Should -Be $file.Id
        $spec['Epochs'] | Should -Be 2
        $spec['WandbTag'] | Should -Be @('a', 'b')
        $again = New-FineTuningJob -Spec $spec
        $again.Id | Should -Not -Be $job.Id
        foreach ($p in 'Model', 'TrainingFile', 'Seed', 'UserProvidedSuffix') { $again.$p | Should -Be $job.$p }
        $again.Method.Supervised.Hyperparameters.NEpochs | Should -Be $job.Method.Supervised.Hyperparameters.NEpochs
        $again.Integrations[0].Wandb.Tags | Should -Be @('a', 'b')
        $again.Metadata['k'] | Should -Be 'v'
    }

    It 'writes .psd1 and .json files that Import-PowerShellDataFile and New-FineTuningJob -Spec read, with local paths when given' {
        $file = Add-FineTuningFile (Join-Path $folder 'data/train.jsonl')
        $job = $file | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Epochs 3
        $psd1 = $job | ConvertTo-FineTuningJobSpec -Path (Join-Path $folder 'job.psd1') -TrainingFilePath 'data/train.jsonl'
        $psd1 | Should -BeOfType System.IO.FileInfo
        (Import-PowerShellDataFile $psd1.FullName).TrainingFile | Should -Be 'data/train.jsonl'
        $json = $job | ConvertTo-FineTuningJobSpec -Path (Join-Path $folder 'job.json')
        (Get-Content $json.FullName -Raw | ConvertFrom-Json).Epochs | Should -Be 3
        $before = @(Get-FineTuningFile).Count
        $again = New-FineTuningJob -Spec $psd1.FullName
        @(Get-FineTuningFile).Count | Should -Be ($before + 1)
        (Get-FineTuningFile $again.TrainingFile).Bytes | Should -Be $file.Bytes
        (New-FineTuningJob -Spec $json.FullName).TrainingFile | Should -Be $file.Id
    }

    It 'refuses to overwrite without -Force, a path that is not .psd1 or .json, and writes nothing with -WhatIf' {
        $job = Add-FineTuningFile (Join-Path $folder 'data/train.jsonl') | New-FineTuningJob -Model gpt-4o-mini-2024-07-18
        $path = Join-Path $folder 'exists.psd1'
        Set-Content $path 'keep'
        $job | ConvertTo-FineTuningJobSpec -Path $path -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'FileExists,*'
        Get-Content $path | Should -Be 'keep'
        $job | ConvertTo-FineTuningJobSpec -Path (Join-Path $folder 'job.txt') -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'InvalidPath,*'
        $job | ConvertTo-FineTuningJobSpec -Path $path -Force -WhatIf
        Get-Content $path | Should -Be 'keep'
        $job | ConvertTo-FineTuningJobSpec -Path $path -Force | Out-Null
        (Import-PowerShellDataFile $path).Model | Should -Be 'gpt-4o-mini-2024-07-18'
    }
}

Describe 'New-FineTuningJob -MaxEstimatedCost' {
    BeforeEach { $script:emu = Start-TestEmulator; $script:folder = New-SpecFolder }
    AfterEach { Stop-FineTuningEmulator }

    It 'refuses a spec whose estimated cost is above the budget before any upload, showing the estimate' {
        $train = Join-Path $folder 'data/train.jsonl'
        $report = Test-FineTuningDataset $train -Epochs 4 -PricePerMillionTokens 100
        $err = Get-SpecError { New-FineTuningJob -Spec @{ Model = 'gpt-4o-mini-2024-07-18'; TrainingFile = $train; Epochs = 4 } -MaxEstimatedCost ($report.EstimatedCost / 2) -PricePerMillionTokens 100 }
        $err.FullyQualifiedErrorId | Should -BeLike 'EstimatedCostOverBudget,*'
        $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $err.Exception.Message | Should -BeLike "*$($report.EstimatedCost.ToString('0.00##', [cultureinfo]::InvariantCulture))*$($report.EstimatedBilledTokens.ToString('N0')) billed tokens: 4 epoch(s)*"
        @(Get-FineTuningFile) | Should -HaveCount 0
        @(Get-FineTuningJob) | Should -HaveCount 0
        $job = New-FineTuningJob -Spec @{ Model = 'gpt-4o-mini-2024-07-18'; TrainingFile = $train; Epochs = 4 } -MaxEstimatedCost ($report.EstimatedCost * 2) -PricePerMillionTokens 100
        $job.Status | Should -Not -BeNullOrEmpty
    }

    It 'estimates an uploaded training file from its content and creates no job over the budget' {
        $file = Add-FineTuningFile (Join-Path $folder 'data/train.jsonl')
        $report = Test-FineTuningDataset (Join-Path $folder 'data/train.jsonl') -PricePerMillionTokens 50
        $err = Get-SpecError { $file | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -MaxEstimatedCost ($report.EstimatedCost * 0.9) -PricePerMillionTokens 50 }
        $err.FullyQualifiedErrorId | Should -BeLike 'EstimatedCostOverBudget,*'
        $err.Exception.Message | Should -BeLike "*$($report.Epochs) epoch(s)*"
        @(Get-FineTuningJob) | Should -HaveCount 0
        ($file | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -MaxEstimatedCost ($report.EstimatedCost * 1.1) -PricePerMillionTokens 50).Id | Should -Match '^ftjob-'
    }

    It 'needs -PricePerMillionTokens, and refuses reinforcement jobs, which are billed by time' {
        $err = Get-SpecError { New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile file-x -MaxEstimatedCost 1 }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidPricePerMillionTokens,*'
        $err = Get-SpecError { New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile file-x -PricePerMillionTokens 1 }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidMaxEstimatedCost,*'
        $data = (Resolve-Path (Join-Path $PSScriptRoot '../../examples/data')).ProviderPath
        $grader = Get-Content -Raw (Join-Path $data 'reinforcement-grader.json')
        $err = Get-SpecError { New-FineTuningJob -Spec @{ Model = 'o4-mini-2025-04-16'; Method = 'Reinforcement'; TrainingFile = (Join-Path $data 'reinforcement-train.jsonl')
                ValidationFile = (Join-Path $data 'reinforcement-validation.jsonl'); Grader = $grader } -MaxEstimatedCost 1 -PricePerMillionTokens 1 }
        $err.FullyQualifiedErrorId | Should -BeLike 'CostNotEstimable,*'
        @(Get-FineTuningFile) | Should -HaveCount 0
    }
}
