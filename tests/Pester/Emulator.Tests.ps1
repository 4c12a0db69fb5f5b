[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '',
    Justification = 'The keys are made up by the test for the emulator; the cmdlets take them as SecureString.')]
param()

BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'Start-FineTuningEmulator and Stop-FineTuningEmulator' {
    AfterEach { Stop-FineTuningEmulator }

    It 'runs in process by default and becomes the session connection' -Skip:($env:FINETUNING_TEST_LOOPBACK -eq '1') {
        $emu = Start-FineTuningEmulator
        $emu.InProcess | Should -BeTrue
        $emu.BaseUri | Should -Not -BeNullOrEmpty
        (Get-FineTuningConnection).Kind | Should -Be 'Emulator'
    }

    It 'listens on 127.0.0.1 with -Port, reachable by any HTTP client' {
        $emu = Start-FineTuningEmulator -Port 0
        $emu.BaseUri.Host | Should -Be '127.0.0.1'
        $emu.Port | Should -BeGreaterThan 0
        $file = Add-FineTuningFile (New-TestDataset -Count 10)
        $list = Invoke-RestMethod -Uri "$($emu.BaseUri)/files"
        $list.object | Should -Be 'list'
        $list.data[0].id | Should -Be $file.Id
    }

    It 'counts the requests it answers, so a test can see how many calls a script made' {
        $emu = Start-FineTuningEmulator
        $emu.RequestCount | Should -Be 0
        $file = Add-FineTuningFile (New-TestDataset -Count 10)
        $before = $emu.RequestCount
        Get-FineTuningFile -Id $file.Id | Out-Null
        Get-FineTuningJob -Id ftjob-none -ErrorAction SilentlyContinue
        $emu.RequestCount - $before | Should -Be 2
    }

    It 'leaves no connection behind when stopped' {
        Start-FineTuningEmulator | Out-Null
        Stop-FineTuningEmulator
        { Get-FineTuningJob -ErrorAction Stop } | Should -Throw -ErrorId 'NoConnection,*'
    }

    It 'refuses a second start while one runs, and keeps the first one and its data' {
        $first = Start-FineTuningEmulator
        $file = Add-FineTuningFile (New-TestDataset -Count 10)
        $err = { Start-FineTuningEmulator -ErrorAction Stop } | Should -Throw -ErrorId 'EmulatorAlreadyRunning,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        $err.Exception.Message | Should -BeLike "*already running at $($first.BaseUri)*0 job(s) and 1 file(s)*-Force*"
        (Get-FineTuningFile $file.Id).Id | Should -Be $file.Id
        $first.Emulator.FileCount | Should -Be 1
    }

    It 'replaces a running emulator with -Force and says what it dropped' {
        $first = Start-FineTuningEmulator -ManualClock
        $file = Add-FineTuningFile (New-TestDataset -Count 10)
        $file | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 | Out-Null
        Add-FineTuningFile (New-TestDataset -Count 10) | Out-Null
        $second = Start-FineTuningEmulator -Force -WarningVariable warned -WarningAction SilentlyContinue
        $warned.Count | Should -Be 1
        "$($warned[0])" | Should -BeLike "Replaced the emulator at $($first.BaseUri): its 1 job(s) and 2 file(s) were dropped."
        $second.Emulator.FileCount | Should -Be 0
        @(Get-FineTuningFile).Count | Should -Be 0
    }

    It 'says with -Force that a durable emulator''s state stays in its folder' {
        $state = Join-Path $TestDrive 'forced'
        Start-FineTuningEmulator -StatePath $state | Out-Null
        Add-FineTuningFile (New-TestDataset -Count 10) | Out-Null
        Start-FineTuningEmulator -Force -WarningVariable warned -WarningAction SilentlyContinue | Out-Null
        "$($warned[0])" | Should -BeLike "*its 0 job(s) and 1 file(s) stay in '$state'."
        Stop-FineTuningEmulator
        (Start-FineTuningEmulator -StatePath $state).FileCount | Should -Be 1
    }

    It 'keeps the API key it was given out of what it returns' {
        $key = 'sk-emulator-secret-' + [guid]::NewGuid().ToString('n')
        $emu = Start-FineTuningEmulator -ApiKey (ConvertTo-SecureString $key -AsPlainText -Force)
        $emu.RequiresApiKey | Should -BeTrue
        $emu.Emulator.Options.ApiKey | Should -BeNullOrEmpty
        ($emu | ConvertTo-Json -Depth 5 -WarningAction SilentlyContinue) | Should -Not -Match $key
        ($emu | Format-List * | Out-String) | Should -Not -Match $key
        $clixml = Join-Path $TestDrive 'emulator.xml'
        $emu | Export-Clixml -Path $clixml -Depth 5
        Get-Content $clixml -Raw | Should -Not -Match $key
        # The key still guards the emulator, and its own connection still carries it.
        if (-not $emu.InProcess) {
            $withoutKey = Connect-FineTuningService -BaseUri $emu.BaseUri -PassThru -MaxRetries 0
            { Get-FineTuningFile -Connection $withoutKey -ErrorAction Stop } | Should -Throw -ErrorId 'AuthenticationFailed,*'
        }
        @(Get-FineTuningFile -Connection $emu.Connection -ErrorAction Stop).Count | Should -Be 0
    }

    It 'keeps its state in -StatePath across a restart' {
        $state = Join-Path $TestDrive 'state'
        Start-FineTuningEmulator -StatePath $state -ManualClock | Out-Null
        $file = Add-FineTuningFile (New-TestDataset -Count 10)
        $job = $file | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Metadata @{ kept = 'yes' }
        Stop-FineTuningEmulator
        Test-Path (Join-Path $state 'state.json') | Should -BeTrue

        $emu = Start-FineTuningEmulator -StatePath $state -ManualClock
        $emu.Emulator.JobCount | Should -Be 1
        (Get-FineTuningFile $file.Id).Filename | Should -Be $file.Filename
        (Get-FineTuningJob -Metadata @{ kept = 'yes' }).Id | Should -Be $job.Id
    }

    It 'reports an unreadable state folder as a clear error' {
        $state = Join-Path $TestDrive 'broken'
        New-Item -ItemType Directory $state | Out-Null
        Set-Content (Join-Path $state 'state.json') 'garbage'
        { Start-FineTuningEmulator -StatePath $state -ErrorAction Stop } | Should -Throw -ErrorId 'EmulatorStartFailed,*'
    }

    It 'refuses a state folder that another emulator owns, and takes it once that one stops' {
        $state = Join-Path $TestDrive 'owned'
        $owner = [FineTuning.Emulator.FineTuningEmulator]::new([FineTuning.Emulator.EmulatorOptions]@{ StatePath = $state })
        try {
            $err = { Start-FineTuningEmulator -StatePath $state -ErrorAction Stop } | Should -Throw -ErrorId 'StateFolderInUse,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
            $err.TargetObject | Should -Be $state
            $err.Exception.Message | Should -BeLike "*'$state'*in use by another emulator*"
        }
        finally {
            $owner.Dispose()
        }
        $emu = Start-FineTuningEmulator -StatePath $state
        $emu.Emulator.FileCount | Should -Be 0
    }

    It 'reports wall-clock times at any time scale: EstimatedFinish is near the real end' {
        Start-FineTuningEmulator -TimeScale 600 -Seed 3 | Out-Null
        $before = [DateTimeOffset]::UtcNow
        # About ten minutes of the service's time: 250 steps of 2 s and more, validation and queue.
        $job = Add-FineTuningFile (New-TestDataset -Count 10) | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Epochs 25 -BatchSize 1
        $estimate = $null
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        do {
            Start-Sleep -Milliseconds 50
            $job = Get-FineTuningJob $job.Id
            if ($job.Status -eq 'running' -and -not $estimate) { $estimate = $job.EstimatedFinish }
        } until ($job.Status -eq 'succeeded' -or [DateTime]::UtcNow -gt $deadline)
        $end = [DateTimeOffset]::UtcNow
        $job.Status | Should -Be 'succeeded'
        $job.CreatedAt | Should -BeGreaterOrEqual $before.AddSeconds(-2)
        $job.FinishedAt | Should -BeLessOrEqual $end.AddSeconds(2)
        ($job.FinishedAt - $job.CreatedAt).TotalSeconds | Should -BeLessOrEqual 5
        $estimate | Should -Not -BeNullOrEmpty
        [Math]::Abs(($estimate - $job.FinishedAt).TotalSeconds) | Should -BeLessOrEqual 2
    }

    It 'reproduces a seeded run exactly' {
        $path = New-TestDataset -Count 12
        $losses = foreach ($run in 1, 2) {
            $emu = Start-FineTuningEmulator -ManualClock -Seed 5
            $job = Add-FineTuningFile $path | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Epochs 2 -Seed 11
            Step-Emulator $emu $job.Id -Status succeeded | Out-Null
            , @(Get-FineTuningEvent $job.Id | Where-Object Type -eq 'metrics' | Sort-Object Step | ForEach-Object TrainLoss)
            Stop-FineTuningEmulator
        }
        $losses[0].Count | Should -BeGreaterThan 0
        ($losses[0] -join ',') | Should -Be ($losses[1] -join ',')
    }
}
