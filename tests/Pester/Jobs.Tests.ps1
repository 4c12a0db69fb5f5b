BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Jobs end to end on the emulator' {
    BeforeEach {
        $script:emu = Start-TestEmulator
        $script:train = Add-FineTuningFile (New-TestDataset -Count 12)
    }
    AfterEach { Stop-FineTuningEmulator }

    It 'takes the training file from any object with an Id, such as Select-Object output' {
        $job = [pscustomobject]@{ Id = $train.Id; Note = 'picked' } | New-FineTuningJob -Model gpt-4o-mini-2024-07-18
        $job.TrainingFile | Should -Be $train.Id
    }

    It 'creates a job from a piped file and runs it to succeeded' {
        $job = $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Suffix numbers -Epochs 2 -BatchSize 4 -Seed 3
        $job | Should -BeOfType ([FineTuning.Client.FineTuningJob])
        $job.Id | Should -Match '^ftjob-'
        $job.TrainingFile | Should -Be $train.Id
        $job.Status | Should -Be 'validating_files'
        $job.Seed | Should -Be 3
        $job.Method.Supervised.Hyperparameters.NEpochs.Number | Should -Be 2

        $done = Step-Emulator $emu $job.Id -Status succeeded, failed
        $done.Status | Should -Be 'succeeded'
        $done.FineTunedModel | Should -MatchExactly '^ft:gpt-4o-mini-2024-07-18:org-emulator:numbers:[A-Za-z0-9]{8}$'
        $done.TrainedTokens | Should -BeGreaterThan 0
        $done.FinishedAt | Should -Not -BeNullOrEmpty
    }

    It 'reports trained tokens in proportion to the epochs' {
        $one = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Epochs 1 -BatchSize 4
        $three = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Epochs 3 -BatchSize 4
        $one = Step-Emulator $emu $one.Id -Status succeeded
        $three = Step-Emulator $emu $three.Id -Status succeeded
        $three.TrainedTokens | Should -Be (3 * $one.TrainedTokens)
    }

    It 'accepts the file id as a string and a DPO job with -Beta' {
        $job = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Method Dpo -Beta 0.2
        $job.Method.Type | Should -Be 'dpo'
        $job.Method.Dpo.Hyperparameters.Beta.Number | Should -Be 0.2
    }

    It 'sends nothing with -WhatIf' {
        $before = $emu.Emulator.JobCount
        $out = $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -WhatIf
        $out | Should -BeNullOrEmpty
        $emu.Emulator.JobCount | Should -Be $before
    }

    It 'writes the job in its final state with -Wait' {
        Stop-FineTuningEmulator
        $script:emu = Start-FineTuningEmulator -TimeScale 5000 -Seed 1
        $file = Add-FineTuningFile (New-TestDataset -Count 10)
        $job = $file | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Epochs 1 -Wait -TimeoutSec 120
        $job.Status | Should -Be 'succeeded'
    }

    It 'warns that -Hyperparameters is the deprecated form and still sends it' {
        $job = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Hyperparameters @{ n_epochs = 2 } -WarningVariable w -WarningAction SilentlyContinue
        $w | Should -Not -BeNullOrEmpty
        ($w -join ' ') | Should -Match 'deprecated'
        $job.Hyperparameters.NEpochs.Number | Should -Be 2
    }
}

Describe 'New-FineTuningJob rejects bad input before any request' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        $script:train = Add-FineTuningFile (New-TestDataset -Count 12)
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'rejects <Name> naming the parameter' -ForEach @(
        @{ Name = '17 metadata pairs'; Params = @{ Metadata = (& { $h = @{}; 1..17 | ForEach-Object { $h["k$_"] = 'v' }; $h }) }; Parameter = 'Metadata' }
        @{ Name = 'a 65-character metadata key'; Params = @{ Metadata = @{ ('k' * 65) = 'v' } }; Parameter = 'Metadata' }
        @{ Name = 'a 513-character metadata value'; Params = @{ Metadata = @{ k = ('v' * 513) } }; Parameter = 'Metadata' }
        @{ Name = 'a 65-character suffix'; Params = @{ Suffix = ('s' * 65) }; Parameter = 'Suffix' }
        @{ Name = 'epochs 0'; Params = @{ Epochs = 0 }; Parameter = 'Epochs' }
        @{ Name = 'epochs 51'; Params = @{ Epochs = 51 }; Parameter = 'Epochs' }
        @{ Name = 'batch size 0'; Params = @{ BatchSize = 0 }; Parameter = 'BatchSize' }
        @{ Name = 'batch size 257'; Params = @{ BatchSize = 257 }; Parameter = 'BatchSize' }
        @{ Name = 'a zero learning rate multiplier'; Params = @{ LearningRateMultiplier = 0 }; Parameter = 'LearningRateMultiplier' }
        @{ Name = 'a negative learning rate multiplier'; Params = @{ LearningRateMultiplier = -1 }; Parameter = 'LearningRateMultiplier' }
        @{ Name = '-Beta without DPO'; Params = @{ Beta = 0.1 }; Parameter = 'Beta' }
        @{ Name = '-Grader without reinforcement'; Params = @{ Grader = @{ type = 'string_check'; name = 'g'; input = '{{sample.output_text}}'; reference = 'x'; operation = 'eq' } }; Parameter = 'Grader' }
        @{ Name = '-ReasoningEffort without reinforcement'; Params = @{ ReasoningEffort = 'high' }; Parameter = 'ReasoningEffort' }
        @{ Name = '-ComputeMultiplier without reinforcement'; Params = @{ ComputeMultiplier = 2 }; Parameter = 'ComputeMultiplier' }
        @{ Name = '-EvalInterval without reinforcement'; Params = @{ EvalInterval = 2 }; Parameter = 'EvalInterval' }
        @{ Name = '-EvalSamples without reinforcement'; Params = @{ EvalSamples = 2 }; Parameter = 'EvalSamples' }
        @{ Name = 'a compute multiplier of 11'; Params = @{ Method = 'Reinforcement'; ValidationFile = 'file-x'; ComputeMultiplier = 11; Grader = @{ type = 'string_check'; name = 'g'; input = '{{sample.output_text}}'; reference = 'x'; operation = 'eq' } }; Parameter = 'ComputeMultiplier' }
        @{ Name = 'an eval interval of 0'; Params = @{ Method = 'Reinforcement'; ValidationFile = 'file-x'; EvalInterval = 0; Grader = @{ type = 'string_check'; name = 'g'; input = '{{sample.output_text}}'; reference = 'x'; operation = 'eq' } }; Parameter = 'EvalInterval' }
        @{ Name = 'eval samples 0'; Params = @{ Method = 'Reinforcement'; ValidationFile = 'file-x'; EvalSamples = 0; Grader = @{ type = 'string_check'; name = 'g'; input = '{{sample.output_text}}'; reference = 'x'; operation = 'eq' } }; Parameter = 'EvalSamples' }
    ) {
        $before = $emu.Emulator.JobCount
        $err = $null
        try {
            New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id @Params -ErrorAction Stop
        } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike "Invalid$Parameter,*"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match $Parameter
        $emu.Emulator.JobCount | Should -Be $before
    }

    It 'rejects a training file that is neither an id nor a file object' {
        { New-FineTuningJob -Model gpt-4o-mini -TrainingFile (Get-Date) -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidTrainingFile,*'
    }

    It 'rejects a local path given as <Parameter> and says how to upload it' -ForEach @(
        @{ Parameter = 'TrainingFile' }
        @{ Parameter = 'ValidationFile' }
    ) {
        $local = New-TestDataset -Count 12
        Push-Location (Split-Path $local)
        try {
            $relative = './' + (Split-Path $local -Leaf)
            $params = @{ TrainingFile = $train.Id }
            $params[$Parameter] = $relative
            $before = $emu.Emulator.JobCount
            $err = $null
            try { New-FineTuningJob -Model gpt-4o-mini-2024-07-18 @params -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike "Invalid$Parameter,*"
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.TargetObject | Should -Be $relative
            $err.Exception.Message | Should -Match "-$Parameter '\./.*' is a file on this computer"
            $err.Exception.Message | Should -Match 'Add-FineTuningFile'
            $emu.Emulator.JobCount | Should -Be $before
        } finally { Pop-Location }
    }

    It 'sends an id that is not a local file as it is' {
        $err = $null
        try { New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile 'no-such-file.jsonl' -ErrorAction Stop } catch { $err = $_ }
        # The service, not the module, answers: the id names no uploaded file.
        $err.FullyQualifiedErrorId | Should -BeLike 'FileNotFound,*'
        $err.Exception.Message | Should -Match 'no-such-file\.jsonl'
    }
}

Describe 'Get-FineTuningJob' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        $train = Add-FineTuningFile (New-TestDataset -Count 12)
        $script:jobs = 1..5 | ForEach-Object {
            New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Metadata @{ batch = "b$($_ % 2)"; n = "$_" }
        }
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'gets a job by id, positionally and from the pipeline' {
        (Get-FineTuningJob $jobs[0].Id).Id | Should -Be $jobs[0].Id
        ($jobs[1].Id, $jobs[2].Id | Get-FineTuningJob).Id | Should -Be @($jobs[1].Id, $jobs[2].Id)
        ($jobs[3] | Get-FineTuningJob).Id | Should -Be $jobs[3].Id
    }

    It 'lists every job newest first, streaming pages' {
        $all = Get-FineTuningJob
        $all.Count | Should -Be 5
        $all[0].Id | Should -Be $jobs[4].Id
        $all[4].Id | Should -Be $jobs[0].Id
    }

    It 'applies -First and -Skip' {
        $some = Get-FineTuningJob -Skip 1 -First 2
        $some.Id | Should -Be @($jobs[3].Id, $jobs[2].Id)
    }

    It 'filters by metadata on the service' {
        $odd = Get-FineTuningJob -Metadata @{ batch = 'b1' }
        $odd.Count | Should -Be 3
        $odd | ForEach-Object { $_.Metadata['batch'] | Should -Be 'b1' }
    }

    It 'filters by status locally' {
        $emu.Emulator.Clock.Advance([TimeSpan]::FromSeconds(1))
        $statuses = (Get-FineTuningJob).Status | Sort-Object -Unique
        $first = $statuses | Select-Object -First 1
        $expected = @(Get-FineTuningJob | Where-Object Status -eq $first).Count
        @(Get-FineTuningJob -Status $first).Count | Should -Be $expected
        @(Get-FineTuningJob -Status 'no_such_status').Count | Should -Be 0
    }

    It 'filters by suffix locally, with wildcards, together with -Status, -Skip and -First' {
        $train = Get-FineTuningFile -Purpose fine-tune | Select-Object -First 1
        $a = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Suffix 'support-v1'
        $b = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Suffix 'support-v2'
        $c = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Suffix 'sales'
        try {
            (Get-FineTuningJob -Suffix 'SUPPORT-*').Id | Should -Be @($b.Id, $a.Id)
            (Get-FineTuningJob -Suffix 'sales', 'support-v1').Id | Should -Be @($c.Id, $a.Id)
            (Get-FineTuningJob -Suffix 'support-*' -First 1).Id | Should -Be @($b.Id)
            (Get-FineTuningJob -Suffix 'support-*' -Skip 1).Id | Should -Be @($a.Id)
            Stop-FineTuningJob $a.Id -Force | Out-Null
            (Get-FineTuningJob -Suffix 'support-*' -Status cancelled).Id | Should -Be @($a.Id)
            Get-FineTuningJob -Suffix 'nothing*' | Should -BeNullOrEmpty
        }
        finally {
            $b, $c | Stop-FineTuningJob -Force -ErrorAction SilentlyContinue | Out-Null
        }
    }

    It 'writes a non-terminating ObjectNotFound error for an unknown id and goes on' {
        $out = 'ftjob-doesnotexist', $jobs[0].Id | Get-FineTuningJob -ErrorVariable errs -ErrorAction SilentlyContinue
        $out.Id | Should -Be $jobs[0].Id
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'ftjob-doesnotexist'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'JobNotFound,*'
    }
}

Describe 'Get-FineTuningJob -NoMetadata' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        $train = Add-FineTuningFile (New-TestDataset -Count 12)
        $script:tagged = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Metadata @{ team = 'a' }
        $script:plain = @(1..2 | ForEach-Object { New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id })
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'lists only the jobs without metadata, as the service filters them' {
        (Get-FineTuningJob -NoMetadata).Id | Should -Be @($plain[1].Id, $plain[0].Id)
        (Get-FineTuningJob -NoMetadata -First 1).Id | Should -Be $plain[1].Id
    }

    It 'refuses -NoMetadata with -Metadata pairs before any request' {
        $err = $null
        try { Get-FineTuningJob -NoMetadata -Metadata @{ team = 'a' } -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidNoMetadata,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Get-FineTuningJob -CreatedAfter' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        $train = Add-FineTuningFile (New-TestDataset -Count 12)
        # 250 jobs from two days ago (three pages of 100), then three of today.
        $script:old = @(1..250 | ForEach-Object { New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Suffix "old$_" })
        $emu.Emulator.Clock.Advance([TimeSpan]::FromDays(2))
        $script:new = @(1..3 | ForEach-Object {
                $emu.Emulator.Clock.Advance([TimeSpan]::FromMinutes(1))
                New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Suffix "new$_"
            })
        $script:cut = $new[0].CreatedAt.AddDays(-1)
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'lists only the jobs created since the time, newest first' {
        $since = Get-FineTuningJob -CreatedAfter $cut.LocalDateTime
        $since.Id | Should -Be @($new[2].Id, $new[1].Id, $new[0].Id)
        (Get-FineTuningJob -Since $new[1].CreatedAt.UtcDateTime).Id | Should -Be @($new[2].Id, $new[1].Id)
    }

    It 'stops paging after the first page holding only older jobs' {
        $requests = { param($lines) @($lines | Where-Object { "$_" -match 'GET \S+/fine_tuning/jobs\?' }).Count }
        $all = Get-FineTuningJob -Verbose 4>&1
        $recent = Get-FineTuningJob -CreatedAfter $cut.UtcDateTime -Verbose 4>&1
        & $requests $all | Should -Be 3
        & $requests $recent | Should -Be 2
        @($recent | Where-Object { $_ -is [FineTuning.Client.FineTuningJob] }).Count | Should -Be 3
        ($recent | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'Stopped listing'
    }

    It 'combines with -Status, -Suffix, -First and -Skip' {
        (Get-FineTuningJob -CreatedAfter $cut.UtcDateTime -Suffix 'new*' -Skip 1 -First 1).Id | Should -Be $new[1].Id
        Get-FineTuningJob -CreatedAfter $cut.UtcDateTime -Status succeeded | Should -BeNullOrEmpty
    }
}

Describe 'Stop, Suspend and Resume' {
    BeforeEach {
        $script:emu = Start-TestEmulator
        $train = Add-FineTuningFile (New-TestDataset -Count 12)
        $script:job = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Epochs 3
        $script:running = Step-Emulator $emu $job.Id -Status running
    }
    AfterEach { Stop-FineTuningEmulator }

    It 'cancels running jobs from the pipeline' {
        $out = Get-FineTuningJob -Status running | Stop-FineTuningJob -Confirm:$false
        $out.Id | Should -Be $job.Id
        $out.Status | Should -Be 'cancelled'
        (Get-FineTuningJob $job.Id).Status | Should -Be 'cancelled'
    }

    It 'changes nothing with -WhatIf' {
        $out = Get-FineTuningJob -Status running | Stop-FineTuningJob -WhatIf
        $out | Should -BeNullOrEmpty
        (Get-FineTuningJob $job.Id).Status | Should -Be 'running'
        Suspend-FineTuningJob $job.Id -WhatIf
        (Get-FineTuningJob $job.Id).Status | Should -Be 'running'
    }

    It 'cancels with -Force and no prompt' {
        (Stop-FineTuningJob $job.Id -Force).Status | Should -Be 'cancelled'
    }

    It 'pauses and resumes a job, which then finishes' {
        $paused = $job | Suspend-FineTuningJob -Confirm:$false
        $paused.Status | Should -Be 'paused'
        $emu.Emulator.Clock.Advance([TimeSpan]::FromHours(2))
        (Get-FineTuningJob $job.Id).Status | Should -Be 'paused'
        $resumed = $job | Resume-FineTuningJob -Confirm:$false
        $resumed.Status | Should -BeIn @('queued', 'running')
        (Step-Emulator $emu $job.Id -Status succeeded).Status | Should -Be 'succeeded'
    }

    It 'refuses invalid transitions with a non-terminating InvalidOperation error' {
        Stop-FineTuningJob $job.Id -Force | Out-Null
        $again = Stop-FineTuningJob $job.Id -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $again | Should -BeNullOrEmpty
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InvalidJobState,*'
        $errs[0].TargetObject | Should -Be $job.Id

        Resume-FineTuningJob $job.Id -ErrorVariable errs2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs2[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
    }

    It 'refuses to resume a running job' {
        $other = Step-Emulator $emu $job.Id -Status running
        Resume-FineTuningJob $other.Id -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].Exception.Message | Should -Not -BeNullOrEmpty
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
    }
}

Describe 'Events, checkpoints and waiting' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        $train = Add-FineTuningFile (New-TestDataset -Count 20)
        $script:job = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Epochs 4 -BatchSize 5 -Suffix ev
        $script:done = Step-Emulator $emu $job.Id -Status succeeded
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'lists the events of the job newest first' {
        $events = Get-FineTuningEvent $job.Id
        $events.Count | Should -BeGreaterThan 5
        $events | Should -BeOfType ([FineTuning.Client.FineTuningEvent])
        $events[0].CreatedAt | Should -BeGreaterOrEqual $events[-1].CreatedAt
        ($events | Where-Object Type -eq 'metrics').Count | Should -Be 16
        $events.Message -join "`n" | Should -Match 'succe'
    }

    It 'carries per-step metrics whose loss falls over training' {
        $metrics = Get-FineTuningEvent $job.Id | Where-Object Type -eq 'metrics' | Sort-Object Step
        $metrics[0].Metrics.TotalSteps | Should -Be 16
        $metrics[-1].TrainLoss | Should -BeLessThan $metrics[0].TrainLoss
    }

    It 'applies -First and -Skip to events and binds the job from the pipeline' {
        $all = Get-FineTuningEvent $job.Id
        ($job | Get-FineTuningEvent -First 3).Id | Should -Be $all[0..2].Id
        (Get-FineTuningEvent $job.Id -Skip 2 -First 2).Id | Should -Be $all[2..3].Id
    }

    It 'follows events oldest first until the job is final' {
        $followed = Get-FineTuningEvent $job.Id -Follow -PollIntervalSec 0.05
        $all = Get-FineTuningEvent $job.Id
        $followed.Count | Should -Be $all.Count
        $followed[0].Id | Should -Be $all[-1].Id
    }

    It 'lists the checkpoints of the last epochs' {
        $checkpoints = $job | Get-FineTuningCheckpoint
        $checkpoints.Count | Should -Be 3
        $checkpoints.StepNumber | Should -Be @(16, 12, 8)
        # The last epoch's checkpoint is the fine-tuned model itself; the earlier ones are named by step.
        $checkpoints[0].FineTunedModelCheckpoint | Should -Be $done.FineTunedModel
        $checkpoints[1].FineTunedModelCheckpoint | Should -Match ':ckpt-step-12$'
        $checkpoints[2].FineTunedModelCheckpoint | Should -Match ':ckpt-step-8$'
        $checkpoints[0].Metrics.TrainLoss | Should -BeGreaterThan 0
    }

    It 'waits for a finished job and writes it' {
        $w = Wait-FineTuningJob $job.Id
        $w.Status | Should -Be 'succeeded'
    }

    It 'times out with a non-terminating error and the job as it is' {
        $file = Add-FineTuningFile (New-TestDataset -Count 12)
        $slow = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $file.Id
        $out = Wait-FineTuningJob $slow.Id -TimeoutSec 1 -PollIntervalSec 0.2 -ErrorVariable errs -ErrorAction SilentlyContinue
        $out.Status | Should -Not -BeIn @('succeeded', 'failed', 'cancelled')
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'WaitTimeout,*'
        $errs[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
    }
}

Describe 'Remove-FineTuningJob on an OpenAI connection' {
    BeforeEach { $script:emu = Start-TestEmulator }
    AfterEach { Stop-FineTuningEmulator }

    It 'refuses before any request, since OpenAI''s API cannot delete jobs, and says what to do instead' {
        $file = Add-FineTuningFile (New-TestDataset -Count 10)
        $job = $file | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 | Stop-FineTuningJob -Force
        $before = $emu.Emulator.JobCount
        $err = $null
        try { $job | Remove-FineTuningJob -Force -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'NotSupportedByService,*'
        $err.CategoryInfo.Category | Should -Be 'NotImplemented'
        $err.Exception.Message | Should -Match 'Azure OpenAI'
        $err.Exception.Message | Should -Match 'Stop-FineTuningJob'
        $emu.Emulator.JobCount | Should -Be $before
        (Get-FineTuningJob $job.Id).Status | Should -Be 'cancelled'
    }
}

Describe 'Jobs that fail on the service' {
    BeforeEach { $script:emu = Start-TestEmulator }
    AfterEach { Stop-FineTuningEmulator }

    It 'fails a job with fewer than 10 examples and Wait reports the code' {
        $small = Add-FineTuningFile (New-TestDataset -Count 5) -WarningAction SilentlyContinue
        $job = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $small.Id
        $emu.Emulator.Clock.Advance([TimeSpan]::FromMinutes(30))
        $out = Wait-FineTuningJob $job.Id -ErrorVariable errs -ErrorAction SilentlyContinue
        $out.Status | Should -Be 'failed'
        $out.Error.Code | Should -Be 'invalid_n_examples'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'JobFailed,*'
        $errs[0].Exception.Message | Should -Match 'invalid_n_examples'
    }

    It 'fails a job whose training file is not JSONL' {
        $path = Join-Path $TestDrive 'notjson.jsonl'
        Set-Content $path -Value ('this is not json', 'nor is this')
        $bad = Add-FineTuningFile $path -SkipValidation
        $job = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $bad.Id
        $failed = Step-Emulator $emu $job.Id -Status failed, succeeded
        $failed.Status | Should -Be 'failed'
        $failed.Error.Code | Should -Not -BeNullOrEmpty
        $failed.Error.Message | Should -Match 'line'
    }

    It 'rejects an unknown training file as a file that was not found' {
        $out = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile file-nope -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'FileNotFound,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'file-nope'
        $errs[0].Exception.Message | Should -Match 'file-nope'
    }
}

Describe 'A model the service refuses' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        $script:train = Add-FineTuningFile (New-TestDataset -Count 12)
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'gets the closest names of the models that take fine-tuning' {
        New-FineTuningJob -Model gpt-4o-mni -TrainingFile $train.Id -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        "$($errs[0])" | Should -Match 'gpt-4o-mni is not available'
        "$($errs[0])" | Should -Match "Did you mean 'gpt-4o-mini'"
        $errs[0].ErrorDetails.RecommendedAction | Should -Match 'gpt-4o-mini'
    }

    It 'gets no guess when no known name is close' {
        New-FineTuningJob -Model llama-3-70b -TrainingFile $train.Id -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        "$($errs[0])" | Should -Not -Match 'Did you mean'
    }
}
