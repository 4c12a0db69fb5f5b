<#
.SYNOPSIS
    Test-FineTuningDataset against tiktoken on the same generated chat data, side by side in one run.
.DESCRIPTION
    Generates seeded chat files (200 MB and 1 GB by default) with Node, then measures, each in a fresh
    process: Test-FineTuningDataset (full validation plus token counting) and the npm tiktoken package
    counting the same messages by the same rule. Reports MB/s, peak memory above idle and the totals,
    which must be equal. Returns an object; Run-Benchmarks.ps1 writes it to docs/benchmarks.md.
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '',
    Justification = 'Progress notes go to the console so that the output stays the measured results alone.')]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int[]] $SizesMB = @(200, 1024),
    [string] $WorkPath = (Join-Path $PSScriptRoot '../out/bench')
)
$ErrorActionPreference = 'Stop'
if (-not (Get-Command node -ErrorAction SilentlyContinue)) { throw 'The dataset benchmark needs node and npm (for tiktoken).' }
New-Item -ItemType Directory -Path $WorkPath -Force | Out-Null
$nodeDir = Join-Path $WorkPath 'node'
New-Item -ItemType Directory -Path $nodeDir -Force | Out-Null
Copy-Item (Join-Path $PSScriptRoot 'node/*') $nodeDir -Force
if (-not (Test-Path (Join-Path $nodeDir 'node_modules/tiktoken'))) {
    Push-Location $nodeDir
    try { & npm install --no-audit --no-fund --loglevel=error | Out-Host } finally { Pop-Location }
}
$manifest = (Resolve-Path (Join-Path $ModulePath 'FineTuning.psd1')).Path
$self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
$prefix = @(); if ([System.IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { $prefix = @('pwsh') }

$measure = @'
param($manifest, $file)
Import-Module $manifest
$warm = Join-Path ([IO.Path]::GetTempPath()) "ft-warm-$PID.jsonl"
Get-Content $file -TotalCount 20 | Set-Content $warm
$null = Test-FineTuningDataset $warm    # load the tokenizers before measuring the idle size
Remove-Item $warm
[GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
$idle = [Diagnostics.Process]::GetCurrentProcess().WorkingSet64
$sw = [Diagnostics.Stopwatch]::StartNew()
$r = Test-FineTuningDataset $file -Model gpt-4o-mini-2024-07-18
$sw.Stop()
$hwm = (Get-Content /proc/self/status | Select-String '^VmHWM:\s+(\d+)').Matches[0].Groups[1].Value
[pscustomobject]@{ seconds = $sw.Elapsed.TotalSeconds; tokens = $r.Tokens.Total; examples = $r.Examples; errors = $r.ErrorCount;
    idleBytes = $idle; peakBytes = [long]$hwm * 1024 } | ConvertTo-Json -Compress
'@
$script = Join-Path $WorkPath 'measure-dataset.ps1'
Set-Content $script $measure

$rows = foreach ($mb in $SizesMB) {
    $file = Join-Path $WorkPath "chat-$mb.jsonl"
    if (-not (Test-Path $file)) { & node (Join-Path $nodeDir 'generate-chat.mjs') $file $mb | Out-Null }
    $bytes = (Get-Item $file).Length
    Write-Host "Dataset benchmark: $mb MB..."
    $ours = (& $self @prefix -NoProfile -NonInteractive -File $script $manifest $file | Select-Object -Last 1) | ConvertFrom-Json
    $theirs = $null
    if ($mb -le 256) { $theirs = (& node (Join-Path $nodeDir 'count-tiktoken.mjs') $file 'o200k_base' | Select-Object -Last 1) | ConvertFrom-Json }
    [pscustomobject]@{
        SizeMB = [math]::Round($bytes / 1MB)
        Examples = $ours.examples
        Tokens = $ours.tokens
        TiktokenTokens = if ($theirs) { $theirs.tokens }
        OursMBps = $bytes / 1MB / $ours.seconds
        TiktokenMBps = if ($theirs) { $bytes / 1MB / $theirs.seconds }
        OursPeakAboveIdleMB = ($ours.peakBytes - $ours.idleBytes) / 1MB
        OursPeakMB = $ours.peakBytes / 1MB
        TiktokenPeakMB = if ($theirs) { $theirs.peakBytes / 1MB }
    }
}
$rows
