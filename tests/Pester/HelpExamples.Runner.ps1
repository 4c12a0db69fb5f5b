<#
    Runs help examples against the emulator, in a pwsh of its own (the module keeps one session connection and one
    emulator per process, and examples set environment variables): HelpExamples.Tests.ps1 starts it once for all
    the examples it runs and reads what it writes.

    Each example runs as written, in a fresh runspace (its variables, location and background jobs are its own) on a
    host that records what goes straight to the console (-WhatIf lines, confirmations, which it answers with the
    default, Yes) and answers Read-Host -AsSecureString with a dummy key. It runs in a fresh folder that holds the
    files the pages name (.\train.jsonl, .\datasets, ./graders/*.json, ./examples/data/..., ./job.psd1, ./blobs.csv). An example
    that starts an emulator itself gets none; every other one gets the fixture: an emulator (manual clock, listening
    on a loopback port) restored from a state built once, holding uploaded files, succeeded, running, paused,
    cancelled and failed jobs, checkpoints and a checkpoint permission. The placeholder ids and addresses the pages
    use are replaced by the fixture's own (see Get-Substitution); the blob storage of the Import-FineTuningFile examples
    is a loopback server that serves the example data. An example that waits for a job gets a clock that
    ticks (a minute, or its Tick in seconds, every 20 ms) from its first answered request until it ends.
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '',
    Justification = 'The emulator''s dummy key in a test fixture.')]
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleFolder,
    [Parameter(Mandatory)] [string] $InputPath,
    [Parameter(Mandatory)] [string] $OutputPath,
    [Parameter(Mandatory)] [string] $WorkRoot,
    [string] $PesterPath,
    [int] $TimeoutSec = 90
)

$ErrorActionPreference = 'Stop'
$repository = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
$manifest = Join-Path $ModuleFolder 'FineTuning.psd1'
Import-Module $manifest
# `Import-Module FineTuning` in an example finds the module under test.
$env:PSModulePath = (Split-Path (Split-Path $ModuleFolder)) + [IO.Path]::PathSeparator + $env:PSModulePath
if (-not ('FineTuning.Tests.RecordingHost' -as [type])) { Add-Type -Path (Join-Path $PSScriptRoot 'RecordingHost.cs') }
$examples = Import-Clixml -LiteralPath $InputPath

function New-Folder {
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'A test helper that writes only into the work folder it is given.')]
    param([string] $Path)
    New-Item -ItemType Directory -Path $Path -Force | Out-Null
    $Path
}

# The files the examples name, in a folder copied for each example.
$data = Join-Path $repository 'examples/data'
$template = New-Folder (Join-Path $WorkRoot 'template')
Copy-Item -Recurse $data (New-Folder (Join-Path $template 'examples'))
Copy-Item -Recurse $data (Join-Path $template 'data')
foreach ($name in 'train.jsonl', 'support-train.jsonl', 'customer-chats.jsonl', 'big-train.jsonl') { Copy-Item (Join-Path $data 'train.jsonl') (Join-Path $template $name) }
foreach ($name in 'validation.jsonl', 'valid.jsonl', 'support-valid.jsonl') { Copy-Item (Join-Path $data 'validation.jsonl') (Join-Path $template $name) }
Copy-Item (Join-Path $data 'preference.jsonl') (Join-Path $template 'preferences.jsonl')
$datasets = New-Folder (Join-Path $template 'datasets')
Copy-Item (Join-Path $data 'train.jsonl'), (Join-Path $data 'validation.jsonl') $datasets
$graders = New-Folder (Join-Path $template 'graders')
Copy-Item (Join-Path $data 'reinforcement-grader.json') (Join-Path $graders 'answer.json')
Set-Content -LiteralPath (Join-Path $graders 'no-operation.json') -Value '{"type":"string_check","name":"half","input":"{{sample.output_text}}","reference":"{{item.answer}}"}'
Set-Content -LiteralPath (Join-Path $template 'job.psd1') -Value "@{ Model = 'gpt-4o-mini-2024-07-18'; TrainingFile = 'train.jsonl'; Epochs = 3; Suffix = 'budget' }"
# Azure Storage for Import-FineTuningFile: a loopback server that hands out the example data as blobs.
if (-not ('FineTuningTests.HostileServer' -as [type])) { Add-Type -Path (Join-Path $PSScriptRoot 'HostileServer.cs') }
$blobs = [FineTuningTests.HostileServer]::new()
foreach ($name in 'train.jsonl', 'validation.jsonl') {
    $null = $blobs.On('GET', "/training/$name", 200, [System.IO.File]::ReadAllText((Join-Path $data $name)))
}
$sas = '?sv=2024-05-04&sp=r&se=2026-12-31&sig=fixture'
Set-Content -LiteralPath (Join-Path $template 'blobs.csv') -Value @(
    'Uri,FileName'
    "$($blobs.BaseUri)/training/train.jsonl$sas,support-train.jsonl"
    "$($blobs.BaseUri)/training/validation.jsonl$sas,support-valid.jsonl"
)
$tiny = Join-Path $WorkRoot 'tiny.jsonl'
Get-Content (Join-Path $data 'train.jsonl') -TotalCount 3 | Set-Content -LiteralPath $tiny

function New-FixtureState {
    # The state every fixture emulator starts from, built once: its ids are what the placeholders map to.
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'A test helper: the emulator and its state folder live for the test run only.')]
    param([string] $Folder, [switch] $Azure)
    $emulator = Start-FineTuningEmulator -ManualClock -Seed 1 -StatePath $Folder -Port 0
    try {
        if ($Azure) {
            Connect-FineTuningService -Azure -Endpoint "http://127.0.0.1:$($emulator.Port)" -ApiKey (ConvertTo-SecureString 'fixture-key' -AsPlainText -Force)
        }
        $ids = @{}
        $train = Add-FineTuningFile (Join-Path $data 'train.jsonl')
        $valid = Add-FineTuningFile (Join-Path $data 'validation.jsonl')
        $rftTrain = Add-FineTuningFile (Join-Path $data 'reinforcement-train.jsonl')
        $rftValid = Add-FineTuningFile (Join-Path $data 'reinforcement-validation.jsonl')
        $few = Add-FineTuningFile $tiny -WarningAction SilentlyContinue
        $ids.TrainingFile = $train.Id; $ids.ValidationFile = $valid.Id; $ids.RftTrain = $rftTrain.Id; $ids.RftValid = $rftValid.Id
        $model = 'gpt-4o-mini-2024-07-18'
        $ids.Succeeded = (New-FineTuningJob -Model $model -TrainingFile $train -ValidationFile $valid -Epochs 3 -Suffix support-v1 -Metadata @{ project = 'support' }).Id
        $ids.Succeeded2 = (New-FineTuningJob -Model $model -TrainingFile $train -ValidationFile $valid -Epochs 2 -Suffix sweep-1).Id
        $ids.Succeeded3 = (New-FineTuningJob -Model $model -TrainingFile $train -ValidationFile $valid -Epochs 4 -Suffix sweep-2).Id
        Step-FineTuningEmulatorClock -By '1.00:00:00'
        $checkpoint = Get-FineTuningCheckpoint $ids.Succeeded -First 1
        $ids.Checkpoint = $checkpoint.FineTunedModelCheckpoint
        $ids.Permission = ($checkpoint | Grant-FineTuningCheckpointPermission -ProjectId proj_sales -Confirm:$false).Id
        $ids.Failed = (New-FineTuningJob -Model $model -TrainingFile $few).Id
        $ids.Cancelled = (New-FineTuningJob -Model $model -TrainingFile $train -Suffix support-old | Stop-FineTuningJob -Force).Id
        $ids.Paused = (New-FineTuningJob -Model $model -TrainingFile $train -ValidationFile $valid -Suffix support-v2).Id
        $ids.Running = (New-FineTuningJob -Model $model -TrainingFile $train -ValidationFile $valid -Suffix support-v3 -Metadata @{ project = 'x' }).Id
        Step-FineTuningEmulatorClock -By '00:02:00'
        $null = Suspend-FineTuningJob $ids.Paused -Confirm:$false
        foreach ($role in 'Succeeded', 'Running', 'Paused', 'Failed', 'Cancelled') {
            $status = (Get-FineTuningJob $ids[$role]).Status
            $expected = @{ Succeeded = 'succeeded'; Running = 'running'; Paused = 'paused'; Failed = 'failed'; Cancelled = 'cancelled' }[$role]
            if ($status -ne $expected) { throw "The fixture's $role job is $status." }
        }
        $ids
    }
    finally {
        Disconnect-FineTuningService
        Stop-FineTuningEmulator
    }
}

function Get-Substitution {
    # The placeholders of the pages and what they stand for in the fixture: an example may give a placeholder
    # another role (Ids = @{ 'ftjob-abc123' = 'Running' }).
    param([hashtable] $Ids, $Emulator, [hashtable] $Roles)
    $map = [ordered]@{
        'ftjob-abc123'                                               = 'Succeeded'
        'ftjob-def456'                                               = 'Succeeded2'
        'ftjob-0123456789abcdef0123456789abcdef'                     = 'Cancelled'
        'file-abc123'                                                = 'TrainingFile'
        'file-rft-train'                                             = 'RftTrain'
        'file-rft-valid'                                             = 'RftValid'
        'file-abc'                                                   = 'RftTrain'
        'file-def'                                                   = 'RftValid'
        'ft:gpt-4o-mini-2024-07-18:my-org:weather:B7R9VjQd:ckpt-step-20' = 'Checkpoint'
        'cp_zXYZ123'                                                 = 'Permission'
    }
    foreach ($key in @($Roles.Keys)) { $map[$key] = $Roles[$key] }
    $pairs = [ordered]@{}
    foreach ($key in $map.Keys) { $pairs[$key] = $Ids[$map[$key]] }
    # The stand-alone emulator and the Azure resources of the pages: the fixture, over HTTP on its port.
    $pairs['http://127.0.0.1:5080'] = "http://127.0.0.1:$($Emulator.Port)"
    $pairs['http://127.0.0.1:8080'] = "http://127.0.0.1:$($Emulator.Port)"
    foreach ($resource in 'https://contoso-ai.openai.azure.com', 'https://my-resource.openai.azure.com') { $pairs[$resource] = "http://127.0.0.1:$($Emulator.Port)" }
    $pairs['https://mydata.blob.core.windows.net'] = $blobs.BaseUri
    $pairs
}

function Convert-Placeholder([string] $Text, $Pairs) {
    if (-not $Text) { return $Text }
    # Longest first, whole tokens only: ftjob-abc123 is not a part of another id.
    foreach ($key in @($Pairs.Keys | Sort-Object Length -Descending)) {
        $Text = [regex]::Replace($Text, '(?<![\w-])' + [regex]::Escape($key) + '(?![\w-])', $Pairs[$key].Replace('$', '$$'))
    }
    $Text
}

$states = @{}
$environment = @{}
foreach ($name in 'AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_API_KEY', 'AZURE_OPENAI_AD_TOKEN', 'OPENAI_API_VERSION', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_ORG_ID', 'OPENAI_PROJECT_ID') {
    $environment[$name] = [Environment]::GetEnvironmentVariable($name)
    [Environment]::SetEnvironmentVariable($name, $null)
}
$index = 0
$results = foreach ($example in $examples) {
    $index++
    $started = [DateTime]::UtcNow
    $result = [ordered]@{ Key = "$($example.Page)/$($example.Example)"; Expect = $null; Failure = $null; Errors = @(); Text = ''; CheckFailure = $null; Seconds = 0; Code = $example.Code }
    $work = New-Folder (Join-Path $WorkRoot "$index-$($example.Page)-$($example.Example)")
    Copy-Item -Path (Join-Path $template '*') -Destination $work -Recurse
    $settings = $example.Settings
    $pester = $example.Code -match '(?m)^\s*It\s+[''"]'
    $fixture = if ($example.Code -match 'Start-FineTuningEmulator') { 'None' } elseif ($settings.Fixture) { $settings.Fixture } else { 'OpenAI' }
    $recordingHost = [FineTuning.Tests.RecordingHost]::new()
    $recordingHost.Recorder.SecureAnswer = 'sk-typed-at-the-prompt'
    $runspace = $null; $ps = $null; $emulator = $null
    try {
        $pairs = [ordered]@{}
        if ($fixture -ne 'None') {
            $flavour = if ($fixture -eq 'Azure') { 'Azure' } else { 'OpenAI' }
            if (-not $states[$flavour]) {
                $folder = Join-Path $WorkRoot "state-$flavour"
                $states[$flavour] = @{ Folder = $folder; Ids = New-FixtureState -Folder $folder -Azure:($flavour -eq 'Azure') }
            }
            $copy = Join-Path $WorkRoot "state-$index"
            Copy-Item -LiteralPath $states[$flavour].Folder -Destination $copy -Recurse
            $emulator = Start-FineTuningEmulator -ManualClock -Seed 1 -StatePath $copy -Port 0
            if ($flavour -eq 'Azure') {
                Connect-FineTuningService -Azure -Endpoint "http://127.0.0.1:$($emulator.Port)" -ApiKey (ConvertTo-SecureString 'fixture-key' -AsPlainText -Force)
            }
            $roles = if ($settings.Ids) { $settings.Ids } else { @{} }
            $pairs = Get-Substitution -Ids $states[$flavour].Ids -Emulator $emulator -Roles $roles
        }
        $code = Convert-Placeholder $example.Code $pairs
        $result.Code = $code
        $iss = [initialsessionstate]::CreateDefault2()
        $iss.ImportPSModule([string[]]@($manifest))
        $runspace = [runspacefactory]::CreateRunspace($recordingHost, $iss)
        $runspace.Open()
        $runspace.SessionStateProxy.Path.SetLocation($work) | Out-Null
        $runspace.SessionStateProxy.SetVariable('PesterPath', $PesterPath)
        if ($settings.Given) {
            $ps = [powershell]::Create(); $ps.Runspace = $runspace
            $null = $ps.AddScript((Convert-Placeholder $settings.Given $pairs)).Invoke()
            if ($ps.Streams.Error.Count) { throw "The example's Given failed: $($ps.Streams.Error | Out-String)" }
            $ps.Dispose()
        }
        $ps = [powershell]::Create(); $ps.Runspace = $runspace
        if ($pester) {
            # A Pester file: saved beside the data it names and run as a user runs it.
            Set-Content -LiteralPath (Join-Path $work 'Example.Tests.ps1') -Value $code
            $null = $ps.AddScript("Import-Module `$PesterPath; Invoke-Pester -Path ./Example.Tests.ps1 -PassThru -Output Detailed")
        }
        else {
            $null = $ps.AddScript($code)
        }
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $handle = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
        $tick = [TimeSpan]::FromSeconds($(if ($settings.Tick) { $settings.Tick } else { 60 }))
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
        # The clock ticks only once the example's first request is answered: what the example reads first (the
        # running jobs it waits for) is the fixture as built, however slowly the machine starts the example.
        $answeredBefore = if ($emulator) { $emulator.Emulator.RequestCount } else { 0 }
        while (-not $handle.IsCompleted) {
            if ([DateTime]::UtcNow -gt $deadline) { $ps.Stop(); $result.Failure = "It did not end within $TimeoutSec s."; break }
            if ($fixture -eq 'Ticking' -and $emulator.Emulator.RequestCount -gt $answeredBefore) { $emulator.Emulator.Clock.Advance($tick) }
            Start-Sleep -Milliseconds 20
        }
        try { $null = $ps.EndInvoke($handle) } catch { if (-not $result.Failure) { $result.Failure = "$($_.Exception.InnerException.Message)$(if (-not $_.Exception.InnerException) { $_.Exception.Message })" } }
        if (-not $result.Failure -and $ps.InvocationStateInfo.Reason) { $result.Failure = $ps.InvocationStateInfo.Reason.Message }
        $result.Errors = @($ps.Streams.Error | ForEach-Object { "$($_.FullyQualifiedErrorId)|$($_.Exception.Message)" })
        $text = [System.Text.StringBuilder]::new()
        foreach ($line in $recordingHost.Lines) { $null = $text.AppendLine($line) }
        foreach ($record in $ps.Streams.Warning) { $null = $text.AppendLine("WARNING: $($record.Message)") }
        foreach ($record in $ps.Streams.Verbose) { $null = $text.AppendLine("VERBOSE: $($record.Message)") }
        foreach ($record in $ps.Streams.Information) { $null = $text.AppendLine("$($record.MessageData)") }
        foreach ($record in $ps.Streams.Error) { $null = $text.AppendLine("ERROR: $($record.FullyQualifiedErrorId): $($record.Exception.Message)") }
        $ps.Dispose()
        # What the example wrote, as the console shows it (120 columns), for its Expect and Check.
        $runspace.SessionStateProxy.SetVariable('Output', @($output))
        $ps = [powershell]::Create(); $ps.Runspace = $runspace
        $formatted = ($ps.AddScript('$Output | Out-String -Width 120').Invoke() | Out-String)
        $ps.Dispose()
        $result.Text = $formatted + $text.ToString()
        $result.Expect = Convert-Placeholder $settings.Expect $pairs
        $check = $settings.Check
        if ($pester -and -not $check) { $check = '$Output[-1].FailedCount -eq 0 -and $Output[-1].PassedCount -gt 0' }
        if ($check -and -not $result.Failure) {
            $runspace.SessionStateProxy.SetVariable('Text', $result.Text)
            $ps = [powershell]::Create(); $ps.Runspace = $runspace
            try {
                $answer = $ps.AddScript((Convert-Placeholder $check $pairs)).Invoke()
                # Errors a check silences on purpose (-ErrorAction SilentlyContinue) do not count; any other does.
                if ($ps.Streams.Error.Count -or -not ($answer.Count -and ($answer | ForEach-Object { [bool]$_ }) -notcontains $false)) {
                    $result.CheckFailure = "The check { $check } did not hold$(if ($ps.Streams.Error.Count) { ': ' + ($ps.Streams.Error | Out-String) } else { " (it gave: $($answer -join ', '))" })."
                }
            }
            catch { $result.CheckFailure = "The check { $check } failed: $($_.Exception.Message)" }
        }
    }
    catch {
        $result.Failure = "The harness could not run it: $($_.Exception.Message) $($_.ScriptStackTrace)"
    }
    finally {
        if ($runspace) {
            $cleanup = [powershell]::Create(); $cleanup.Runspace = $runspace
            $null = $cleanup.AddScript('Get-Job | Remove-Job -Force').Invoke()
            $cleanup.Dispose()
            $runspace.Dispose()
        }
        try { Stop-FineTuningEmulator -ErrorAction SilentlyContinue } catch { Write-Verbose "No emulator to stop: $_" }
        Disconnect-FineTuningService
        foreach ($name in @($environment.Keys)) { [Environment]::SetEnvironmentVariable($name, $null) }
        $result.Seconds = [math]::Round(([DateTime]::UtcNow - $started).TotalSeconds, 2)
    }
    [pscustomobject]$result
}
$blobs.Dispose()
$results | Export-Clixml -LiteralPath $OutputPath
foreach ($name in @($environment.Keys)) { [Environment]::SetEnvironmentVariable($name, $environment[$name]) }
