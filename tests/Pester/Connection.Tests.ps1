[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '',
    Justification = 'The keys are made up by the test for the emulator; the cmdlets take them as SecureString.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:savedEnv = @{}
    foreach ($n in 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_ORG_ID', 'OPENAI_PROJECT_ID', 'AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_API_KEY', 'AZURE_OPENAI_AD_TOKEN', 'OPENAI_API_VERSION') {
        $script:savedEnv[$n] = [Environment]::GetEnvironmentVariable($n)
        [Environment]::SetEnvironmentVariable($n, $null)
    }
    $script:key = 'sk-test-' + ('Zq9' * 10) + 'WXYZ'
    $script:secureKey = ConvertTo-SecureString $key -AsPlainText -Force
}
AfterAll {
    Stop-FineTuningEmulator
    Disconnect-FineTuningService
    foreach ($n in $savedEnv.Keys) { [Environment]::SetEnvironmentVariable($n, $savedEnv[$n]) }
}

Describe 'Connect-FineTuningService and Get-FineTuningConnection' {
    AfterEach { Disconnect-FineTuningService }

    It 'connects to OpenAI with a masked key' {
        $c = Connect-FineTuningService -ApiKey $secureKey -Organization org-1 -Project proj-1 -PassThru
        $c.Kind | Should -Be 'OpenAI'
        $c.BaseUri | Should -Be 'https://api.openai.com/v1'
        $c.Organization | Should -Be 'org-1'
        $c.MaskedKey | Should -Be '****WXYZ'
        $shown = Get-FineTuningConnection | Format-Table | Out-String -Width 120
        $shown | Should -Match 'WXYZ'
        $shown | Should -Not -Match 'Zq9Zq9'
    }

    It 'connects to Azure OpenAI, classic and v1 forms' {
        $classic = Connect-FineTuningService -Azure -Endpoint https://res.openai.azure.com -ApiKey $secureKey -ApiVersion 2025-04-01-preview -PassThru
        $classic.Kind | Should -Be 'AzureOpenAI'
        $classic.BaseUri.AbsoluteUri | Should -Be 'https://res.openai.azure.com/openai'
        $classic.ApiVersion | Should -Be '2025-04-01-preview'
        $v1 = Connect-FineTuningService -Azure -Endpoint https://res.openai.azure.com -AccessToken $secureKey -PassThru
        $v1.BaseUri.AbsoluteUri | Should -Be 'https://res.openai.azure.com/openai/v1'
        $v1.Authentication | Should -Be 'AccessToken'
    }

    It 'is not output without -PassThru' {
        Connect-FineTuningService -ApiKey $secureKey | Should -BeNullOrEmpty
    }

    It 'refuses to send a key over plain http to another host' {
        { Connect-FineTuningService -ApiKey $secureKey -BaseUri http://example.com/v1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidConnection,*'
        (Connect-FineTuningService -ApiKey $secureKey -BaseUri http://example.com/v1 -AllowInsecureHttp -PassThru).BaseUri.Host |
            Should -Be 'example.com'
    }

    It 'takes the connection from the environment when the session has none' {
        $env:OPENAI_API_KEY = $key
        $env:OPENAI_BASE_URL = 'http://127.0.0.1:9/v1'
        try {
            $c = Get-FineTuningConnection
            $c.Source | Should -Be 'Environment'
            $c.BaseUri.Port | Should -Be 9
        } finally {
            $env:OPENAI_API_KEY = $null; $env:OPENAI_BASE_URL = $null
        }
    }

    It 'stops with the environment''s own error when its variables are set but unusable' {
        $env:AZURE_OPENAI_ENDPOINT = 'not a url'
        $env:AZURE_OPENAI_API_KEY = $key
        try {
            foreach ($call in { Get-FineTuningJob -ErrorAction Stop }, { Get-FineTuningConnection -ErrorAction Stop },
                { Step-FineTuningEmulatorClock -By '00:01:00' -ErrorAction Stop }) {
                $record = $null
                try { & $call } catch { $record = $_ }
                $record.FullyQualifiedErrorId | Should -BeLike 'InvalidConnection,*'
                $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
                $record.Exception.Message | Should -Match "AZURE_OPENAI_ENDPOINT 'not a url'"
                "$record" | Should -Not -Match 'Zq9Zq9'
            }
        } finally {
            $env:AZURE_OPENAI_ENDPOINT = $null; $env:AZURE_OPENAI_API_KEY = $null
        }
    }

    It 'says how to connect when there is no connection at all' {
        { Get-FineTuningJob -ErrorAction Stop } | Should -Throw -ErrorId 'NoConnection,*'
        try { Get-FineTuningJob -ErrorAction Stop } catch { $_.Exception.Message | Should -Match 'Connect-FineTuningService' }
        Get-FineTuningConnection -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'prefers -Connection over the session connection' {
        $emu = Start-FineTuningEmulator -NoConnect
        Connect-FineTuningService -ApiKey $secureKey -BaseUri http://127.0.0.1:9/v1
        $path = New-TestDataset -Count 10
        $file = Add-FineTuningFile $path -Connection $emu.Connection
        $file.Id | Should -Match '^file-'
        $emu.Emulator.FileCount | Should -Be 1
        Stop-FineTuningEmulator
    }
}

Describe 'Errors from the service' {
    AfterEach { Stop-FineTuningEmulator; Disconnect-FineTuningService }

    It 'maps a wrong key to a 401 AuthenticationError that never shows the key' {
        $emu = Start-FineTuningEmulator -Port 0 -ApiKey (ConvertTo-SecureString 'sk-right-key-000000' -AsPlainText -Force) -NoConnect
        Connect-FineTuningService -ApiKey $secureKey -BaseUri $emu.BaseUri
        Get-FineTuningJob -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
        ($errs[0] | Out-String) + $errs[0].Exception.ToString() | Should -Not -Match 'Zq9Zq9'
    }

    It 'takes a key as a plain string, uses it, and never shows it' {
        $plain = 'sk-plain-' + ('Pq7' * 8) + 'TAIL'
        $emu = Start-FineTuningEmulator -Port 0 -ApiKey $plain -NoConnect
        $c = Connect-FineTuningService -ApiKey $plain -BaseUri $emu.BaseUri -PassThru
        $c.MaskedKey | Should -Be '****TAIL'
        { Get-FineTuningJob -ErrorAction Stop } | Should -Not -Throw
        $all = & {
            Add-FineTuningFile (New-TestDataset -Count 10) -Verbose -Debug
            Get-FineTuningJob -Verbose -Debug
            Get-FineTuningConnection | Format-List * | Out-String
            $emu | Format-List * | Out-String
            $bg = Wait-FineTuningJob ftjob-bgnothere -AsJob -Verbose -Debug
            $null = $bg | Wait-Job -Timeout 30
            $bg | Format-List * | Out-String
            $bg | Receive-Job -Verbose -Debug -ErrorAction Continue
        } *>&1 | Out-String -Width 400
        $all | Should -Match 'GET \S+/fine_tuning/jobs/ftjob-bgnothere'
        $all | Should -Match 'file-'
        $all | Should -Not -Match 'Pq7Pq7'

        # The plain string is the same key as its SecureString form: a wrong one is refused.
        Connect-FineTuningService -ApiKey ($plain + 'x') -BaseUri $emu.BaseUri
        Get-FineTuningJob -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
        ($errs[0] | Out-String) + $errs[0].Exception.ToString() | Should -Not -Match 'Pq7Pq7'
    }

    It 'refuses an empty plain key naming the parameter' {
        { Connect-FineTuningService -ApiKey '' -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }

    It 'accepts the right key' {
        $emuKey = ConvertTo-SecureString 'sk-right-key-000001' -AsPlainText -Force
        $emu = Start-FineTuningEmulator -ApiKey $emuKey
        @(Get-FineTuningJob).Count | Should -Be 0
        $emu.Emulator.JobCount | Should -Be 0
    }

    It 'maps a 429 that outlasts the retries to LimitsExceeded' {
        $emu = Start-FineTuningEmulator
        $emu.Emulator.Faults.Add([FineTuning.Client.EmulatorFault]@{ StatusCode = 429; Count = 3 })
        $verbose = Get-FineTuningJob -ErrorVariable errs -ErrorAction SilentlyContinue -WarningVariable warns -Verbose 4>&1
        $errs[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        # The two retries are on the verbose stream; nothing there is for the user to act on until the error.
        @($verbose.Message -match '-> 429 .*retry \d of 2').Count | Should -Be 2
        $warns.Count | Should -Be 0
    }

    It 'recovers when a 429 clears within the retries' {
        $emu = Start-FineTuningEmulator
        $emu.Emulator.Faults.Add([FineTuning.Client.EmulatorFault]@{ StatusCode = 429; Count = 1 })
        Get-FineTuningJob -ErrorVariable errs -WarningAction SilentlyContinue | Out-Null
        $errs.Count | Should -Be 0
    }

    It 'maps a 5xx that outlasts the retries to ResourceUnavailable' {
        $emu = Start-FineTuningEmulator
        $emu.Emulator.Faults.Add([FineTuning.Client.EmulatorFault]@{ StatusCode = 503; Count = 3 })
        Get-FineTuningJob -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $errs[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ServiceUnavailable,*'
    }

    It 'maps a body that is not JSON to ProtocolError' {
        $emu = Start-FineTuningEmulator
        $emu.Emulator.Faults.Add([FineTuning.Client.EmulatorFault]@{ StatusCode = 200; Count = 1; Body = '<html>proxy page</html>' })
        Get-FineTuningJob -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].CategoryInfo.Category | Should -Be 'ProtocolError'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InvalidResponse,*'
    }

    It 'maps a refused connection to ConnectionError' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        Connect-FineTuningService -BaseUri "http://127.0.0.1:$port/v1" -ApiKey $secureKey -MaxRetries 0
        Get-FineTuningJob -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionFailed,*'
    }

    It 'never writes the key to any stream' {
        $emu = Start-FineTuningEmulator -ApiKey $secureKey -Port 0
        $all = & {
            $f = Add-FineTuningFile (New-TestDataset -Count 10) -Verbose -Debug
            $j = $f | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Verbose -Debug
            Get-FineTuningJob -Id $j.Id -Verbose -Debug
            Get-FineTuningJob -Id ftjob-nothere -Verbose -Debug -ErrorAction Continue
            Get-FineTuningModel -FineTuned -Verbose -Debug
            Get-FineTuningModel 'ft:gpt-4o-mini-2024-07-18:none::Missing1' -Verbose -Debug -ErrorAction Continue
            Remove-FineTuningModel 'ft:gpt-4o-mini-2024-07-18:none::Missing1' -Force -Verbose -Debug -ErrorAction Continue
            $g = @{ type = 'string_check'; name = 'g'; input = '{{sample.output_text}}'; reference = 'x'; operation = 'eq' }
            Invoke-FineTuningGrader $g -ModelSample x -Verbose -Debug
            Test-FineTuningGrader @{ type = 'string_check'; name = 'g' } -Verbose -Debug -WarningAction Continue
            Get-FineTuningCheckpointPermission 'ft:gpt-4o-mini-2024-07-18:none::Missing1' -Verbose -Debug -ErrorAction Continue
            (TabExpansion2 -inputScript 'Get-FineTuningJob -Id ' -cursorColumn 22).CompletionMatches | Format-List * | Out-String
            Get-FineTuningConnection | Format-List * | Out-String
            $emu | Format-List * | Out-String
        } *>&1 | Out-String -Width 400
        $all | Should -Match 'ftjob-'
        $all | Should -Match 'ModelNotFound|does not exist'
        $all | Should -Match 'grader'
        $all | Should -Not -Match 'Zq9Zq9'
        ($Error | Out-String) | Should -Not -Match 'Zq9Zq9'
    }
}
