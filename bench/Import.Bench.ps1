<#
.SYNOPSIS
    What importing the module adds to a `pwsh -NoProfile` start, beside what importing an empty manifest module adds.
.DESCRIPTION
    Three kinds of start, alternated run by run so that machine noise hits them alike: a bare start, a start that
    imports an empty manifest module (PowerShell's own cost of reading any module manifest), and a start that
    imports FineTuning. Returns the medians in milliseconds.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/FineTuning/0.1.0'),
    [int] $Runs = 15
)
$ErrorActionPreference = 'Stop'
$manifest = (Resolve-Path (Join-Path $ModulePath 'FineTuning.psd1')).Path

$emptyDir = Join-Path ([System.IO.Path]::GetTempPath()) "ft-empty-module-$PID"
New-Item -ItemType Directory -Path $emptyDir -Force | Out-Null
$emptyManifest = Join-Path $emptyDir 'EmptyModule.psd1'
Set-Content -Path $emptyManifest -Value "@{ ModuleVersion = '1.0.0'; FunctionsToExport = @(); CmdletsToExport = @() }"

# The PowerShell executable running this script (pwsh, or dotnet hosting the pwsh tool).
$self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
$prefix = @()
if ([System.IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { $prefix = @('pwsh') }

function Measure-Start([string] $command) {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    & $self @prefix -NoProfile -NonInteractive -Command $command | Out-Null
    $sw.Stop()
    if ($LASTEXITCODE -ne 0) { throw "pwsh failed: $command" }
    $sw.Elapsed.TotalMilliseconds
}

function Get-Median([double[]] $values) {
    $s = @($values | Sort-Object)
    if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
}

$starts = [ordered]@{
    Bare   = 'exit 0'
    Empty  = "Import-Module '$emptyManifest'; exit 0"
    Module = "Import-Module '$manifest'; exit 0"
}
$times = @{ Bare = @(); Empty = @(); Module = @() }
foreach ($command in $starts.Values) { Measure-Start $command | Out-Null }   # warm the disk cache
try {
    for ($i = 0; $i -lt $Runs; $i++) {
        foreach ($name in $starts.Keys) { $times[$name] += Measure-Start $starts[$name] }
    }
}
finally {
    Remove-Item -Recurse -Force $emptyDir -ErrorAction SilentlyContinue
}
$sortedBare = @($times.Bare | Sort-Object)
[pscustomobject]@{
    Runs     = $Runs
    # Spread of the bare starts (between the first and third quartiles): the noise of one start here.
    SpreadMs = $sortedBare[[int][math]::Floor(3 * ($Runs - 1) / 4)] - $sortedBare[[int][math]::Floor(($Runs - 1) / 4)]
    BareMs   = Get-Median $times.Bare
    EmptyMs  = Get-Median $times.Empty
    ModuleMs = Get-Median $times.Module
}
