# The module as a client of a service it must not trust: a loopback server (HostileServer.ps1) answers
# with crafted JSON, headers and bodies, and these tests check what reaches the user's terminal, disk and
# other origins. See docs/security.md.
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '',
    Justification = 'The key is made up by the test; the cmdlets take it as SecureString.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'HostileServer.ps1')
    $script:Key = 'sk-hostile-test-key-0123456789'
    $script:SecureKey = ConvertTo-SecureString $script:Key -AsPlainText -Force
    # ESC (with an OSC title sequence and a clear-screen), BEL, and the C1 CSI (U+009B).
    $script:Evil = "a`e]0;PWNED`a`e[2Jb$([char]0x9B)31mc"
    function Test-TerminalUnsafe([string] $Text) { $Text -match '[\x07\x1b\x7f-\x9f]' }
    function Connect-Hostile([switch] $Azure) {
        if ($Azure) { Connect-FineTuningService -Azure -Endpoint $script:Server.BaseUri -ApiKey $script:SecureKey -MaxRetries 0 }
        else { Connect-FineTuningService -BaseUri "$($script:Server.BaseUri)/v1" -ApiKey $script:SecureKey -MaxRetries 0 }
    }
}

Describe 'Control characters from a service never reach the terminal' {
    BeforeEach {
        $script:Server = Start-HostileServer
        Connect-Hostile
    }
    AfterEach {
        Disconnect-FineTuningService
        $script:Server.Dispose()
    }

    It 'shows a job table without escape sequences and keeps the raw values on the job' {
        $json = New-HostileJob -Id 'ftjob-x' -Set @{ status = $Evil; model = $Evil; fine_tuned_model = $Evil }
        $Server.Json('GET', '/v1/fine_tuning/jobs/ftjob-x', $json) | Out-Null
        $job = Get-FineTuningJob ftjob-x
        $job.Status | Should -BeExactly $Evil
        $job.Model | Should -BeExactly $Evil
        $text = $job | Out-String
        Test-TerminalUnsafe $text | Should -BeFalse
        $text | Should -Match ([regex]::Escape([string][char]0x241B))   # ESC is shown as its picture
    }

    It 'shows events, checkpoints and files without escape sequences' {
        $eventJson = '{"object":"fine_tuning.job.event","id":"ftevent-1","created_at":1735689600,"level":"info","message":"' +
        ($Evil -replace "`e", '\u001b' -replace "`a", '\u0007' -replace [char]0x9B, '\u009b') + '","type":"message"}'
        $Server.Json('GET', '/v1/fine_tuning/jobs/ftjob-x/events', (New-HostileList $eventJson)) | Out-Null
        $events = Get-FineTuningEvent ftjob-x
        $events[0].Message | Should -BeExactly $Evil
        Test-TerminalUnsafe ($events | Out-String) | Should -BeFalse

        $checkpoint = '{"object":"fine_tuning.job.checkpoint","id":"ftckpt-1","created_at":1735689600,"fine_tuned_model_checkpoint":"ft:m:\u001b]8;;http://evil/\u0007x","step_number":10,"metrics":{"step":10},"fine_tuning_job_id":"ftjob-x"}'
        $Server.Json('GET', '/v1/fine_tuning/jobs/ftjob-x/checkpoints', (New-HostileList $checkpoint)) | Out-Null
        $checkpoints = Get-FineTuningCheckpoint ftjob-x
        $checkpoints[0].FineTunedModelCheckpoint | Should -Match "`e"
        Test-TerminalUnsafe ($checkpoints | Out-String) | Should -BeFalse

        $Server.Json('GET', '/v1/files/file-x', (New-HostileFile -Id 'file-x' -Filename $Evil)) | Out-Null
        $file = Get-FineTuningFile file-x
        $file.Filename | Should -BeExactly $Evil
        Test-TerminalUnsafe ($file | Out-String) | Should -BeFalse
    }

    It 'cleans the error of a service message, in every property of the record' {
        $Server.Json('GET', '/v1/fine_tuning/jobs/ftjob-x', ('{"error":{"message":"no ' + ($Evil -replace "`e", '\u001b' -replace "`a", '\u0007') + '","type":"invalid_request_error","code":"x\u001b[2J","param":"p\u001b]0;T\u0007"}}'), 404) | Out-Null
        Get-FineTuningJob ftjob-x -ErrorVariable e -ErrorAction SilentlyContinue
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'JobNotFound,*'
        Test-TerminalUnsafe ($e[0] | Out-String) | Should -BeFalse
        Test-TerminalUnsafe ($e[0] | Format-List * -Force | Out-String) | Should -BeFalse
        Test-TerminalUnsafe ($e[0].Exception | Format-List * -Force | Out-String) | Should -BeFalse
        $e[0].Exception.Message | Should -Match 'no a'
    }

    It "cleans Wait-FineTuningJob's error for a failed job and keeps the raw message on the job" {
        $json = New-HostileJob -Id 'ftjob-x' -Set @{ status = 'failed'; fine_tuned_model = $null; error = @{ code = "bad`e[2J"; message = $Evil; param = $null } }
        $Server.Json('GET', '/v1/fine_tuning/jobs/ftjob-x', $json) | Out-Null
        $job = Wait-FineTuningJob ftjob-x -ErrorVariable e -ErrorAction SilentlyContinue
        $job.Error.Message | Should -BeExactly $Evil
        $e[0].FullyQualifiedErrorId | Should -BeLike 'JobFailed,*'
        Test-TerminalUnsafe $e[0].Exception.Message | Should -BeFalse
        Test-TerminalUnsafe $e[0].ErrorDetails.Message | Should -BeFalse
        Test-TerminalUnsafe ($e[0] | Format-List * -Force | Out-String) | Should -BeFalse
        $e[0].Exception.Message | Should -BeLike 'Job ftjob-x failed (bad*'
    }

    It 'cleans the verbose note about a retry, which quotes the error code' {
        Connect-FineTuningService -BaseUri "$($Server.BaseUri)/v1" -ApiKey $SecureKey -MaxRetries 1
        $r = $Server.Json('GET', '/v1/fine_tuning/jobs/ftjob-x', '{"error":{"message":"slow down","type":"requests","code":"rate\u001b]0;T\u0007"}}', 429)
        $r.Headers['retry-after-ms'] = '1'
        $w = @(Get-FineTuningJob ftjob-x -Verbose -ErrorAction SilentlyContinue 4>&1 | Where-Object { "$_" -match 'retry 1 of 1' })
        $w.Count | Should -BeGreaterThan 0
        Test-TerminalUnsafe ($w -join "`n") | Should -BeFalse
    }
}

Describe 'Save-FineTuningFile never writes outside the folder the user chose' {
    BeforeAll {
        function Set-HostileFile {
            [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
                Justification = 'A test helper that sets the answers of the test server.')]
            param([string] $Id, [AllowEmptyString()] [string] $Filename)
            $escaped = [uri]::EscapeDataString($Id)
            $Server.Json('GET', "/v1/files/$escaped", (New-HostileFile -Id $Id -Filename $Filename)) | Out-Null
            $Server.On('GET', "/v1/files/$escaped/content", 200, "step,train_loss`n1,0.5`n").Headers['Content-Type'] = 'application/octet-stream'
        }
    }
    BeforeEach {
        $script:Server = Start-HostileServer
        Connect-Hostile
        # root/outside holds a file the hostile names aim at; root/a/b/c is the folder the user chose.
        $script:Root = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        $script:Folder = New-Item -ItemType Directory -Path (Join-Path $Root 'a/b/c') -Force | ForEach-Object FullName
        New-Item -ItemType Directory -Path (Join-Path $Root 'outside') | Out-Null
        Set-Content -Path (Join-Path $Root 'outside/pwned.txt') -Value 'original'
    }
    AfterEach {
        Disconnect-FineTuningService
        $script:Server.Dispose()
    }

    It 'saves a file the service names <Case> as <Expected> in the folder' -ForEach @(
        @{ Case = '../../../outside/pwned.txt'; Filename = '../../../outside/pwned.txt'; Expected = 'pwned.txt' }
        @{ Case = '..\..\..\outside\pwned.txt'; Filename = '..\..\..\outside\pwned.txt'; Expected = 'pwned.txt' }
        @{ Case = '/tmp/outside/abs.txt'; Filename = '/tmp/outside/abs.txt'; Expected = 'abs.txt' }
        @{ Case = 'C:\Windows\System32\drive.txt'; Filename = 'C:\Windows\System32\drive.txt'; Expected = 'drive.txt' }
        @{ Case = 'C:relative.txt'; Filename = 'C:relative.txt'; Expected = 'C_relative.txt' }
        @{ Case = '\\server\share\unc.txt'; Filename = '\\server\share\unc.txt'; Expected = 'unc.txt' }
        @{ Case = 'CON'; Filename = 'CON'; Expected = '_CON' }
        @{ Case = 'nul.csv'; Filename = 'nul.csv'; Expected = '_nul.csv' }
        @{ Case = 'tab and ESC [2J'; Filename = "tab`tand`e[2Jesc.csv"; Expected = 'tab_and_[2Jesc.csv' }
        @{ Case = 'stream.csv:hidden'; Filename = 'stream.csv:hidden'; Expected = 'stream.csv_hidden' }
        @{ Case = 'trailing. . '; Filename = 'trailing. . '; Expected = 'trailing' }
        @{ Case = '..'; Filename = '..'; Expected = 'file-fallback' }
        @{ Case = '(empty)'; Filename = ''; Expected = 'file-fallback' }
    ) {
        Set-HostileFile -Id 'file-fallback' -Filename $Filename
        $saved = Save-FineTuningFile -Id 'file-fallback' -OutFile $Folder -Force
        $saved.Name | Should -BeExactly $Expected
        $saved.DirectoryName | Should -Be $Folder
        Get-Content (Join-Path $Root 'outside/pwned.txt') | Should -Be 'original'
        @(Get-ChildItem $Root -Recurse -File).FullName | Sort-Object |
            Should -Be (@((Join-Path $Folder $Expected), (Join-Path $Root 'outside/pwned.txt')) | Sort-Object)
    }

    It 'saves the result files of a piped job in the current folder, whatever their ids say' {
        $id = '../../../outside/pwned.txt'
        $Server.Json('GET', '/v1/fine_tuning/jobs/ftjob-x', (New-HostileJob -Id 'ftjob-x' -Set @{ result_files = @($id, '/tmp/outside/abs.txt') })) | Out-Null
        Set-HostileFile -Id $id -Filename ''
        Set-HostileFile -Id '/tmp/outside/abs.txt' -Filename ''
        Push-Location $Folder
        try {
            $saved = Get-FineTuningJob ftjob-x | Save-FineTuningFile -Force
        } finally { Pop-Location }
        $saved.Name | Should -Be @('pwned.txt', 'abs.txt')
        $saved.DirectoryName | Sort-Object -Unique | Should -Be $Folder
        Get-Content (Join-Path $Root 'outside/pwned.txt') | Should -Be 'original'
        @(Get-ChildItem $Root -Recurse -File).Count | Should -Be 3
    }

    It 'refuses a file whose name and id both leave nothing to name it by, and writes nothing' {
        Set-HostileFile -Id '...' -Filename '../..'
        $Server.Json('GET', '/v1/fine_tuning/jobs/ftjob-x', (New-HostileJob -Id 'ftjob-x' -Set @{ result_files = @('...') })) | Out-Null
        Push-Location $Folder
        try {
            Get-FineTuningJob ftjob-x | Save-FineTuningFile -Force -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        } finally { Pop-Location }
        $e[0].FullyQualifiedErrorId | Should -BeLike 'UnsafeFileName,*'
        $e[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $e[0].Exception.Message | Should -BeLike "*'...'*-Path*"
        @(Get-ChildItem $Root -Recurse -File).Count | Should -Be 1
    }

    It 'still writes to a file path the user gave, under the name the user gave' {
        Set-HostileFile -Id 'file-x' -Filename '../../../outside/pwned.txt'
        $target = Join-Path $Folder 'mine.csv'
        (Save-FineTuningFile -Id 'file-x' -OutFile $target).FullName | Should -Be $target
        Get-Content $target -Raw | Should -BeLike 'step,train_loss*'
        Get-Content (Join-Path $Root 'outside/pwned.txt') | Should -Be 'original'
    }
}

Describe 'The credential never follows a redirect to another origin' {
    BeforeEach {
        $script:Server = Start-HostileServer
        $script:Other = Start-HostileServer
        Connect-Hostile -Azure
    }
    AfterEach {
        Disconnect-FineTuningService
        $script:Server.Dispose()
        $script:Other.Dispose()
    }

    It 'refuses a 302 to another port: the other port receives nothing, and the error says why' {
        $Other.Json('GET', '/openai/v1/fine_tuning/jobs/ftjob-x', (New-HostileJob -Id 'ftjob-x')) | Out-Null
        $Server.On('GET', '/openai/v1/fine_tuning/jobs/ftjob-x', 302, '').Headers['Location'] = "$($Other.BaseUri)/openai/v1/fine_tuning/jobs/ftjob-x"
        Get-FineTuningJob ftjob-x -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'CrossOriginRedirect,*'
        $e[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $e[0].Exception.Message | Should -BeLike "*another origin*$($Other.Port)*did not follow*"
        $Other.Requests.Count | Should -Be 0
        @($Server.Requests)[0].Headers['api-key'] | Should -BeExactly $Key   # the key went only where it was meant to
    }

    It 'follows a redirect within the same origin' {
        $Server.Json('GET', '/openai/v1/fine_tuning/jobs/ftjob-moved', (New-HostileJob -Id 'ftjob-moved')) | Out-Null
        $Server.On('GET', '/openai/v1/fine_tuning/jobs/ftjob-x', 307, '').Headers['Location'] = '/openai/v1/fine_tuning/jobs/ftjob-moved'
        (Get-FineTuningJob ftjob-x).Id | Should -Be 'ftjob-moved'
        @($Server.Requests).Count | Should -Be 2
    }
}

Describe 'A key the service echoes back never reaches an error record' {
    BeforeEach {
        $script:Server = Start-HostileServer
        Connect-Hostile -Azure
    }
    AfterEach {
        Disconnect-FineTuningService
        $script:Server.Dispose()
    }

    It 'masks the key in every property of the exception, not only the message' {
        $body = '{"error":{"message":"Key ' + $Key + ' is not valid","type":"' + $Key + '","code":"' + $Key + '","param":"' + $Key + '"}}'
        $r = $Server.Json('GET', '/openai/v1/fine_tuning/jobs/ftjob-x', $body, 401)
        $r.Headers['apim-request-id'] = $Key
        Get-FineTuningJob ftjob-x -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
        $e[0].Exception.Param | Should -Be '****'
        ($e[0].Exception | Format-List * -Force | Out-String) | Should -Not -BeLike "*$Key*"
        ($e[0] | Format-List * -Force | Out-String) | Should -Not -BeLike "*$Key*"
        ($e[0] | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue) | Should -Not -BeLike "*$Key*"
        ($e[0].Exception | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue) | Should -Not -BeLike "*$Key*"
    }

    It 'masks a key echoed in a body that is not the error JSON' {
        $Server.On('GET', '/openai/v1/fine_tuning/jobs/ftjob-x', 401, "<html>denied for api-key $Key</html>").Headers['Content-Type'] = 'text/html'
        Get-FineTuningJob ftjob-x -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].Exception.RawBody | Should -Not -BeNullOrEmpty
        ($e[0].Exception | Format-List * -Force | Out-String) | Should -Not -BeLike "*$Key*"
        ($e[0] | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue) | Should -Not -BeLike "*$Key*"
    }
}

Describe 'Answers and listings are bounded' {
    BeforeEach {
        $script:Server = Start-HostileServer
        Connect-Hostile
    }
    AfterEach {
        Disconnect-FineTuningService
        $script:Server.Dispose()
    }

    It 'refuses a 200 MB answer before reading it, naming the limit' {
        $r = $Server.Json('GET', '/v1/fine_tuning/jobs/ftjob-x', '')
        $r.GeneratedBytes = 200MB
        $r.GeneratedPrefix = '{"object":"fine_tuning.job","id":"ftjob-x","model":"'
        Get-FineTuningJob ftjob-x -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ResponseTooLarge,*'
        $e[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $e[0].Exception.Message | Should -BeLike '*32 MiB*none of it was read*'
        $Server.GeneratedBytesSent | Should -BeLessThan 32MB
    }

    It 'stops reading an answer of no declared length at the limit' {
        $r = $Server.Json('GET', '/v1/fine_tuning/jobs/ftjob-x', '')
        $r.GeneratedBytes = 200MB
        $r.OmitContentLength = $true
        $before = [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
        Get-FineTuningJob ftjob-x -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ResponseTooLarge,*'
        $e[0].Exception.Message | Should -BeLike '*32 MiB*stopped reading*'
        $Server.GeneratedBytesSent | Should -BeLessThan 100MB
        ([System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 - $before) | Should -BeLessThan 150MB
    }

    It 'stops a listing whose pages bring nothing new, with a warning, and lists nothing twice' {
        $job = { param($id) New-HostileJob -Id $id }
        $r = $Server.Json('GET', '/v1/fine_tuning/jobs', '')
        $r.Bodies = @(
            (New-HostileList -HasMore (& $job 'ftjob-1'), (& $job 'ftjob-2'))
            (New-HostileList -HasMore (& $job 'ftjob-3'), (& $job 'ftjob-4'))
            (New-HostileList -HasMore (& $job 'ftjob-4'), (& $job 'ftjob-1'))   # a new cursor, nothing new
        )
        $jobs = Get-FineTuningJob -WarningVariable w -WarningAction SilentlyContinue
        $jobs.Id | Should -Be @('ftjob-1', 'ftjob-2', 'ftjob-3', 'ftjob-4')
        $w | Should -HaveCount 1
        "$w" | Should -BeLike '*already listed*stopped*'
        @($Server.Requests).Count | Should -Be 3
    }
}

Describe 'Every default view shows service text through TerminalText' {
    It 'has no table or list column that shows a string property raw, except the local connection and emulator views' {
        $format = [xml](Get-Content (Join-Path $ModuleFolder 'FineTuning.Format.ps1xml') -Raw)
        $local = 'FineTuning.Client.FineTuningConnection', 'FineTuning.Commands.EmulatorSession'
        $raw = foreach ($view in $format.Configuration.ViewDefinitions.View) {
            $typeName = $view.ViewSelectedBy.TypeName -replace '#.*$'
            if ($typeName -in $local) { continue }
            $type = $typeName -as [type]
            foreach ($name in $view.SelectNodes('.//PropertyName') | ForEach-Object InnerText) {
                $property = if ($type) { $type.GetProperty($name) }
                if (-not $property -or $property.PropertyType -eq [string]) { "$($view.Name).$name" }
            }
        }
        # Paths of local files the user named are the user's own text.
        $raw | Where-Object { $_ -notin 'DatasetReport.Path', 'DatasetReportDetailed.Path', 'FineTuningWaitJob.Location' } | Should -BeNullOrEmpty
    }
}

Describe 'The emulator control cmdlets read a small answer only' {
    BeforeEach {
        $script:Server = Start-HostileServer
        Connect-FineTuningService -BaseUri "$($Server.BaseUri)/v1" -MaxRetries 0
    }
    AfterEach {
        Disconnect-FineTuningService
        $script:Server.Dispose()
    }

    It 'calls a server that answers a 200 MB body not an emulator, without reading the body' -ForEach @(@{ Declared = $true }, @{ Declared = $false }) {
        $r = $Server.Json('POST', '/_emulator/clock/advance', '')
        $r.GeneratedBytes = 200MB
        $r.OmitContentLength = -not $Declared
        { Step-FineTuningEmulatorClock -By '00:01:00' -ErrorAction Stop } | Should -Throw -ErrorId 'NotAnEmulator,*'
        $Server.GeneratedBytesSent | Should -BeLessThan 32MB
    }
}
