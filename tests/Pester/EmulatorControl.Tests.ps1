BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'Emulator control cmdlets' {
    BeforeEach { $script:emu = Start-TestEmulator }
    AfterEach { Stop-FineTuningEmulator }

    It 'moves the virtual clock with Step-FineTuningEmulatorClock' {
        $before = $emu.Emulator.Clock.Now
        $after = Step-FineTuningEmulatorClock -By '01:30:00' -PassThru
        ($after - $before) | Should -Be ([TimeSpan]::FromMinutes(90))
        { Step-FineTuningEmulatorClock -By '-00:01:00' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidBy,*'
    }

    It 'injects request faults that match method and path, then clears them' {
        Add-FineTuningEmulatorFault -StatusCode 404 -Method GET -Path '/files' -Count 5
        Get-FineTuningJob | Should -BeNullOrEmpty
        Get-FineTuningFile -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Clear-FineTuningEmulatorFault
        $emu.Emulator.Faults.Pending | Should -Be 0
        Get-FineTuningFile -ErrorVariable e2
        $e2.Count | Should -Be 0
    }

    It 'drops connections on request' {
        Add-FineTuningEmulatorFault -DropConnection -Count 3
        Get-FineTuningJob -ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $e[0].CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'fails a given job at a given step' {
        $f = Add-FineTuningFile (New-TestDataset -Count 10)
        $j = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $f.Id -Epochs 1 -BatchSize 2
        Add-FineTuningEmulatorFault -JobId $j.Id -FailAtStep 2 -ErrorCode 'training_crashed' -ErrorMessage 'Boom.'
        $done = Step-Emulator $emu $j.Id -Status failed, succeeded
        $done.Status | Should -Be 'failed'
        $done.Error.Code | Should -Be 'training_crashed'
        @(Get-FineTuningMetric $j.Id).Count | Should -Be 1
    }

    It 'says so when no emulator runs' {
        Stop-FineTuningEmulator
        { Add-FineTuningEmulatorFault -StatusCode 500 -ErrorAction Stop } | Should -Throw -ErrorId 'NoEmulator,*'
    }
}

Describe 'The testing example in docs/testing-with-the-emulator.md' {
    It 'passes' {
        $example = Join-Path $PSScriptRoot '../../examples/testing/Start-NightlyFineTune.Tests.ps1'
        $container = New-PesterContainer -Path $example
        $config = New-PesterConfiguration
        $config.Run.Container = $container
        $config.Run.PassThru = $true
        $config.Output.Verbosity = 'None'
        $result = Invoke-Pester -Configuration $config
        $result.FailedCount | Should -Be 0
        $result.PassedCount | Should -Be 5
    }
}
