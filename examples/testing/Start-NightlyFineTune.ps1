# An example of a user's own automation script: upload the night's data, start a job, wait for it,
# and report the outcome as an object a scheduler can log. docs/testing-with-the-emulator.md shows
# how to test it with Pester against the emulator. It changes state (an upload, a billed job), so it
# supports -WhatIf and -Confirm like the cmdlets it calls: one question for the whole run.
function Start-NightlyFineTune {
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)] [string] $DataPath,
        [string] $Model = 'gpt-4o-mini-2024-07-18',
        [int] $TimeoutSec = 3600
    )
    if (-not $PSCmdlet.ShouldProcess($DataPath, "Upload and fine-tune $Model on it")) { return }
    $file = Add-FineTuningFile -Path $DataPath -Confirm:$false -ErrorAction Stop
    $job = $file | New-FineTuningJob -Model $Model -Suffix nightly -Metadata @{ source = 'nightly' } -Confirm:$false -ErrorAction Stop
    $final = Wait-FineTuningJob -Id $job.Id -TimeoutSec $TimeoutSec -ErrorVariable waitErrors -ErrorAction SilentlyContinue
    [pscustomobject]@{
        JobId  = $job.Id
        Status = $final.Status
        Model  = $final.FineTunedModel
        Error  = if ($final.Error) { $final.Error.Code } elseif ($waitErrors) { $waitErrors[0].FullyQualifiedErrorId.Split(',')[0] }
    }
}
