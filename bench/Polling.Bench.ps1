<#
.SYNOPSIS
    Requests per job-hour that waiting for fine-tuning jobs costs, under three polling strategies, measured against
    the emulator on a manual clock.
.DESCRIPTION
    Each case starts an in-process emulator whose clock stands still, creates $Jobs jobs at once on the same
    training file (sized so that a job trains for about an hour of the emulator's time), and then plays the wait:
    every round makes the requests the strategy makes, really, against the emulator; then the clock is moved on by
    the strategy's next interval instead of sleeping. So the emulator's own job timeline (queue, validation,
    training, estimated_finish) decides when the jobs end, and the requests are counted as they are sent.

    Strategies:
      Fixed      a GET per job every second (what a plain polling loop at the old default costs).
      Previous   the module's wait before adaptive polling: a GET per job per round, one job after another, the
                 interval growing by half from 1 s up to 30 s.
      Adaptive   the module's wait now (Wait-FineTuningJob): PollSchedule from 1 s up to 60 s, quick again near
                 the soonest estimated_finish; several jobs in one loop, one list request per round.
    With -Progress, each round also asks for each unfinished job's latest events, as the progress bar does when it
    is shown (the module skips these when progress is not shown).

    Writes one object per case: strategy, jobs, job-hours, status requests, events requests, and requests per
    job-hour; and how late the last job's end was seen.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/FineTuning/0.1.0'),
    [int[]] $Jobs = @(1, 20),
    [int] $Examples = 1500
)
$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path (Join-Path $ModulePath 'FineTuning.psd1')).Path -Force

$path = Join-Path ([System.IO.Path]::GetTempPath()) "ft-poll-bench-$PID.jsonl"
$lines = 1..$Examples | ForEach-Object {
    '{"messages":[{"role":"user","content":"Question number ' + $_ + ' asks about the weather in a city far away."},{"role":"assistant","content":"Answer number ' + $_ + ' says it is sunny there, with a light wind from the west."}]}'
}
[System.IO.File]::WriteAllLines($path, [string[]]$lines)

function Invoke-Case([string] $Strategy, [int] $Count, [bool] $Progress) {
    $emu = Start-FineTuningEmulator -ManualClock -Seed 7
    try {
        $client = (Get-FineTuningConnection).Client
        $clock = $emu.Emulator.Clock
        $file = Add-FineTuningFile $path -WarningAction SilentlyContinue
        $ids = @(1..$Count | ForEach-Object { (New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $file.Id -Epochs 3).Id })
        $pending = [System.Collections.Generic.List[string]]::new([string[]]$ids)
        $last = @{}
        $status = 0; $events = 0
        $interval = 1.0
        $schedule = [FineTuning.Client.PollSchedule]::new([TimeSpan]::FromSeconds(1), [TimeSpan]::FromSeconds(60), 1.5)
        $seenAt = @{}
        while ($pending.Count -gt 0) {
            $batch = $null
            if ($Strategy -eq 'Adaptive' -and $pending.Count -gt 1) {
                $batch = [FineTuning.Client.JobBatch]::FromListAsync($client, $pending.ToArray(), [Threading.CancellationToken]::None).GetAwaiter().GetResult()
                $status++
            }
            foreach ($id in @($pending)) {
                $job = $null
                if ($null -eq $batch -or -not $batch.TryGetValue($id, [ref] $job)) {
                    $job = $client.Jobs.GetAsync($id, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
                    $status++
                }
                $last[$id] = $job
                if ($job.Status -in 'succeeded', 'failed', 'cancelled') {
                    $null = $pending.Remove($id)
                    $seenAt[$id] = $clock.Now
                }
                elseif ($Progress) {
                    $null = $client.Jobs.ListEventsAsync($id, $null, 10, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
                    $events++
                }
            }
            if ($pending.Count -eq 0) { break }
            $next = switch ($Strategy) {
                'Fixed' { [TimeSpan]::FromSeconds(1) }
                'Previous' { $d = [TimeSpan]::FromSeconds($interval); $interval = [math]::Min(30, $interval * 1.5); $d }
                'Adaptive' {
                    $soonest = @($pending | ForEach-Object { $last[$_].EstimatedFinish } | Where-Object { $_ } | Sort-Object) | Select-Object -First 1
                    $schedule.Next($clock.Now, $soonest)
                }
            }
            $clock.Advance($next)
        }
        $hours = 0.0; $late = 0.0
        foreach ($id in $ids) {
            $j = $last[$id]
            $hours += ($j.FinishedAt - $j.CreatedAt).TotalHours
            $late = [math]::Max($late, ($seenAt[$id] - $j.FinishedAt).TotalSeconds)
        }
        [pscustomobject]@{
            Strategy          = $Strategy
            Jobs              = $Count
            Progress          = $Progress
            JobHours          = [math]::Round($hours, 2)
            StatusRequests    = $status
            EventsRequests    = $events
            RequestsPerJobHour = [math]::Round(($status + $events) / $hours, 1)
            LatestSeenAfterEndSec = [math]::Round($late, 1)
        }
    }
    finally {
        Stop-FineTuningEmulator
    }
}

try {
    foreach ($count in $Jobs) {
        foreach ($progress in $false, $true) {
            foreach ($strategy in 'Fixed', 'Previous', 'Adaptive') {
                Invoke-Case $strategy $count $progress
            }
        }
    }
}
finally {
    Remove-Item $path -ErrorAction SilentlyContinue
}
