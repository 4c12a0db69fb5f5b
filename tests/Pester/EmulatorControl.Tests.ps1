[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '',
    Justification = 'The keys are made up by the test for the emulator; the cmdlets take them as SecureString.')]
param()

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

Describe 'Emulator control cmdlets against an emulator in another process' {
    BeforeAll {
        $script:key = 'sk-host-' + [guid]::NewGuid().ToString('n')
        $script:hostEmu = Start-EmulatorProcess -ArgumentList '--manual-clock', '--seed', '3' -ApiKey $key
        $script:remote = Connect-FineTuningService -BaseUri $hostEmu.BaseUri -ApiKey (ConvertTo-SecureString $key -AsPlainText -Force) -PassThru
        $script:origin = $hostEmu.BaseUri.GetLeftPart([System.UriPartial]::Authority)
        $script:headers = @{ Authorization = "Bearer $key" }
    }
    AfterAll {
        Disconnect-FineTuningService -ErrorAction SilentlyContinue
        Stop-EmulatorProcess $hostEmu
    }

    It 'moves the other process''s clock, on the connection in use and with -Connection' {
        $before = (Invoke-RestMethod "$origin/_emulator/clock" -Headers $headers).now
        $after = Step-FineTuningEmulatorClock -By '01:00:00' -PassThru
        $after.ToUnixTimeSeconds() | Should -Be ($before + 3600)
        Step-FineTuningEmulatorClock -By '00:00:30' -Connection $remote
        (Invoke-RestMethod "$origin/_emulator/clock" -Headers $headers).now | Should -Be ($before + 3630)
        { Step-FineTuningEmulatorClock -By '-00:01:00' -Connection $remote -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidBy,*'
    }

    It 'plants request faults there and clears them' {
        Add-FineTuningEmulatorFault 503 -Path '/files' -Count 5 -Connection $remote
        Get-FineTuningFile -Connection $remote -ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ServiceUnavailable,*'
        Clear-FineTuningEmulatorFault -Connection $remote
        Get-FineTuningFile -Connection $remote -ErrorVariable e2
        $e2.Count | Should -Be 0
    }

    It 'fails a job there at a given step, driven by its clock' {
        $f = Add-FineTuningFile (New-TestDataset -Count 10) -Connection $remote
        $j = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $f.Id -Epochs 1 -BatchSize 2 -Connection $remote
        Add-FineTuningEmulatorFault -JobId $j.Id -FailAtStep 2 -ErrorCode 'training_crashed' -ErrorMessage 'Boom.' -Connection $remote
        for ($i = 0; $i -lt 200; $i++) {
            $job = Get-FineTuningJob -Id $j.Id -Connection $remote
            if ($job.Status -in 'failed', 'succeeded') { break }
            Step-FineTuningEmulatorClock -By '00:00:15' -Connection $remote
        }
        $job.Status | Should -Be 'failed'
        $job.Error.Code | Should -Be 'training_crashed'
    }

    It 'reports a wrong key as an authentication failure' {
        $wrong = Connect-FineTuningService -BaseUri $hostEmu.BaseUri -ApiKey (ConvertTo-SecureString 'sk-wrong-key' -AsPlainText -Force) -PassThru -MaxRetries 0
        { Clear-FineTuningEmulatorFault -Connection $wrong -ErrorAction Stop } | Should -Throw -ErrorId 'AuthenticationFailed,*'
    }

    It 'refuses connections that do not lead to an emulator' {
        $openai = Connect-FineTuningService -ApiKey (ConvertTo-SecureString 'sk-not-sent' -AsPlainText -Force) -PassThru
        $err = { Add-FineTuningEmulatorFault 500 -Connection $openai -ErrorAction Stop } | Should -Throw -ErrorId 'NotAnEmulator,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err.Exception.Message | Should -BeLike '*api.openai.com*'
    }

    It 'names a loopback server that is not an emulator as such' {
        # A plain web server on loopback that answers every request with 404 text, as most servers would.
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $port = $listener.LocalEndpoint.Port
        $server = Start-ThreadJob -ScriptBlock {
            $listener = $using:listener
            $client = $listener.AcceptTcpClient()
            $stream = $client.GetStream()
            $buffer = [byte[]]::new(65536)
            $null = $stream.Read($buffer, 0, $buffer.Length)
            $answer = [System.Text.Encoding]::ASCII.GetBytes("HTTP/1.1 404 Not Found`r`nContent-Type: text/html`r`nContent-Length: 9`r`nConnection: close`r`n`r`nNot found")
            $stream.Write($answer, 0, $answer.Length)
            $client.Close()
        }
        try {
            $plain = Connect-FineTuningService -BaseUri "http://127.0.0.1:$port/v1" -PassThru -MaxRetries 0
            $err = { Clear-FineTuningEmulatorFault -Connection $plain -ErrorAction Stop } | Should -Throw -ErrorId 'NotAnEmulator,*' -PassThru
            $err.Exception.Message | Should -BeLike "*127.0.0.1:$port is not a FineTuning emulator*"
        } finally {
            $server | Wait-Job -Timeout 10 | Out-Null
            $server | Remove-Job -Force
            $listener.Stop()
        }
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
