<#
.SYNOPSIS
    Benchmarks of the module, measured side by side in one run, written to docs/benchmarks.md.
.DESCRIPTION
    1. Import-Module cost (Import.Bench.ps1): bare `pwsh -NoProfile` starts, starts that import an empty
       manifest module, and starts that import FineTuning, alternated run by run; medians compared.
    2. Request rate (Requests.Bench.ps1): Get-FineTuningJob -Id against the emulator over loopback HTTP,
       compared in the same process with bare HttpClient loops making the same requests, with
       Invoke-RestMethod, and with a control loop that shows what invoking any cmdlet per request costs. A run
       whose two identical cmdlet clients disagree by more than -MaxCheckGap is repeated (-RequestAttempts).
    3. Dataset validation, upload and emulator concurrency (their own scripts, their own processes).
    These are ratios measured together, not absolute targets for a timed test.
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '',
    Justification = 'Progress notes go to the console so that the output stays the measured results alone.')]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseBOMForUnicodeEncodedFile', '',
    Justification = 'The report template holds a micro sign; the benchmarks run only on PowerShell 7, which reads UTF-8 without a BOM.')]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/FineTuning/0.1.0'),
    [string] $OutFile = (Join-Path $PSScriptRoot '../docs/benchmarks.md'),
    [int] $ImportRuns = 15,
    [int] $Requests = 1000,
    [int] $RequestAttempts = 3,
    [double] $MaxCheckGap = 0.05,
    [int[]] $DatasetSizesMB = @(200, 1024),
    [int[]] $VariedDatasetSizesMB = @(200, 1024),
    [int] $UploadSizeMB = 2048
)
$ErrorActionPreference = 'Stop'

Write-Host 'Import-Module time...'
$import = & (Join-Path $PSScriptRoot 'Import.Bench.ps1') -ModulePath $ModulePath -Runs $ImportRuns
Write-Host 'Request rate...'
# A run whose two identical clients (Cmdlet and Again) differ by more than $MaxCheckGap of the bare rate was
# disturbed by the machine and cannot tell clients apart: it is run again, up to $RequestAttempts times. Every
# attempt is reported, the discarded ones too.
$attempts = [System.Collections.Generic.List[object]]::new()
do {
    $rates = & (Join-Path $PSScriptRoot 'Requests.Bench.ps1') -ModulePath $ModulePath -Requests $Requests
    $gap = [math]::Abs($rates.AgainRate - $rates.CmdletRate) / $rates.BareRate
    $attempts.Add([pscustomobject]@{ Share = $rates.CmdletRate / $rates.BareRate; Gap = $gap; Kept = $gap -le $MaxCheckGap })
} while ($gap -gt $MaxCheckGap -and $attempts.Count -lt $RequestAttempts)
$attemptText = ($attempts | ForEach-Object {
        '{0:P0} ({1})' -f $_.Share, $(if ($_.Kept) { 'kept' } elseif ($_ -eq $attempts[-1]) { "check differed by $('{0:N0}' -f (100 * $_.Gap)) points; kept as the last attempt" } else { "check differed by $('{0:N0}' -f (100 * $_.Gap)) points; run again" })
    }) -join ', '
# The other benchmarks run in processes of their own.
$datasets = & (Join-Path $PSScriptRoot 'Datasets.Bench.ps1') -ModulePath $ModulePath -SizesMB $DatasetSizesMB -VariedSizesMB $VariedDatasetSizesMB
$upload = & (Join-Path $PSScriptRoot 'Upload.Bench.ps1') -ModulePath $ModulePath -SizeMB $UploadSizeMB
$concurrency = & (Join-Path $PSScriptRoot 'Concurrency.Bench.ps1') -ModulePath $ModulePath

$importCost = $import.ModuleMs - $import.BareMs
$emptyCost = $import.EmptyMs - $import.BareMs
$ownCost = $import.ModuleMs - $import.EmptyMs
function Format-Share([double] $rate) { '{0:P0}' -f ($rate / $rates.BareRate) }
$cpu = (Get-Content /proc/cpuinfo -ErrorAction SilentlyContinue | Select-String '^model name' | Select-Object -First 1) -replace '^model name\s*:\s*', ''
$datasetRows = ($datasets | ForEach-Object {
        $ratio = if ($_.TiktokenMBps) { '**{0:N1}x**' -f ($_.OursMBps / $_.TiktokenMBps) } else { '-' }
        $theirTokens = if ($_.TiktokenTokens) { '{0:N0}' -f $_.TiktokenTokens } else { 'not run' }
        $theirSpeed = if ($_.TiktokenMBps) { '{0:N1}' -f $_.TiktokenMBps } else { '-' }
        $theirPeak = if ($_.TiktokenPeakMB) { '{0:N0} MB' -f $_.TiktokenPeakMB } else { '-' }
        $ourLimit = if ($_.OurTokenizerMBps) { '{0:N1}' -f $_.OurTokenizerMBps } else { '-' }
        $theirLimit = if ($_.TiktokenTokenizerMBps) { '{0:N1}' -f $_.TiktokenTokenizerMBps } else { '-' }
        '| {0} | {1:N0} MB | {2:N0} | {3:N0} | {4} | {5:N1} | {6} | {7} | {8} | {9} | {10:N0} MB | {11} |' -f $_.Corpus, $_.SizeMB, $_.Examples, $_.Tokens, $theirTokens, $_.OursMBps, $theirSpeed, $ratio, $ourLimit, $theirLimit, $_.OursPeakAboveIdleMB, $theirPeak
    }) -join "`n"
$datasetWorkers = @($datasets)[0].Workers
$cl100kText = ($datasets | Where-Object Cl100kTokens | ForEach-Object {
        '{0} {1:N0} MB: {2:N0} and {3:N0}' -f $_.Corpus, $_.SizeMB, $_.Cl100kTokens, $_.Cl100kTiktokenTokens
    }) -join '; '
$report = @"
# Benchmarks

Measured by ``./build.ps1 Bench`` (``bench/Run-Benchmarks.ps1``) on $(Get-Date -Format 'yyyy-MM-dd'),
PowerShell $($PSVersionTable.PSVersion), $([System.Runtime.InteropServices.RuntimeInformation]::OSDescription),
$([Environment]::ProcessorCount) cores$(if ($cpu) { " ($cpu)" }). Every comparison below was measured side by side
in one run; on a shared machine the ratios mean more than the absolute numbers.

## Import-Module

Median of $($import.Runs) alternating starts of ``pwsh -NoProfile -NonInteractive`` of each kind:

| Start | Median | Added to a bare start |
|---|---|---|
| bare, ``exit 0`` | $('{0:N0}' -f $import.BareMs) ms | |
| importing an empty manifest module (only ``ModuleVersion``) | $('{0:N0}' -f $import.EmptyMs) ms | $('{0:N0}' -f $emptyCost) ms |
| ``Import-Module FineTuning`` | $('{0:N0}' -f $import.ModuleMs) ms | **$('{0:N0}' -f $importCost) ms** (target: under 150 ms) |

Importing FineTuning cost $(if ($ownCost -ge 0) { '{0:N0} ms more' -f $ownCost } else { '{0:N0} ms less (noise: it cannot cost less)' -f (-$ownCost) }) than importing a module that holds nothing at all: that difference is
the module's own (its assemblies, cmdlet discovery, the format file); the rest is what PowerShell spends on the
first ``Import-Module`` of any manifest module in a session. Single starts vary by about $('{0:N0}' -f $import.SpreadMs) ms here
(spread between the quartiles of the bare starts), so differences of that size are noise.

## Request rate over loopback

``GET /v1/fine_tuning/jobs/{id}`` against the emulator on 127.0.0.1 from one pwsh process: $($rates.Rounds) rounds of
$($rates.Requests) requests per client, in blocks of $($rates.Block) interleaved client by client; each rate comes from the
client's median block.

| Client | Requests/s | Per request | vs bare ``HttpClient`` |
|---|---|---|---|
| bare ``HttpClient`` loop (``GetAsync``, body read as a string) | $('{0:N0}' -f $rates.BareRate) | $('{0:N0}' -f $rates.BareUs) µs | 100% |
| the same loop sending the module's exact requests (decompression, ``User-Agent``, ``Accept``) | $('{0:N0}' -f $rates.SameRate) | $('{0:N0}' -f $rates.SameUs) µs | $(Format-Share $rates.SameRate) |
| **``Get-FineTuningJob -Id``** (typed job objects) | $('{0:N0}' -f $rates.CmdletRate) | $('{0:N0}' -f $rates.CmdletUs) µs | **$(Format-Share $rates.CmdletRate)** (target: at least 70%) |
| ``Invoke-RestMethod -Uri`` | $('{0:N0}' -f $rates.IrmRate) | $('{0:N0}' -f $rates.IrmUs) µs | $(Format-Share $rates.IrmRate) |
| control: the bare loop plus one call to a trivial cmdlet per request | $('{0:N0}' -f $rates.ControlRate) | $('{0:N0}' -f $rates.ControlUs) µs | $(Format-Share $rates.ControlRate) |
| check: ``Get-FineTuningJob -Id`` again, as a client of its own | $('{0:N0}' -f $rates.AgainRate) | $('{0:N0}' -f $rates.AgainUs) µs | $(Format-Share $rates.AgainRate) |

How finely this table tells clients apart: the last line runs the very same code as the cmdlet's line, and
the two differ by $('{0:N0}' -f [math]::Abs(100 * ($rates.AgainRate - $rates.CmdletRate) / $rates.BareRate)) % of the bare rate; round by round the cmdlet's share of the bare rate
ranged from $('{0:P0}' -f $rates.CmdletShareLow) to $('{0:P0}' -f $rates.CmdletShareHigh). Differences smaller than that are noise.
A run is repeated (up to $RequestAttempts times) when the two identical clients differ by more than $('{0:P0}' -f $MaxCheckGap) of the
bare rate; this run's attempts, by the cmdlet's share: $attemptText.

``Get-FineTuningJob`` made **$('{0:N2}' -f ($rates.CmdletRate / $rates.IrmRate))x** the requests per second of ``Invoke-RestMethod``
(target: above 1x).

The control line is the bare loop plus one call per request to ``Get-FineTuningConnection``, a compiled cmdlet that
takes no parameters, makes no request and uses no client library: what invoking any cmdlet between requests costs.
Run on its own that call takes $('{0:N1}' -f $rates.FloorUs) µs; placed between requests it adds
$('{0:N0}' -f ($rates.ControlUs - $rates.BareUs)) µs to each, because PowerShell's command machinery then runs between requests, the
HTTP path no longer stays warm in the processor's caches, and the threads of a request are more often asleep when
the answer comes. ``Get-FineTuningJob`` took $(if ($rates.CmdletUs -ge $rates.ControlUs) { '{0:N0} µs more' -f ($rates.CmdletUs - $rates.ControlUs) } else { '{0:N0} µs less' -f ($rates.ControlUs - $rates.CmdletUs) }) per request than the control in this run.
Its own work (binding ``-Id`` and, there, ``-Connection``, resolving the connection, the module's request headers
and retry policy, relaying messages, reading the JSON into a typed job) is measured apart, on a connection whose
transport answers at once with the same JSON (no socket, no emulator): there the cmdlet takes
$('{0:N1}' -f $rates.CannedUs) µs a call against $('{0:N1}' -f $rates.FloorUs) µs for the trivial cmdlet, so the module's own share is
$('{0:N1}' -f ($rates.CannedUs - $rates.FloorUs)) µs. The cmdlet wins part of that back while it waits: its thread spins for up to about
half a millisecond before it sleeps, longer than the bare loop's ``GetResult()`` does, so a loopback answer usually
finds it awake (see ``docs/design.md``).

Every client is warmed up with thousands of calls first: the .NET runtime profiles and then recompiles hot code
in the background, and measured before that has settled, every PowerShell client ran several times slower and
the ratios swung widely.

## Test-FineTuningDataset against tiktoken

Seeded chat files of two kinds: **common** (``bench/node/generate-chat.mjs``: words drawn from a list of
about 150, so nearly every piece of text repeats) and **varied** (``bench/node/generate-varied.mjs``: a long
tail of rare and made-up words, typos, names, identifiers, paths, URLs, UUIDs, numbers, dates, prices,
sentences in nine other scripts, emoji and code blocks, much as real datasets are). Each side runs in a
fresh process: the cmdlet does the full validation (every rule, duplicates, token statistics) with the
o200k_base encoding; the npm package ``tiktoken`` (1.0.22) counts the same messages by the same rule at
its fastest: the file read in 64 MB chunks, each line parsed once, ``encode_ordinary`` called once per
string (``bench/node/count-tiktoken.mjs``).

The two "tokenizer alone" columns are the limit lines: the same strings extracted beforehand, then only
counted, with no reading, parsing or validation; ours on the cmdlet's $datasetWorkers worker threads (each with its
own piece cache, as in the cmdlet), tiktoken on its one thread. Peak memory is the process's high-water
mark; "above idle" subtracts the size after import and a warm-up (encoding loaded).

| Corpus | File | Examples | Tokens (ours) | Tokens (tiktoken) | Ours MB/s | tiktoken MB/s | Ratio | Our tokenizer alone MB/s | tiktoken alone MB/s | Ours peak above idle | tiktoken peak |
|---|---|---|---|---|---|---|---|---|---|---|---|
$datasetRows

Targets: at least 4x tiktoken's throughput while validating, on both corpora, and memory flat as the
file grows (a 1 GB file under 200 MB above idle). Token totals are computed independently by each side
(and by the limit runs) and must be equal: the benchmark stops if any differs. The same files counted in
cl100k_base (the cmdlet with ``-Model gpt-3.5-turbo-0125``, against tiktoken), ours and tiktoken's: $cl100kText.

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
