<#
.SYNOPSIS
    64 clients x 100 operations in parallel against the emulator over loopback: throughput, and a check that
    nothing was lost or duplicated.
.DESCRIPTION
    Each client is a runspace with its own connection (its own HttpClient); operations mix job creation,
    reads, filtered lists, event pages and cancellations. Throughput counts operations between the first
    client's start and the last client's end.
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '',
    Justification = 'Progress notes go to the console so that the output stays the measured results alone.')]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Clients = 64,
    [int] $Operations = 100
)
$ErrorActionPreference = 'Stop'
$manifest = (Resolve-Path (Join-Path $ModulePath 'FineTuning.psd1')).Path
Import-Module $manifest -Force
$emu = Start-FineTuningEmulator -Port 0 -TimeScale 100000 -Seed 3 -NoConnect
try {
    $data = Join-Path ([IO.Path]::GetTempPath()) "ft-conc-$PID.jsonl"
    1..10 | ForEach-Object { '{"messages":[{"role":"user","content":"question ' + $_ + '"},{"role":"assistant","content":"answer ' + $_ + '"}]}' } | Set-Content $data
    $baseUri = $emu.BaseUri
    Write-Host "Concurrency benchmark: $Clients clients x $Operations operations..."
    $results = 1..$Clients | ForEach-Object -ThrottleLimit $Clients -Parallel {
        $c = $_
        $connection = [FineTuning.Client.FineTuningConnection]::Create([FineTuning.Client.ConnectionOptions]@{ Kind = 'Emulator'; BaseUri = $using:baseUri; MaxRetries = 0 })
        $client = $connection.Client
        $start = [DateTime]::UtcNow
        $file = $client.Files.UploadAsync($using:data, 'fine-tune', $null, $null, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
        $jobs = [System.Collections.Generic.List[string]]::new()
        $errors = 0
        $meta = [System.Collections.Generic.Dictionary[string, string]]::new(); $meta['client'] = "$c"
        for ($op = 1; $op -lt $using:Operations; $op++) {
            try {
                switch ($op % 4) {
                    1 {
                        $options = [FineTuning.Client.NewJobOptions]@{ Model = 'gpt-4o-mini-2024-07-18'; TrainingFile = $file.Id; Epochs = 1; BatchSize = 10; Metadata = $meta }
                        $jobs.Add($client.Jobs.CreateAsync($options.ToRequest(), [Threading.CancellationToken]::None).GetAwaiter().GetResult().Id)
                    }
                    2 { $null = $client.Jobs.GetAsync($jobs[-1], [Threading.CancellationToken]::None).GetAwaiter().GetResult() }
                    3 { $null = $client.Jobs.ListAsync($null, 5, $meta, [Threading.CancellationToken]::None).GetAwaiter().GetResult() }
                    default {
                        if ($op % 8 -eq 0) {
                            try { $null = $client.Jobs.CancelAsync($jobs[-1], [Threading.CancellationToken]::None).GetAwaiter().GetResult() }
                            catch [FineTuning.Client.FineTuningServiceException] { Write-Verbose "Already finished: $($_.Exception.Message)" }
                        } else { $null = $client.Jobs.ListEventsAsync($jobs[-1], $null, 5, [Threading.CancellationToken]::None).GetAwaiter().GetResult() }
                    }
                }
            } catch { $errors++ }
        }
        [pscustomobject]@{ Start = $start; End = [DateTime]::UtcNow; Jobs = $jobs.ToArray(); File = $file.Id; Errors = $errors }
        $connection.Dispose()
    }
    $elapsed = (($results.End | Measure-Object -Maximum).Maximum - ($results.Start | Measure-Object -Minimum).Minimum).TotalSeconds
    $created = @($results | ForEach-Object Jobs)
    $listed = @(Get-FineTuningJob -Connection $emu.Connection)
    $files = @(Get-FineTuningFile -Connection $emu.Connection -Purpose fine-tune)
    [pscustomobject]@{
        Clients = $Clients
        Operations = $Clients * $Operations
        Seconds = $elapsed
        OpsPerSecond = $Clients * $Operations / $elapsed
        Errors = ($results | Measure-Object Errors -Sum).Sum
        JobsCreated = $created.Count
        JobsListed = $listed.Count
        DuplicateJobs = $listed.Count - @($listed.Id | Sort-Object -Unique).Count
        MissingJobs = @($created | Where-Object { $_ -notin $listed.Id }).Count
        FilesCreated = $Clients
        FilesListed = $files.Count
    }
} finally {
    Stop-FineTuningEmulator
    Remove-Item $data -ErrorAction SilentlyContinue
}
