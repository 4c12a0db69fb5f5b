<#
.SYNOPSIS
    Benchmarks of the module, measured side by side in one run, written to docs/benchmarks.md.
.DESCRIPTION
    1. Import-Module cost: a bare `pwsh -NoProfile` start against the same start that imports the
       module, alternated run by run so that machine noise hits both alike; medians compared.
    2. Request rate: 1,000 Get-FineTuningJob -Id calls against the emulator over loopback HTTP,
       compared in the same process with Invoke-RestMethod and with a bare HttpClient loop making
       the same requests.
    These are ratios measured together, not absolute targets for a timed test.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/FineTuning/0.1.0'),
    [string] $OutFile = (Join-Path $PSScriptRoot '../docs/benchmarks.md'),
    [int] $ImportRuns = 15,
    [int] $Requests = 1000,
    [int[]] $DatasetSizesMB = @(200, 1024),
    [int] $UploadSizeMB = 2048
)
$ErrorActionPreference = 'Stop'
$manifest = (Resolve-Path (Join-Path $ModulePath 'FineTuning.psd1')).Path

function Get-Median([double[]] $values) {
    $s = $values | Sort-Object
    if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
}

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

Write-Host 'Import-Module time...'
# The other benchmarks run in processes of their own.
$datasets = & (Join-Path $PSScriptRoot 'Datasets.Bench.ps1') -ModulePath $ModulePath -SizesMB $DatasetSizesMB
$upload = & (Join-Path $PSScriptRoot 'Upload.Bench.ps1') -ModulePath $ModulePath -SizeMB $UploadSizeMB
$concurrency = & (Join-Path $PSScriptRoot 'Concurrency.Bench.ps1') -ModulePath $ModulePath
$bare = @(); $withModule = @()
Measure-Start 'exit 0' | Out-Null   # warm the disk cache
for ($i = 0; $i -lt $ImportRuns; $i++) {
    $bare += Measure-Start 'exit 0'
    $withModule += Measure-Start "Import-Module '$manifest'; exit 0"
}
$bareMs = Get-Median $bare
$moduleMs = Get-Median $withModule
$importCost = $moduleMs - $bareMs

Write-Host 'Request rate...'
Import-Module $manifest -Force
$emu = Start-FineTuningEmulator -Port 0 -ManualClock
$path = Join-Path ([System.IO.Path]::GetTempPath()) "ft-bench-$PID.jsonl"
$lines = 1..12 | ForEach-Object { '{"messages":[{"role":"user","content":"q' + $_ + '"},{"role":"assistant","content":"a' + $_ + '"}]}' }
[System.IO.File]::WriteAllLines($path, [string[]]$lines)
$job = Add-FineTuningFile $path | New-FineTuningJob -Model gpt-4o-mini-2024-07-18
Remove-Item $path
$uri = "$($emu.BaseUri)/fine_tuning/jobs/$($job.Id)"

$http = [System.Net.Http.HttpClient]::new()
function Invoke-Bare { for ($i = 0; $i -lt $Requests; $i++) { $r = $http.GetAsync($uri).GetAwaiter().GetResult(); $null = $r.Content.ReadAsStringAsync().GetAwaiter().GetResult(); $r.Dispose() } }
function Invoke-Cmdlet { for ($i = 0; $i -lt $Requests; $i++) { $null = Get-FineTuningJob -Id $job.Id } }
function Invoke-Irm { for ($i = 0; $i -lt $Requests; $i++) { $null = Invoke-RestMethod -Uri $uri } }
# PowerShell's own cost of running a compiled cmdlet, measured with one that makes no request at all.
function Invoke-Floor { for ($i = 0; $i -lt $Requests; $i++) { $null = Get-FineTuningConnection } }

# Warm up each path, then three alternating rounds; keep each path's best round.
Invoke-Bare; Invoke-Cmdlet; Invoke-Irm; Invoke-Floor
$times = @{ Bare = @(); Cmdlet = @(); Irm = @(); Floor = @() }
for ($round = 0; $round -lt 3; $round++) {
    foreach ($name in 'Bare', 'Cmdlet', 'Irm', 'Floor') {
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        & "Invoke-$name"
        $times[$name] += $sw.Elapsed.TotalSeconds
    }
}
$rate = @{}
foreach ($name in $times.Keys) { $rate[$name] = $Requests / ($times[$name] | Measure-Object -Minimum).Minimum }
$http.Dispose()
Stop-FineTuningEmulator

$cmdletVsBare = $rate.Cmdlet / $rate.Bare
$cmdletVsIrm = $rate.Cmdlet / $rate.Irm
$cpu = (Get-Content /proc/cpuinfo -ErrorAction SilentlyContinue | Select-String '^model name' | Select-Object -First 1) -replace '^model name\s*:\s*', ''
$datasetRows = ($datasets | ForEach-Object {
    $ratio = if ($_.TiktokenMBps) { '{0:N1}x' -f ($_.OursMBps / $_.TiktokenMBps) } else { '-' }
    $theirTokens = if ($_.TiktokenTokens) { '{0:N0}' -f $_.TiktokenTokens } else { 'not run' }
    $theirSpeed = if ($_.TiktokenMBps) { '{0:N1}' -f $_.TiktokenMBps } else { '-' }
    $theirPeak = if ($_.TiktokenPeakMB) { '{0:N0} MB' -f $_.TiktokenPeakMB } else { '-' }
    '| {0:N0} MB | {1:N0} | {2:N0} | {3} | {4:N1} | {5} | {6} | {7:N0} MB | {8} |' -f $_.SizeMB, $_.Examples, $_.Tokens, $theirTokens, $_.OursMBps, $theirSpeed, $ratio, $_.OursPeakAboveIdleMB, $theirPeak
}) -join "`n"
$report = @"
# Benchmarks

Measured by ``./build.ps1 Bench`` (``bench/Run-Benchmarks.ps1``) on $(Get-Date -Format 'yyyy-MM-dd'),
PowerShell $($PSVersionTable.PSVersion), $([System.Runtime.InteropServices.RuntimeInformation]::OSDescription),
$([Environment]::ProcessorCount) cores$(if ($cpu) { " ($cpu)" }). Every comparison below was measured side by side
in one run; on a shared machine the ratios mean more than the absolute numbers.

## Import-Module

Median of $ImportRuns alternating starts of ``pwsh -NoProfile``:

| Start | Median |
|---|---|
| bare ``pwsh -NoProfile`` | $('{0:N0}' -f $bareMs) ms |
| same, plus ``Import-Module FineTuning`` | $('{0:N0}' -f $moduleMs) ms |
| **cost of importing** | **$('{0:N0}' -f $importCost) ms** (target: under 150 ms) |

## Request rate over loopback

$Requests`` GET /v1/fine_tuning/jobs/{id}`` requests against the emulator on 127.0.0.1, same process,
best of three alternating rounds:

| Client | Requests/s | vs bare HttpClient |
|---|---|---|
| bare ``HttpClient`` loop | $('{0:N0}' -f $rate.Bare) | 100% |
| ``Get-FineTuningJob -Id`` | $('{0:N0}' -f $rate.Cmdlet) | $('{0:P0}' -f $cmdletVsBare) (target: at least 70%) |
| ``Invoke-RestMethod`` | $('{0:N0}' -f $rate.Irm) | $('{0:P0}' -f ($rate.Irm / $rate.Bare)) |

Per call: bare loop $('{0:N0}' -f (1e6 / $rate.Bare)) µs, ``Get-FineTuningJob`` $('{0:N0}' -f (1e6 / $rate.Cmdlet)) µs. Of the difference,
$('{0:N0}' -f (1e6 / $rate.Floor)) µs is PowerShell's own cost of invoking a compiled cmdlet that takes no parameters, measured in the same
run with ``Get-FineTuningConnection``, which makes no request. The remaining part covers binding ``-Id``,
resolving the connection, relaying messages and deserializing the job into typed objects (about 25 µs of
it, measured separately with the source-generated serializer alone):
$('{0:N0}' -f ((1e6 / $rate.Cmdlet) - (1e6 / $rate.Bare) - (1e6 / $rate.Floor))) µs.

``Get-FineTuningJob`` made $('{0:N2}' -f $cmdletVsIrm)x the requests per second of ``Invoke-RestMethod``
(target: above 1x) while also deserializing each job into a typed object.

## Test-FineTuningDataset against tiktoken

Seeded chat files made by ``bench/node/generate-chat.mjs``. Each side runs in a fresh process: the
cmdlet does the full validation (every rule, duplicates, token statistics) with the o200k_base
encoding; the npm package ``tiktoken`` (1.0.22) only counts the same messages by the same rule.
Peak memory is the process's high-water mark; "above idle" subtracts the size after import and a
warm-up (tokenizers loaded).

| File | Examples | Tokens (ours) | Tokens (tiktoken) | Ours MB/s | tiktoken MB/s | Ratio | Ours peak above idle | tiktoken peak |
|---|---|---|---|---|---|---|---|---|
$datasetRows

Targets: at least 4x tiktoken's throughput while validating, and memory flat as the file grows
(a 1 GB file under 200 MB). Token totals are computed independently by each side and must be equal.

## Upload through the Uploads API

A $('{0:N0}' -f $upload.SizeMB) MB file sent by ``Add-FineTuningFile -UseUploadApi`` in 64 MB parts, four at a time, to the
stand-alone emulator host on 127.0.0.1 (its own process, so only the uploader is measured):
$('{0:N1}' -f $upload.Seconds) s, **$('{0:N0}' -f $upload.MBps) MB/s**, peak memory **$('{0:N0}' -f $upload.PeakAboveIdleMB) MB above idle**
(process peak $('{0:N0}' -f $upload.PeakMB) MB; target: under 200 MB above idle for 2 GB).

## Emulator under concurrent load

$($concurrency.Clients) clients (runspaces, each with its own connection) x $($concurrency.Operations / $concurrency.Clients) operations over loopback
(creating jobs, reading them, filtered lists, event pages, cancellations): $('{0:N0}' -f $concurrency.Operations) operations in
$('{0:N1}' -f $concurrency.Seconds) s, **$('{0:N0}' -f $concurrency.OpsPerSecond) operations/s**, $($concurrency.Errors) errors. Jobs created:
$($concurrency.JobsCreated), listed: $($concurrency.JobsListed), duplicated: $($concurrency.DuplicateJobs), missing: $($concurrency.MissingJobs); files created
$($concurrency.FilesCreated), listed $($concurrency.FilesListed). (``ConcurrencyTests`` in xunit asserts the same at the same scale.)
"@
Set-Content -Path $OutFile -Value $report -Encoding utf8
Write-Host $report
