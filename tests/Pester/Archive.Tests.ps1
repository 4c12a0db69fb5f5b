# Export-FineTuningJob: one folder per job that keeps everything the service still gives, resumable and safe.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    function New-FinishedJob {
        [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
            Justification = 'A test helper: the job lives on the test''s emulator only.')]
        param([string] $Suffix = 'arch', [switch] $Validation)
        $train = Add-FineTuningFile (New-TestDataset -Count 12)
        $p = @{ Model = 'gpt-4o-mini-2024-07-18'; Epochs = 2; Suffix = $Suffix }
        if ($Validation) { $p.ValidationFile = Add-FineTuningFile (New-TestDataset -Count 10) }
        $job = $train | New-FineTuningJob @p
        Step-Emulator $script:emu $job.Id -Status succeeded
    }
}

Describe 'Export-FineTuningJob' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        $script:job = New-FinishedJob -Validation
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'writes the job, its events, checkpoints, metrics, result files, data and a spec into a folder named after the job' {
        $root = Join-Path $TestDrive 'full'
        $result = $job | Export-FineTuningJob -Path $root -IncludeData
        $result | Should -BeOfType FineTuning.Client.JobArchiveResult
        $folder = Join-Path $root $job.Id
        $result.Path | Should -Be $folder
        $result.Complete | Should -BeTrue
        $result.Kept | Should -HaveCount 0
        $expected = @('job.json', 'events.jsonl', 'checkpoints.json', 'metrics.csv', "results/$($job.ResultFiles[0]).csv",
            "data/training-$($job.TrainingFile).jsonl", "data/validation-$($job.ValidationFile).jsonl", 'spec.psd1')
        $result.Written | Should -Be $expected
        $result.BytesWritten | Should -Be ((Get-ChildItem $folder -Recurse -File | Measure-Object Length -Sum).Sum)

        $archived = Get-Content (Join-Path $folder 'job.json') -Raw | ConvertFrom-Json
        $archived.id | Should -Be $job.Id
        $archived.status | Should -Be 'succeeded'
        $archived.fine_tuned_model | Should -Be $job.FineTunedModel
        $events = @(Get-Content (Join-Path $folder 'events.jsonl') | ConvertFrom-Json)
        $events.Count | Should -Be @(Get-FineTuningEvent $job.Id).Count
        $events[0].created_at | Should -BeLessOrEqual $events[-1].created_at
        @(Get-Content (Join-Path $folder 'checkpoints.json') -Raw | ConvertFrom-Json).Count | Should -Be @(Get-FineTuningCheckpoint $job.Id).Count
        $metrics = @(Import-Csv (Join-Path $folder 'metrics.csv'))
        $live = @(Get-FineTuningMetric $job.Id)
        $metrics.Count | Should -Be $live.Count
        [double]$metrics[-1].train_loss | Should -Be $live[-1].TrainLoss
        (Get-Item (Join-Path $folder "data/training-$($job.TrainingFile).jsonl")).Length | Should -Be (Get-FineTuningFile $job.TrainingFile).Bytes
        (Import-PowerShellDataFile (Join-Path $folder 'spec.psd1')).TrainingFile | Should -Be "data/training-$($job.TrainingFile).jsonl"
        Get-ChildItem $folder -Recurse -Filter *.partial | Should -BeNullOrEmpty
    }

    It 'writes a spec that re-creates the job from the archived data' {
        $root = Join-Path $TestDrive 'spec'
        $result = Export-FineTuningJob $job.Id -Path $root -IncludeData
        $before = @(Get-FineTuningFile).Count
        $again = New-FineTuningJob -Spec (Join-Path $result.Path 'spec.psd1')
        @(Get-FineTuningFile).Count | Should -Be ($before + 2)
        $again.Model | Should -Be $job.Model
        $again.Seed | Should -Be $job.Seed
        $again.UserProvidedSuffix | Should -Be 'arch'
        $again.Method.Supervised.Hyperparameters.NEpochs.Number | Should -Be $job.Method.Supervised.Hyperparameters.NEpochs.Number
        $again.Method.Supervised.Hyperparameters.LearningRateMultiplier.Number | Should -Be $job.Method.Supervised.Hyperparameters.LearningRateMultiplier.Number
        (Get-FineTuningFile $again.TrainingFile).Bytes | Should -Be (Get-FineTuningFile $job.TrainingFile).Bytes
    }

    It 'completes what is missing on a second run and rewrites nothing that is whole' {
        $root = Join-Path $TestDrive 'resume'
        $first = Export-FineTuningJob $job.Id -Path $root
        $first.Written | Should -Not -Contain 'data/training-*'
        $folder = $first.Path
        $old = (Get-Date).AddDays(-1)
        Get-ChildItem $folder -Recurse -File | ForEach-Object { $_.LastWriteTime = $old }
        Remove-Item (Join-Path $folder 'events.jsonl')
        Set-Content (Join-Path $folder 'checkpoints.json.partial') 'cut off'   # what Ctrl+C leaves
        $second = Export-FineTuningJob $job.Id -Path $root -IncludeData
        $second.Written | Should -Be @('events.jsonl', "data/training-$($job.TrainingFile).jsonl", "data/validation-$($job.ValidationFile).jsonl")
        $second.Kept | Should -Be @('job.json', 'checkpoints.json', 'metrics.csv', "results/$($job.ResultFiles[0]).csv", 'spec.psd1')
        (Get-Item (Join-Path $folder 'job.json')).LastWriteTime | Should -Be $old
        (Get-Item (Join-Path $folder 'metrics.csv')).LastWriteTime | Should -Be $old
        $third = Export-FineTuningJob $job.Id -Path $root -IncludeData
        $third.Written | Should -HaveCount 0
        $third.TotalBytes | Should -Be $second.TotalBytes
    }

    It 'lists what it would write with -WhatIf, and writes nothing' {
        $root = Join-Path $TestDrive 'whatif'
        # What -WhatIf prints goes to the host; a transcript records it.
        $log = Join-Path $TestDrive 'whatif.log'
        Start-Transcript -Path $log | Out-Null
        try { Export-FineTuningJob $job.Id -Path $root -IncludeData -WhatIf } finally { Stop-Transcript | Out-Null }
        $out = Get-Content $log -Raw
        Test-Path $root | Should -BeFalse
        $out | Should -Match 'job\.json'
        $out | Should -Match 'events\.jsonl'
        $out | Should -Match 'data[\\/]training-'
    }

    It 'lists file contents the service refuses as Missing, with a warning, and keeps going' {
        $root = Join-Path $TestDrive 'refused'
        Add-FineTuningEmulatorFault 403 -Path "/files/$($job.TrainingFile)/content" -Count 10 -Body '{"error":{"message":"Not allowed to download files of purpose: fine-tune","type":"invalid_request_error"}}'
        try {
            $result = Export-FineTuningJob $job.Id -Path $root -IncludeData -WarningVariable warned -WarningAction SilentlyContinue -ErrorVariable failed
        }
        finally { Clear-FineTuningEmulatorFault }
        $failed | Should -HaveCount 0
        $result.Complete | Should -BeFalse
        $result.Missing | Should -HaveCount 1
        $result.Missing[0].Name | Should -Be "data/training-$($job.TrainingFile).jsonl"
        $result.Missing[0].Reason | Should -Match '403'
        "$warned" | Should -Match 'Missing'
        $result.Written | Should -Contain 'spec.psd1'
        $result.Written | Should -Contain "data/validation-$($job.ValidationFile).jsonl"
        (Import-PowerShellDataFile (Join-Path $result.Path 'spec.psd1')).TrainingFile | Should -Be $job.TrainingFile   # the id, as the data is not archived
        Test-Path (Join-Path $result.Path "data/training-$($job.TrainingFile).jsonl") | Should -BeFalse
        (Export-FineTuningJob $job.Id -Path $root -IncludeData).Written | Should -Contain "data/training-$($job.TrainingFile).jsonl"
    }

    It 'archives many jobs from the pipeline, one folder each, and reports an unknown job without stopping' {
        $other = New-FinishedJob -Suffix two
        $root = Join-Path $TestDrive 'many'
        $results = @($job.Id, 'ftjob-doesnotexist', $other.Id | Export-FineTuningJob -Path $root -ErrorVariable errs -ErrorAction SilentlyContinue)
        $results.JobId | Should -Be @($job.Id, $other.Id)
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'JobNotFound,*'
        @(Get-ChildItem $root -Directory).Name | Sort-Object | Should -Be (@($job.Id, $other.Id) | Sort-Object)
    }

    It 'refreshes the archive of a job that was still running when it was archived' {
        $train = Add-FineTuningFile (New-TestDataset -Count 12)
        $live = $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18
        $root = Join-Path $TestDrive 'live'
        $first = Export-FineTuningJob $live.Id -Path $root -WarningVariable w -WarningAction SilentlyContinue
        "$w" | Should -Match 'up to date'
        (Get-Content (Join-Path $first.Path 'job.json') -Raw | ConvertFrom-Json).status | Should -Not -Be 'succeeded'
        Step-Emulator $emu $live.Id -Status succeeded | Out-Null
        $second = Export-FineTuningJob $live.Id -Path $root
        $second.Written | Should -Contain 'job.json'
        $second.Written | Should -Contain 'events.jsonl'
        (Get-Content (Join-Path $first.Path 'job.json') -Raw | ConvertFrom-Json).status | Should -Be 'succeeded'
        (Export-FineTuningJob $live.Id -Path $root).Written | Should -HaveCount 0
    }

    It 'refuses a -Path that is a file' {
        $file = Join-Path $TestDrive 'a-file'
        Set-Content $file 'x'
        { Export-FineTuningJob $job.Id -Path $file -ErrorAction Stop } | Should -Throw -ErrorId 'PathIsFile,*'
    }
}
