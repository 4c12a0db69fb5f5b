# Shared set-up of the Pester suite: dot-source it in BeforeAll.
$script:ModuleFolder = if ($env:FINETUNING_MODULE_PATH) { $env:FINETUNING_MODULE_PATH } else {
    Get-ChildItem (Join-Path $PSScriptRoot '../../out/FineTuning') -Directory | Sort-Object Name | Select-Object -Last 1 -ExpandProperty FullName
}
Import-Module (Join-Path $script:ModuleFolder 'FineTuning.psd1') -Force -ErrorAction Stop

function New-TestDataset {
    # Writes a chat-format JSONL file of $Count distinct examples and returns its path.
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'A test helper that writes only into Pester''s TestDrive.')]
    param([int] $Count = 12, [string] $Name = "train-$([guid]::NewGuid().ToString('n').Substring(0, 8)).jsonl")
    $path = Join-Path $TestDrive $Name
    $lines = foreach ($i in 1..$Count) {
        @{ messages = @(
                @{ role = 'system'; content = 'You convert numbers to words.' }
                @{ role = 'user'; content = "What is $i in words?" }
                @{ role = 'assistant'; content = "The number $i is written as $(ConvertTo-NumberWord $i)." }
            ) } | ConvertTo-Json -Depth 5 -Compress
    }
    [System.IO.File]::WriteAllLines($path, [string[]]$lines)
    $path
}

function ConvertTo-NumberWord([int] $n) {
    $ones = 'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen' -split ' '
    $tens = '- - twenty thirty forty fifty sixty seventy eighty ninety' -split ' '
    if ($n -lt 20) { return $ones[$n] }
    if ($n -lt 100) { return $tens[[math]::Floor($n / 10)] + $(if ($n % 10) { '-' + $ones[$n % 10] }) }
    return "$(ConvertTo-NumberWord ([math]::Floor($n / 100))) hundred$(if ($n % 100) { ' and ' + (ConvertTo-NumberWord ($n % 100)) })"
}

function Start-TestEmulator {
    # An in-process emulator whose clock only moves when a test moves it.
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'A test helper: the emulator lives in the test session only.')]
    param([switch] $Listen, [securestring] $ApiKey)
    $p = @{ ManualClock = $true; Seed = 1 }
    if ($Listen) { $p.Port = 0 }
    if ($ApiKey) { $p.ApiKey = $ApiKey }
    Start-FineTuningEmulator @p
}

function Step-Emulator {
    # Moves the emulator's clock until the job reaches one of the statuses (or fails the test).
    param([Parameter(Mandatory)] $Session, [Parameter(Mandatory)] [string] $JobId, [string[]] $Status, [int] $MaxSteps = 400)
    for ($i = 0; $i -lt $MaxSteps; $i++) {
        $job = Get-FineTuningJob -Id $JobId
        if ($job.Status -in $Status) { return $job }
        $Session.Emulator.Clock.Advance([TimeSpan]::FromSeconds(15))
    }
    throw "Job $JobId did not reach $($Status -join '/') (last status: $($job.Status))."
}

function Start-EmulatorProcess {
    # The stand-alone emulator (src/FineTuning.Emulator.Host) in a process of its own, built once into
    # out/host; returns the process and its base URI. Stop it with Stop-EmulatorProcess.
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'A test helper: the emulator process lives for the test only.')]
    param([string[]] $ArgumentList = @(), [string] $ApiKey)
    $hostOut = Join-Path $PSScriptRoot '../../out/host'
    $dll = Join-Path $hostOut 'finetuning-emulator.dll'
    if (-not $script:EmulatorHostBuilt) {
        $output = & dotnet build (Join-Path $PSScriptRoot '../../src/FineTuning.Emulator.Host') -c Release -nologo -v quiet -o $hostOut 2>&1
        if ($LASTEXITCODE -ne 0) { throw "Building the emulator host failed: $($output | Out-String)" }
        $script:EmulatorHostBuilt = $true
    }
    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $psi.ArgumentList.Add($dll)
    foreach ($a in @('--port', '0') + $ArgumentList) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    if ($ApiKey) { $psi.Environment['FINETUNING_EMULATOR_API_KEY'] = $ApiKey } else { $psi.Environment.Remove('FINETUNING_EMULATOR_API_KEY') | Out-Null }
    $process = [System.Diagnostics.Process]::Start($psi)
    $line = $process.StandardOutput.ReadLine()
    $baseUri = [regex]::Match([string]$line, 'http://\S+/v1').Value
    if (-not $baseUri) {
        $process.Kill(); $process.WaitForExit()
        throw "The emulator host did not start: $line $($process.StandardError.ReadToEnd())"
    }
    [pscustomobject]@{ Process = $process; BaseUri = [uri]$baseUri }
}

function Stop-EmulatorProcess {
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'A test helper: the emulator process lives for the test only.')]
    param($Emulator)
    if ($Emulator -and -not $Emulator.Process.HasExited) {
        $Emulator.Process.Kill()
        $Emulator.Process.WaitForExit()
    }
}

if ($env:FINETUNING_TEST_LOOPBACK -eq '1') {
    # The same suite over real HTTP: every emulator the tests start listens on 127.0.0.1, and the
    # cmdlets reach it through sockets instead of the in-process handler.
    function Start-FineTuningEmulator {
        [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
            Justification = 'Stands in for the cmdlet of the same name in the tests; the emulator lives in the test session only.')]
        [CmdletBinding()]
        param([int] $Port, [double] $TimeScale, [int] $Seed, [object] $ApiKey, [switch] $ManualClock, [string] $StatePath, [switch] $NoConnect, [switch] $Force)
        if (-not $PSBoundParameters.ContainsKey('Port')) { $PSBoundParameters['Port'] = 0 }
        FineTuning\Start-FineTuningEmulator @PSBoundParameters
    }
}
