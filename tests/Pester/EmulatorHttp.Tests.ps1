# The emulator's HTTP edge as the module's users meet it: every loopback name, and the key before anything else.
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '',
    Justification = 'The keys are made up by the test for the emulator; the cmdlets take them as SecureString.')]
param()

BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'The emulator over HTTP on every loopback name' -ForEach @(
    @{ HostName = 'localhost' }
    @{ HostName = '127.0.0.1' }
    @{ HostName = '[::1]' }
) {
    BeforeAll {
        $script:key = 'sk-edge-' + [guid]::NewGuid().ToString('n')
        $script:emu = FineTuning\Start-FineTuningEmulator -Port 0 -ManualClock -NoConnect -ApiKey (ConvertTo-SecureString $key -AsPlainText -Force)
        $script:skip = $HostName -eq '[::1]' -and -not [System.Net.Sockets.Socket]::OSSupportsIPv6
    }
    AfterAll {
        Disconnect-FineTuningService
        FineTuning\Stop-FineTuningEmulator
    }

    It 'uploads and lists files at http://<HostName>:PORT/v1' {
        if ($skip) { Set-ItResult -Skipped -Because 'this machine has no IPv6 loopback' }
        Connect-FineTuningService -BaseUri "http://$($HostName):$($emu.Port)/v1" -ApiKey (ConvertTo-SecureString $key -AsPlainText -Force)
        $file = Add-FineTuningFile (New-TestDataset -Count 10)
        (Get-FineTuningFile).Id | Should -Contain $file.Id
    }

    It 'answers a request without the key 401 at http://<HostName>:PORT/v1, before any injected fault' {
        if ($skip) { Set-ItResult -Skipped -Because 'this machine has no IPv6 loopback' }
        $emu.Emulator.Faults.Add([FineTuning.Client.EmulatorFault]@{ DropConnection = $true; Count = 1 })
        $http = [System.Net.Http.HttpClient]::new()
        try {
            $answer = $http.GetAsync("http://$($HostName):$($emu.Port)/v1/files").GetAwaiter().GetResult()
            [int]$answer.StatusCode | Should -Be 401
            $emu.Emulator.Faults.Pending | Should -Be 1
        } finally {
            $emu.Emulator.Faults.Clear()
            $http.Dispose()
        }
    }
}
