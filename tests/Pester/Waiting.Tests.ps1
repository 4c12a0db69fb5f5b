# Waiting for jobs as a script relies on it: what is written for each final state, retries kept off the warning
# stream, a timeout that bounds the requests themselves, several jobs in one polling loop, and Ctrl+C during -Wait.
BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'What Wait-FineTuningJob writes for each final state' {
    BeforeEach {
        $script:emu = Start-TestEmulator
        $train = Add-FineTuningFile (New-TestDataset -Count 12)
        $script:job = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Epochs 1
    }
    AfterEach { Stop-FineTuningEmulator }

    It 'writes a succeeded job, with no error and no warning' {
        $null = Step-Emulator $emu $job.Id -Status succeeded
        $out = Wait-FineTuningJob $job.Id -ErrorVariable errs -WarningVariable warns
        $out.Status | Should -Be 'succeeded'
        $errs.Count | Should -Be 0
        $warns.Count | Should -Be 0
    }

    It 'writes a cancelled job with a warning, not an error, so -ErrorAction Stop scripts go on' {
        $null = Stop-FineTuningJob $job.Id -Force
        $out = Wait-FineTuningJob $job.Id -ErrorAction Stop -WarningVariable warns -WarningAction SilentlyContinue
        $out.Id | Should -Be $job.Id
        $out.Status | Should -Be 'cancelled'
        $warns.Count | Should -Be 1
        "$($warns[0])" | Should -Match ([regex]::Escape($job.Id) + ' was cancelled')
    }

    It 'writes a failed job and a JobFailed error' {
        Add-FineTuningEmulatorFault -JobId $job.Id -FailAtStep 1 -ErrorCode server_error
        $null = Step-Emulator $emu $job.Id -Status failed
        $out = Wait-FineTuningJob $job.Id -ErrorVariable errs -ErrorAction SilentlyContinue
        $out.Status | Should -Be 'failed'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'JobFailed,*'
    }

    It 'says the rule in its help' {
        $help = Get-Help Wait-FineTuningJob -Full | Out-String
        $help | Should -Match 'cancelled job'
        $help | Should -Match 'warning'
    }
}

Describe 'Retries as a script sees them' {
    BeforeEach { $script:emu = Start-TestEmulator }
    AfterEach { Stop-FineTuningEmulator }

    It 'reports a retried request on the verbose stream, not as a warning' {
        $emu.Emulator.Faults.Add([FineTuning.Client.EmulatorFault]@{ StatusCode = 503; Count = 1 })
        $verbose = Get-FineTuningJob -Verbose -WarningVariable warns 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $warns.Count | Should -Be 0
        ($verbose.Message -match 'retry 1 of 2').Count | Should -Be 1
    }
}

Describe 'The timeout of a wait bounds its requests' {
    BeforeEach {
        $script:emu = Start-TestEmulator
        $train = Add-FineTuningFile (New-TestDataset -Count 12)
        $script:job = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id
    }
    AfterEach { Stop-FineTuningEmulator }

    It 'returns at the timeout when the service holds a request open' {
        $emu.Emulator.Faults.Add([FineTuning.Client.EmulatorFault]@{ StatusCode = 0; Count = 10; Method = 'GET'; Path = '*/fine_tuning/jobs/*'; Latency = [TimeSpan]::FromSeconds(90) })
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $out = Wait-FineTuningJob $job.Id -TimeoutSec 2 -ErrorVariable errs -ErrorAction SilentlyContinue
        $clock.Stop()
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 30
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'WaitTimeout,*'
        $errs[0].Exception.Message | Should -Match 'No answer about job'
    }

    It 'returns at the timeout when the service asks for a long pause between retries' {
        $emu.Emulator.Faults.Add([FineTuning.Client.EmulatorFault]@{ StatusCode = 503; Count = 10; RetryAfter = [TimeSpan]::FromSeconds(60) })
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $null = Wait-FineTuningJob $job.Id -TimeoutSec 2 -ErrorVariable errs -ErrorAction SilentlyContinue
        $clock.Stop()
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 30
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'WaitTimeout,*'
    }
}

Describe 'Waiting for several jobs' {
    BeforeAll {
        $script:emu = Start-FineTuningEmulator -TimeScale 2000 -Seed 3
        $train = Add-FineTuningFile (New-TestDataset -Count 12)
        $script:jobs = 1..3 | ForEach-Object { New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $train.Id -Epochs 1 -Suffix "w$_" }
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'polls them in one loop with one list request per round, and writes each as it ends' {
        $records = $jobs | Wait-FineTuningJob -PollIntervalSec 0.1 -Verbose 4>&1
        $out = @($records | Where-Object { $_ -is [FineTuning.Client.FineTuningJob] })
        $out.Count | Should -Be 3
        $out.Status | Sort-Object -Unique | Should -Be 'succeeded'
        ($out.Id | Sort-Object) | Should -Be ($jobs.Id | Sort-Object)
        $requests = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $lists = @($requests -match '^GET \S+/fine_tuning/jobs\?')
        $singles = @($requests -match '^GET \S+/fine_tuning/jobs/ftjob-[^/?]+(\?\S*)? ->')
        $lists.Count | Should -BeGreaterThan 0
        $singles.Count | Should -Be 0
    }
}

Describe 'Ctrl+C during New-FineTuningJob -Wait' {
    It 'has put the created job in the information stream before the wait, names it on the console, and the job goes on' {
        $module = Join-Path $script:ModuleFolder 'FineTuning.psd1'
        if (-not ('FineTuning.Tests.RecordingHost' -as [type])) { Add-Type -Path (Join-Path $PSScriptRoot 'RecordingHost.cs') }
        $recordingHost = [FineTuning.Tests.RecordingHost]::new()
        $runspace = [runspacefactory]::CreateRunspace($recordingHost)
        $runspace.Open()
        $ps = [powershell]::Create()
        $ps.Runspace = $runspace
        try {
            $null = $ps.AddScript(@"
Import-Module '$module'
`$null = Start-FineTuningEmulator -TimeScale 1
`$lines = 1..12 | ForEach-Object { '{"messages":[{"role":"user","content":"q' + `$_ + '"},{"role":"assistant","content":"a' + `$_ + '"}]}' }
`$path = Join-Path ([IO.Path]::GetTempPath()) "ctrlc-`$PID-`$([guid]::NewGuid().ToString('n')).jsonl"
[IO.File]::WriteAllLines(`$path, [string[]]`$lines)
`$file = Add-FineTuningFile `$path
Remove-Item `$path
New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile `$file.Id -Wait
"@)
            $handle = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ($ps.Streams.Information.Count -eq 0 -and -not $handle.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $ps.Streams.Information.Count | Should -Be 1
            $handle.IsCompleted | Should -BeFalse
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'

            $created = $ps.Streams.Information[0]
            $created.Tags | Should -Contain 'FineTuningJobCreated'
            $created.MessageData | Should -BeOfType ([FineTuning.Client.FineTuningJob])
            $id = $created.MessageData.Id
            $id | Should -Match '^ftjob-'

            # The person who pressed Ctrl+C reads the id, and how to wait again or cancel, on the console.
            $note = @($recordingHost.Warnings | Where-Object { $_ -match [regex]::Escape($id) })
            $note.Count | Should -Be 1
            $note[0] | Should -Match 'goes on running'
            $note[0] | Should -Match ('Wait-FineTuningJob ' + [regex]::Escape($id))
            $note[0] | Should -Match ('Stop-FineTuningJob ' + [regex]::Escape($id))

            $ps.Commands.Clear()
            $ps.Streams.ClearStreams()
            $job = $ps.AddScript("Get-FineTuningJob '$id'").Invoke()
            $job.Status | Should -Not -BeIn @('succeeded', 'failed', 'cancelled')
        }
        finally {
            $ps.Commands.Clear()
            $null = $ps.AddScript('Stop-FineTuningEmulator').Invoke()
            $ps.Dispose()
            $runspace.Dispose()
        }
    }

}
