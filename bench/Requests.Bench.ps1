<#
.SYNOPSIS
    Request rate of Get-FineTuningJob -Id against the emulator over loopback, beside bare HttpClient loops and
    Invoke-RestMethod making the same requests in the same pwsh process.
.DESCRIPTION
    Each round makes $Requests requests per client, cut into blocks of $Block that are interleaved client by
    client, so that a burst of machine noise lands on every client alike; a client's rate is taken from its
    median block. Clients:
      Bare     a plain HttpClient: GetAsync, read the body as a string.
      Same     the same loop with an HttpClient set up as the module's is (decompression, User-Agent, Accept),
               so the wire requests are the module's own.
      Cmdlet   Get-FineTuningJob -Id, which also turns each body into a typed job object.
      Irm      Invoke-RestMethod -Uri.
      Control  the Bare loop plus one call per request to Get-FineTuningConnection, a compiled cmdlet that takes
               no parameters and makes no request: what invoking a cmdlet between requests costs a bare loop.
      Floor    Get-FineTuningConnection alone (a compiled cmdlet that makes no request).
      Canned   Get-FineTuningJob -Id on a connection whose transport answers at once with the same job's JSON: no
               socket, no emulator. Canned minus Floor is the module's own work per call.
      Again    Get-FineTuningJob -Id once more, as a client of its own: the same code measured twice, so the
               difference between Cmdlet and Again shows how finely this run can tell clients apart.
    Besides the medians over all rounds, the Cmdlet's share of the Bare rate is computed round by round; the
    lowest and highest of those show how much the headline figure moves within one run.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/FineTuning/0.1.0'),
    [int] $Requests = 1000,
    [int] $Rounds = 5,
    [int] $Block = 100,
    [int] $WarmupPasses = 4
)
$ErrorActionPreference = 'Stop'
$manifest = (Resolve-Path (Join-Path $ModulePath 'FineTuning.psd1')).Path
Import-Module $manifest -Force

$emu = Start-FineTuningEmulator -Port 0 -ManualClock
try {
    $path = Join-Path ([System.IO.Path]::GetTempPath()) "ft-bench-$PID.jsonl"
    $lines = 1..12 | ForEach-Object { '{"messages":[{"role":"user","content":"q' + $_ + '"},{"role":"assistant","content":"a' + $_ + '"}]}' }
    [System.IO.File]::WriteAllLines($path, [string[]]$lines)
    $job = Add-FineTuningFile $path | New-FineTuningJob -Model gpt-4o-mini-2024-07-18
    Remove-Item $path
    $id = $job.Id
    $uri = "$($emu.BaseUri)/fine_tuning/jobs/$id"

    $bare = [System.Net.Http.HttpClient]::new()
    $handler = [System.Net.Http.HttpClientHandler]::new()
    $handler.AutomaticDecompression = [System.Net.DecompressionMethods]::GZip -bor [System.Net.DecompressionMethods]::Deflate
    $same = [System.Net.Http.HttpClient]::new($handler)
    $version = (Get-Module FineTuning).Version.ToString(3)
    $null = $same.DefaultRequestHeaders.TryAddWithoutValidation('User-Agent', "FineTuning-PowerShell/$version")
    $null = $same.DefaultRequestHeaders.TryAddWithoutValidation('Accept', 'application/json')

    # A transport that answers every request at once with the job's JSON, for the module's own cost per call.
    if (-not ('FineTuningBench.CannedHandler' -as [type])) {
        Add-Type -ReferencedAssemblies System.Net.Http, System.Net.Primitives -TypeDefinition @'
namespace FineTuningBench {
    public sealed class CannedHandler : System.Net.Http.HttpMessageHandler {
        private readonly byte[] _body;
        public CannedHandler(byte[] body) { _body = body; }
        protected override System.Threading.Tasks.Task<System.Net.Http.HttpResponseMessage> SendAsync(
            System.Net.Http.HttpRequestMessage request, System.Threading.CancellationToken ct) {
            var response = new System.Net.Http.HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new System.Net.Http.ByteArrayContent(_body) };
            response.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            return System.Threading.Tasks.Task.FromResult(response);
        }
    }
}
'@
    }
    $cannedOptions = [FineTuning.Client.ConnectionOptions]::new()
    $cannedOptions.Kind = 'Compatible'
    $cannedOptions.BaseUri = [uri]'http://canned.invalid/v1'
    $cannedOptions.Transport = [FineTuningBench.CannedHandler]::new([System.Text.Encoding]::UTF8.GetBytes($bare.GetStringAsync($uri).GetAwaiter().GetResult()))
    $canned = [FineTuning.Client.FineTuningConnection]::Create($cannedOptions)

    $loops = [ordered]@{
        Bare    = { for ($i = 0; $i -lt $Block; $i++) { $r = $bare.GetAsync($uri).GetAwaiter().GetResult(); $null = $r.Content.ReadAsStringAsync().GetAwaiter().GetResult(); $r.Dispose() } }
        Same    = { for ($i = 0; $i -lt $Block; $i++) { $r = $same.GetAsync($uri).GetAwaiter().GetResult(); $null = $r.Content.ReadAsStringAsync().GetAwaiter().GetResult(); $r.Dispose() } }
        Cmdlet  = { for ($i = 0; $i -lt $Block; $i++) { $null = Get-FineTuningJob -Id $id } }
        Irm     = { for ($i = 0; $i -lt $Block; $i++) { $null = Invoke-RestMethod -Uri $uri } }
        Control = { for ($i = 0; $i -lt $Block; $i++) { $r = $bare.GetAsync($uri).GetAwaiter().GetResult(); $null = $r.Content.ReadAsStringAsync().GetAwaiter().GetResult(); $r.Dispose(); $null = Get-FineTuningConnection } }
        Floor   = { for ($i = 0; $i -lt $Block; $i++) { $null = Get-FineTuningConnection } }
        Canned  = { for ($i = 0; $i -lt $Block; $i++) { $null = Get-FineTuningJob -Id $id -Connection $canned } }
        Again   = { for ($i = 0; $i -lt $Block; $i++) { $null = Get-FineTuningJob -Id $id } }
    }
    $blockTimes = @{}
    foreach ($name in $loops.Keys) { $blockTimes[$name] = [System.Collections.Generic.List[double]]::new() }
    # Warm up long enough for the runtime to finish optimizing the hot code (its tiered JIT profiles, then
    # recompiles in the background): thousands of calls per client. Measured too early, every client runs
    # several times slower and the comparison means little.
    for ($pass = 0; $pass -lt $WarmupPasses; $pass++) {
        foreach ($name in $loops.Keys) { for ($w = 0; $w -lt 10; $w++) { & $loops[$name] } }
        Start-Sleep -Milliseconds 200
    }
    $blocksPerRound = [math]::Max(1, [int][math]::Ceiling($Requests / $Block))
    for ($b = 0; $b -lt $Rounds * $blocksPerRound; $b++) {
        foreach ($name in $loops.Keys) {
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            & $loops[$name]
            $blockTimes[$name].Add($sw.Elapsed.TotalSeconds)
        }
    }
    $bare.Dispose(); $same.Dispose()

    function Get-Median([double[]] $values) {
        $sorted = @($values | Sort-Object)
        $sorted[[int][math]::Floor($sorted.Count / 2)]
    }
    $result = [ordered]@{ Requests = $Requests; Rounds = $Rounds; Block = $Block }
    foreach ($name in $loops.Keys) {
        $median = Get-Median $blockTimes[$name]
        $result["${name}Rate"] = $Block / $median
        $result["${name}Us"] = $median * 1e6 / $Block
    }
    # The Cmdlet's share of the Bare rate, round by round (each round's median blocks).
    $shares = for ($r = 0; $r -lt $Rounds; $r++) {
        $first = $r * $blocksPerRound
        (Get-Median $blockTimes.Bare.GetRange($first, $blocksPerRound)) / (Get-Median $blockTimes.Cmdlet.GetRange($first, $blocksPerRound))
    }
    $result.CmdletShareLow = ($shares | Measure-Object -Minimum).Minimum
    $result.CmdletShareHigh = ($shares | Measure-Object -Maximum).Maximum
    [pscustomobject]$result
}
finally {
    Stop-FineTuningEmulator
}
