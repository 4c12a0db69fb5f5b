# Compare-FineTuningJob: one typed row per job, figures computed from the job's own metrics, a table that fits 120 columns.
BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'Compare-FineTuningJob' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        $train = Add-FineTuningFile (New-TestDataset -Count 12)
        $valid = Add-FineTuningFile (New-TestDataset -Count 10)
        $script:jobs = foreach ($epochs in 2, 3) {
            $j = $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -ValidationFile $valid -Epochs $epochs -Suffix "e$epochs"
            Step-Emulator $emu $j.Id -Status succeeded
        }
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'writes one row per job, in the order given, with the settings it used and what its metrics reached' {
        $rows = @($jobs | Compare-FineTuningJob)
        $rows | Should -HaveCount 2
        $rows[0] | Should -BeOfType FineTuning.Client.JobComparisonRow
        $rows.JobId | Should -Be $jobs.Id
        $rows.Epochs | Should -Be @(2, 3)
        foreach ($i in 0, 1) {
            $row = $rows[$i]; $job = $jobs[$i]
            $metrics = @(Get-FineTuningMetric $job.Id)
            $row.Model | Should -Be 'gpt-4o-mini-2024-07-18'
            $row.Method | Should -Be 'supervised'
            $row.BatchSize | Should -Be $job.Method.Supervised.Hyperparameters.BatchSize.Number
            $row.LearningRateMultiplier | Should -Be $job.Method.Supervised.Hyperparameters.LearningRateMultiplier.Number
            $row.TrainedTokens | Should -Be $job.TrainedTokens
            $row.Duration | Should -Be ($job.FinishedAt - $job.CreatedAt)
            $row.Steps | Should -Be $metrics.Count
            $row.FinalTrainLoss | Should -Be $metrics[-1].TrainLoss
            $row.BestTrainLoss | Should -Be ($metrics | Measure-Object TrainLoss -Minimum).Minimum
            $best = $metrics | Where-Object { $null -ne $_.ValidLoss } | Sort-Object ValidLoss, Step | Select-Object -First 1
            $row.BestValidLoss | Should -Be $best.ValidLoss
            $row.BestValidLossStep | Should -Be $best.Step
            $row.BestTrainAccuracy | Should -Be ($metrics | Measure-Object TrainAccuracy -Maximum).Maximum
            $row.FineTunedModel | Should -Be $job.FineTunedModel
        }
    }

    It 'shows a default table that fits 120 columns with whole ids' {
        $lines = ($jobs | Compare-FineTuningJob | Format-Table | Out-String -Width 120) -split "`r?`n" | Where-Object { $_ }
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }
        $lines[0] | Should -Match '^JobId\s+Method\s+Epochs\s+Tokens\s+Duration\s+TrainLoss\s+BestValid\s+@Step\s+Model$'
        $lines[2] | Should -Match ('^' + [regex]::Escape($jobs[0].Id) + '\s+SFT\s+2\s')
        $lines[2] | Should -Match 'gpt-4o-mini-2024-07-18$'
    }

    It 'writes an error for a job that does not exist and compares the rest' {
        $rows = @(Compare-FineTuningJob $jobs[0].Id, 'ftjob-nothere', $jobs[1].Id -ErrorVariable errs -ErrorAction SilentlyContinue)
        $rows.JobId | Should -Be $jobs.Id
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'JobNotFound,*'
        $errs[0].TargetObject | Should -Be 'ftjob-nothere'
    }

    It 'compares a job that is still running from its metrics so far' {
        $live = Add-FineTuningFile (New-TestDataset -Count 12) | New-FineTuningJob -Model gpt-4o-mini-2024-07-18
        $running = Step-Emulator $emu $live.Id -Status running
        $row = Compare-FineTuningJob $running.Id
        $row.Status | Should -Be 'running'
        $row.Duration | Should -BeNullOrEmpty
        $row.FineTunedModel | Should -BeNullOrEmpty
    }
}

Describe 'Show-FineTuningMetric -Overlay' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        $train = Add-FineTuningFile (New-TestDataset -Count 12)
        $script:jobs = foreach ($epochs in 2, 3) {
            $j = $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Epochs $epochs
            Step-Emulator $emu $j.Id -Status succeeded
        }
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'draws several jobs on one chart with shared axes, a mark per job' {
        $lines = @($jobs | Get-FineTuningMetric | Show-FineTuningMetric -Overlay -Width 100 -Height 10)
        $lines | Should -HaveCount 13     # legend, 10 plot lines, axis, step labels
        $lines[0] | Should -Be "* $($jobs[0].Id)  o $($jobs[1].Id)"
        $plot = ($lines[1..10] | ForEach-Object { $_.Substring($_.IndexOf('|') + 1) }) -join ''
        $plot | Should -Match '[*#]'
        $plot | Should -Match '[o#]'
        $steps = @(Get-FineTuningMetric $jobs[1].Id).Count
        $lines[12] | Should -Match "step 1\s+$steps$"    # the longer job sets the shared step axis
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 100 }
    }

    It 'names each series by job and metric when several metrics are drawn, and warns when there is nothing to draw' {
        $lines = @($jobs | Get-FineTuningMetric | Show-FineTuningMetric TrainLoss, TrainAccuracy -Overlay -Width 120 -Height 6)
        $lines[0] | Should -Be "* $($jobs[0].Id) TrainLoss  o $($jobs[0].Id) TrainAccuracy"    # the legend wraps at -Width
        $lines[1] | Should -Be "+ $($jobs[1].Id) TrainLoss  x $($jobs[1].Id) TrainAccuracy"
        @($jobs | Get-FineTuningMetric | Show-FineTuningMetric ValidLoss -Overlay -WarningVariable w -WarningAction SilentlyContinue) | Should -HaveCount 0
        "$w" | Should -Match 'nothing to draw'
    }
}
