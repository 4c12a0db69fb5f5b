# Waiting in PowerShell background jobs: Wait-FineTuningJob -AsJob and New-FineTuningJob -AsJob, read with
# Get-Job, Wait-Job, Receive-Job and Stop-Job.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    function Complete-WaitJob {
        # Moves the emulator's clock until the background jobs finish (they poll it like any client).
        param([Parameter(Mandatory)] $Session, [Parameter(Mandatory)] [object[]] $Jobs, [int] $MaxSteps = 400)
        for ($i = 0; $i -lt $MaxSteps; $i++) {
            if (@($Jobs | Where-Object State -in 'NotStarted', 'Running').Count -eq 0) { return }
            $Session.Emulator.Clock.Advance([TimeSpan]::FromSeconds(15))
            Start-Sleep -Milliseconds 20
        }
        throw "The background jobs did not finish: $(@($Jobs | ForEach-Object { "$($_.Name)=$($_.State)" }) -join ', ')."
    }
}

Describe 'Waiting in background jobs' {
    BeforeEach {
        $script:emu = Start-TestEmulator
        $script:train = Add-FineTuningFile (New-TestDataset -Count 12)
    }
    AfterEach {
        Get-Job | Where-Object { $_ -is [FineTuning.Commands.FineTuningWaitJob] } | Remove-Job -Force
        Stop-FineTuningEmulator
    }

    Context 'Wait-FineTuningJob -AsJob' {
        It 'returns at once a running background job named after the fine-tuning job, listed by Get-Job' {
            $ft = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Suffix bg
            $bg = Wait-FineTuningJob $ft.Id -AsJob -PollIntervalSec 0.05
            $bg | Should -BeOfType ([FineTuning.Commands.FineTuningWaitJob])
            $bg | Should -BeOfType ([System.Management.Automation.Job])
            $bg.Name | Should -Be $ft.Id
            $bg.FineTuningJobId | Should -Be $ft.Id
            $bg.PSJobTypeName | Should -Be 'FineTuning'
            $bg.State | Should -Be 'Running'   # the manual clock has not moved: the fine-tuning job cannot have finished
            (Get-Job -Name $ft.Id).InstanceId | Should -Be $bg.InstanceId
            # Its own view: the whole fine-tuning job id, the background job's state, the fine-tuning job's status.
            $lines = ($bg | Out-String -Width 120) -split "`r?`n"
            $lines | Where-Object { $_.Length -gt 120 } | Should -BeNullOrEmpty
            $lines | Where-Object { $_ -match "^\s*$($bg.Id)\s+$($ft.Id)\s+Running\b" } | Should -Not -BeNullOrEmpty
        }

        It 'ends when the fine-tuning job does; Receive-Job gives the final job' {
            $ft = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Suffix bg
            $bg = Wait-FineTuningJob $ft.Id -AsJob -PollIntervalSec 0.05
            Complete-WaitJob $emu $bg
            $bg.State | Should -Be 'Completed'
            $bg.StatusMessage | Should -Be 'succeeded'
            $bg.HasMoreData | Should -BeTrue
            $out = @(Receive-Job $bg)
            $out | Should -HaveCount 1
            $out[0] | Should -BeOfType ([FineTuning.Client.FineTuningJob])
            $out[0].Id | Should -Be $ft.Id
            $out[0].Status | Should -Be 'succeeded'
            $out[0].FineTunedModel | Should -Be (Get-FineTuningJob $ft.Id).FineTunedModel
            $bg.HasMoreData | Should -BeFalse
        }

        It 'makes one background job per piped fine-tuning job' {
            $jobs = 1..3 | ForEach-Object { New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Suffix "p$_" }
            $bgs = @($jobs | Wait-FineTuningJob -AsJob -PollIntervalSec 0.05)
            $bgs | Should -HaveCount 3
            $bgs.Name | Should -Be $jobs.Id
            Complete-WaitJob $emu $bgs
            $final = @($bgs | Receive-Job)
            $final.Id | Sort-Object | Should -Be ($jobs.Id | Sort-Object)
            $final.Status | Sort-Object -Unique | Should -Be 'succeeded'
        }

        It 'reports a failed fine-tuning job as the JobFailed error in the background job, beside the job' {
            $small = Add-FineTuningFile (New-TestDataset -Count 5) -WarningAction SilentlyContinue
            $ft = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $small.Id
            $bg = Wait-FineTuningJob $ft.Id -AsJob -PollIntervalSec 0.05
            Complete-WaitJob $emu $bg
            $bg.State | Should -Be 'Completed'
            $out = Receive-Job $bg -ErrorVariable errs -ErrorAction SilentlyContinue
            $out.Status | Should -Be 'failed'
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'JobFailed*'
            $errs[0].Exception.Message | Should -Match 'invalid_n_examples'
        }

        It 'reports an unknown job as JobNotFound in the background job' {
            $bg = Wait-FineTuningJob ftjob-doesnotexist -AsJob
            $null = $bg | Wait-Job -Timeout 30
            $bg.State | Should -Be 'Completed'
            $out = Receive-Job $bg -ErrorVariable errs -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'JobNotFound*'
            $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $errs[0].TargetObject | Should -Be 'ftjob-doesnotexist'
        }

        It 'gives the timeout as a WaitTimeout error and the job as it was' {
            $ft = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id
            $bg = Wait-FineTuningJob $ft.Id -AsJob -TimeoutSec 1 -PollIntervalSec 0.2
            $null = $bg | Wait-Job -Timeout 30
            $out = Receive-Job $bg -ErrorVariable errs -ErrorAction SilentlyContinue
            $out.Status | Should -Not -BeIn @('succeeded', 'failed', 'cancelled')
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'WaitTimeout*'
        }

        It 'stops waiting on Stop-Job and leaves the fine-tuning job running' {
            $ft = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id
            $bg = Wait-FineTuningJob $ft.Id -AsJob -PollIntervalSec 0.05
            Stop-Job $bg
            $bg.State | Should -Be 'Stopped'
            Receive-Job $bg | Should -BeNullOrEmpty
            (Get-FineTuningJob $ft.Id).Status | Should -Not -BeIn @('succeeded', 'failed', 'cancelled')
        }

        It 'ends with ConnectionClosed when its emulator is stopped under it' {
            $ft = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id
            $bg = Wait-FineTuningJob $ft.Id -AsJob -PollIntervalSec 0.05
            Start-Sleep -Milliseconds 200
            Stop-FineTuningEmulator
            try {
                $null = $bg | Wait-Job -Timeout 30
                $bg.State | Should -Be 'Completed'
                $null = Receive-Job $bg -ErrorVariable errs -ErrorAction SilentlyContinue
                $errs[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionClosed*'
                $errs[0].CategoryInfo.Category | Should -Be 'ConnectionError'
                $errs[0].Exception.Message | Should -Match 'Stop-FineTuningEmulator'
            }
            finally {
                $script:emu = Start-TestEmulator   # for AfterEach
            }
        }

        It 'keeps the requests it made in its verbose stream when asked with -Verbose, and only then' {
            $ft = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id
            $loud = Wait-FineTuningJob $ft.Id -AsJob -PollIntervalSec 0.05 -Verbose
            $quiet = Wait-FineTuningJob $ft.Id -AsJob -PollIntervalSec 0.05
            Complete-WaitJob $emu $loud, $quiet
            ($loud.Verbose | ForEach-Object Message) -join "`n" | Should -Match "GET \S+/fine_tuning/jobs/$($ft.Id) -> 200"
            $quiet.Verbose | Should -BeNullOrEmpty
        }
    }

    Context 'New-FineTuningJob -AsJob' {
        It 'creates the job before it returns, then waits for it in the background' {
            $before = $emu.Emulator.JobCount
            $bg = $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Suffix asjob -AsJob
            $emu.Emulator.JobCount | Should -Be ($before + 1)
            $bg | Should -BeOfType ([FineTuning.Commands.FineTuningWaitJob])
            $bg.Name | Should -Match '^ftjob-'
            (Get-FineTuningJob $bg.Name).UserProvidedSuffix | Should -Be 'asjob'
            Complete-WaitJob $emu $bg
            $final = Receive-Job $bg
            $final.Status | Should -Be 'succeeded'
            $final.FineTunedModel | Should -Match ':asjob:'
        }

        It 'with -WhatIf creates nothing and starts no background job' {
            $before = $emu.Emulator.JobCount
            $jobsBefore = @(Get-Job).Count
            $out = $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -AsJob -WhatIf
            $out | Should -BeNullOrEmpty
            $emu.Emulator.JobCount | Should -Be $before
            @(Get-Job).Count | Should -Be $jobsBefore
        }

        It 'refuses -Wait with -AsJob before any request, naming both' {
            $before = $emu.Emulator.JobCount
            { $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Wait -AsJob -ErrorAction Stop } |
                Should -Throw '*-Wait and -AsJob cannot be used together*'
            $err = $null
            try { $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Wait -AsJob -ErrorAction Stop } catch { $err = $_ }
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.FullyQualifiedErrorId | Should -BeLike 'InvalidAsJob*'
            $emu.Emulator.JobCount | Should -Be $before
        }
    }
}
