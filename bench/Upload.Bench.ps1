<#
.SYNOPSIS
    A multi-GB upload through the Uploads API against the emulator over loopback: throughput and peak memory.
.DESCRIPTION
    Starts the stand-alone emulator host in its own process, so that only the uploading process is
    measured, then runs Add-FineTuningFile in a fresh pwsh and reports MB/s and its peak memory above
    its idle size (target: under 200 MB for 2 GB).
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '',
    Justification = 'Progress notes go to the console so that the output stays the measured results alone.')]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $SizeMB = 2048,
    [string] $WorkPath = (Join-Path $PSScriptRoot '../out/bench')
)
$ErrorActionPreference = 'Stop'
$root = Join-Path $PSScriptRoot '..'
New-Item -ItemType Directory -Path $WorkPath -Force | Out-Null
$manifest = (Resolve-Path (Join-Path $ModulePath 'FineTuning.psd1')).Path
$hostOut = Join-Path $WorkPath 'host'
& dotnet build (Join-Path $root 'src/FineTuning.Emulator.Host') -c Release -nologo -v quiet -o $hostOut | Out-Null
if ($LASTEXITCODE -ne 0) { throw 'Building the emulator host failed.' }

$file = Join-Path $WorkPath "upload-$SizeMB.bin"
if (-not (Test-Path $file) -or (Get-Item $file).Length -ne $SizeMB * 1MB) {
    # Pseudo-random content, written once: repeated 1 MB blocks of seeded bytes.
    $block = [byte[]]::new(1MB); [System.Random]::new(7).NextBytes($block)
    $stream = [System.IO.File]::Create($file)
    try { for ($i = 0; $i -lt $SizeMB; $i++) { $block[0] = [byte]($i % 256); $stream.Write($block, 0, $block.Length) } } finally { $stream.Dispose() }
}

$psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet', "`"$(Join-Path $hostOut 'finetuning-emulator.dll')`" --port 0")
$psi.RedirectStandardOutput = $true
$psi.UseShellExecute = $false
$hostProcess = [System.Diagnostics.Process]::Start($psi)
try {
    $line = $hostProcess.StandardOutput.ReadLine()
    $baseUri = [regex]::Match($line, 'http://\S+').Value
    if (-not $baseUri) { throw "The emulator host did not start: $line" }

    $measure = @'
param($manifest, $baseUri, $file)
Import-Module $manifest
Connect-FineTuningService -BaseUri $baseUri
[GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
$idle = [Diagnostics.Process]::GetCurrentProcess().WorkingSet64
$sw = [Diagnostics.Stopwatch]::StartNew()
$f = Add-FineTuningFile $file -Purpose user_data -UseUploadApi -ProgressAction SilentlyContinue
$sw.Stop()
$hwm = (Get-Content /proc/self/status | Select-String '^VmHWM:\s+(\d+)').Matches[0].Groups[1].Value
[pscustomobject]@{ seconds = $sw.Elapsed.TotalSeconds; bytes = $f.Bytes; idleBytes = $idle; peakBytes = [long]$hwm * 1024 } | ConvertTo-Json -Compress
'@
    $script = Join-Path $WorkPath 'measure-upload.ps1'
    Set-Content $script $measure
    $self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    $prefix = @(); if ([System.IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { $prefix = @('pwsh') }
    Write-Host "Upload benchmark: $SizeMB MB..."
    $r = (& $self @prefix -NoProfile -NonInteractive -File $script $manifest $baseUri $file | Select-Object -Last 1) | ConvertFrom-Json
    if ($r.bytes -ne (Get-Item $file).Length) { throw "The upload reported $($r.bytes) bytes for a file of $((Get-Item $file).Length)." }
    [pscustomobject]@{
        SizeMB = $SizeMB
        Seconds = $r.seconds
        MBps = $SizeMB / $r.seconds
        PeakAboveIdleMB = ($r.peakBytes - $r.idleBytes) / 1MB
        PeakMB = $r.peakBytes / 1MB
    }
} finally {
    if (-not $hostProcess.HasExited) { $hostProcess.Kill() }
    $hostProcess.Dispose()
}
