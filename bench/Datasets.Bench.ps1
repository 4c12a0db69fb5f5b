<#
.SYNOPSIS
    Test-FineTuningDataset against tiktoken on the same generated chat data, side by side in one run.
.DESCRIPTION
    Generates seeded chat files with Node, of two kinds: "common" (generate-chat.mjs: words from a list of
    about 150, so nearly every piece repeats) and "varied" (generate-varied.mjs: a long tail of rare and
    made-up words, typos, identifiers, numbers, other scripts, emoji and code). Then measures, each in a
    fresh process:
    - Test-FineTuningDataset (full validation plus token counting, o200k_base);
    - the npm tiktoken package at its fastest (64 MB reads, encode_ordinary once per string) counting the
      same messages by the same rule;
    - the limit lines: each side's tokenizer alone on the strings already extracted (no reading, no
      parsing, no validation): ours on as many threads as the cmdlet uses, tiktoken on its one thread.
    Reports MB/s, peak memory above idle and the totals, which must be equal; the totals are compared in
    cl100k_base too (the cmdlet with a gpt-3.5-turbo model against tiktoken). Files over 256 MB are
    measured on our side only (memory). Returns objects; Run-Benchmarks.ps1 writes them to docs/benchmarks.md.
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '',
    Justification = 'Progress notes go to the console so that the output stays the measured results alone.')]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int[]] $SizesMB = @(200, 1024),
    [int[]] $VariedSizesMB = @(200, 1024),
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
param($manifest, $file, $model = 'gpt-4o-mini-2024-07-18')
Import-Module $manifest
$warm = Join-Path ([IO.Path]::GetTempPath()) "ft-warm-$PID.jsonl"
Get-Content $file -TotalCount 20 | Set-Content $warm
$null = Test-FineTuningDataset $warm    # load the tokenizers before measuring the idle size
Remove-Item $warm
[GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
$idle = [Diagnostics.Process]::GetCurrentProcess().WorkingSet64
$sw = [Diagnostics.Stopwatch]::StartNew()
$r = Test-FineTuningDataset $file -Model $model
$sw.Stop()
$hwm = (Get-Content /proc/self/status | Select-String '^VmHWM:\s+(\d+)').Matches[0].Groups[1].Value
[pscustomobject]@{ seconds = $sw.Elapsed.TotalSeconds; tokens = $r.Tokens.Total; examples = $r.Examples; errors = $r.ErrorCount;
    idleBytes = $idle; peakBytes = [long]$hwm * 1024 } | ConvertTo-Json -Compress
'@
$script = Join-Path $WorkPath 'measure-dataset.ps1'
Set-Content $script $measure

# Our tokenizer alone: the strings the cmdlet counts, extracted first (not timed), then counted on the
# cmdlet's number of workers, each with its own piece cache, as the validator's workers do.
$limit = @'
param($manifest, $file, $workers)
Import-Module $manifest
$datasets = [FineTuning.Datasets.TokenCounter].Assembly
Add-Type -ReferencedAssemblies @($datasets.Location, [System.Text.Json.JsonDocument].Assembly.Location, 'netstandard', 'System.Runtime',
    'System.Collections', 'System.Linq.Expressions', 'System.Threading', 'System.Threading.Thread', 'System.Memory', 'System.Text.Encoding.Extensions') -TypeDefinition @"
using System; using System.Collections.Generic; using System.Diagnostics; using System.IO; using System.Linq.Expressions; using System.Text.Json; using System.Threading;
public static class TokenizerAlone {
    public static double[] Run(string file, int workers) {
        var counter = FineTuning.Datasets.TokenCounter.ForEncoding("o200k_base");
        // The validator's per-thread path (an internal method): bound once through an expression tree.
        var cacheType = counter.GetType().Assembly.GetType("FineTuning.Datasets.PieceCountCache", true);
        var method = counter.GetType().GetMethod("Count", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance, null, new[] { typeof(string), cacheType }, null);
        var text = Expression.Parameter(typeof(string)); var cache = Expression.Parameter(typeof(object));
        var count = Expression.Lambda<Func<string, object, int>>(Expression.Call(Expression.Constant(counter), method, text, Expression.Convert(cache, cacheType)), text, cache).Compile();
        long fixedTokens = 0, examples = 0;
        var strings = new List<string>();
        foreach (var line in File.ReadLines(file)) {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            fixedTokens += 3; examples++;
            foreach (var m in doc.RootElement.GetProperty("messages").EnumerateArray()) {
                fixedTokens += 3;
                strings.Add(m.GetProperty("role").GetString());
                if (m.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String && c.GetString().Length > 0) strings.Add(c.GetString());
                if (m.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String) { fixedTokens += 1; strings.Add(n.GetString()); }
            }
        }
        var totals = new long[workers];
        var threads = new Thread[workers];
        var sw = Stopwatch.StartNew();
        for (int w = 0; w < workers; w++) {
            int k = w;
            threads[w] = new Thread(() => {
                var own = Activator.CreateInstance(cacheType, true);
                long t = 0;
                for (int i = k; i < strings.Count; i += workers) t += count(strings[i], own);
                totals[k] = t;
            });
            threads[w].Start();
        }
        foreach (var t in threads) t.Join();
        sw.Stop();
        long tokens = fixedTokens; foreach (var t in totals) tokens += t;
        return new double[] { sw.Elapsed.TotalSeconds, tokens, examples };
    }
}
"@
$r = [TokenizerAlone]::Run($file, [int]$workers)
[pscustomobject]@{ seconds = $r[0]; tokens = [long]$r[1]; examples = [long]$r[2] } | ConvertTo-Json -Compress
'@
$limitScript = Join-Path $WorkPath 'measure-tokenizer.ps1'
Set-Content $limitScript $limit
$workers = [Math]::Min(2, [Environment]::ProcessorCount)

$inputs = @(
    foreach ($mb in $SizesMB) { [pscustomobject]@{ Corpus = 'common'; MB = $mb; Generator = 'generate-chat.mjs'; File = Join-Path $WorkPath "chat-$mb.jsonl" } }
    foreach ($mb in $VariedSizesMB) { [pscustomobject]@{ Corpus = 'varied'; MB = $mb; Generator = 'generate-varied.mjs'; File = Join-Path $WorkPath "varied-$mb.jsonl" } }
)
$rows = foreach ($in in $inputs) {
    $file = $in.File
    if (-not (Test-Path $file)) { & node (Join-Path $nodeDir $in.Generator) $file $in.MB | Out-Null }
    $bytes = (Get-Item $file).Length
    Write-Host "Dataset benchmark: $($in.Corpus), $($in.MB) MB..."
    $ours = (& $self @prefix -NoProfile -NonInteractive -File $script $manifest $file | Select-Object -Last 1) | ConvertFrom-Json
    $theirs = $null; $theirLimit = $null; $ourLimit = $null
    if ($in.MB -le 256) {
        $tiktoken = Join-Path $nodeDir 'count-tiktoken.mjs'
        $theirs = (& node $tiktoken $file 'o200k_base' 'full' | Select-Object -Last 1) | ConvertFrom-Json
        $theirLimit = (& node $tiktoken $file 'o200k_base' 'tokenizer' | Select-Object -Last 1) | ConvertFrom-Json
        $ourLimit = (& $self @prefix -NoProfile -NonInteractive -File $limitScript $manifest $file $workers | Select-Object -Last 1) | ConvertFrom-Json
        foreach ($other in $theirs, $theirLimit, $ourLimit) {
            if ($other.tokens -ne $ours.tokens) { throw "Token totals differ on $file : the cmdlet counted $($ours.tokens), a reference $($other.tokens)." }
        }
        # The other encoding: totals only (gpt-3.5-turbo counts with cl100k_base).
        $ours100k = (& $self @prefix -NoProfile -NonInteractive -File $script $manifest $file 'gpt-3.5-turbo-0125' | Select-Object -Last 1) | ConvertFrom-Json
        $theirs100k = (& node $tiktoken $file 'cl100k_base' 'full' | Select-Object -Last 1) | ConvertFrom-Json
        if ($ours100k.tokens -ne $theirs100k.tokens) { throw "cl100k_base totals differ on $file : the cmdlet counted $($ours100k.tokens), tiktoken $($theirs100k.tokens)." }
    }
    [pscustomobject]@{
        Corpus = $in.Corpus
        SizeMB = [math]::Round($bytes / 1MB)
        Examples = $ours.examples
        Tokens = $ours.tokens
        TiktokenTokens = if ($theirs) { $theirs.tokens }
        Cl100kTokens = if ($theirs) { $ours100k.tokens }
        Cl100kTiktokenTokens = if ($theirs) { $theirs100k.tokens }
        OursMBps = $bytes / 1MB / $ours.seconds
        TiktokenMBps = if ($theirs) { $bytes / 1MB / $theirs.seconds }
        OurTokenizerMBps = if ($ourLimit) { $bytes / 1MB / $ourLimit.seconds }
        TiktokenTokenizerMBps = if ($theirLimit) { $bytes / 1MB / $theirLimit.seconds }
        Workers = $workers
        OursPeakAboveIdleMB = ($ours.peakBytes - $ours.idleBytes) / 1MB
        OursPeakMB = $ours.peakBytes / 1MB
        TiktokenPeakMB = if ($theirs) { $theirs.peakBytes / 1MB }
    }
}
$rows
