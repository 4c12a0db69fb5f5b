<#
.SYNOPSIS
    A fine-tuning job from upload to a fine-tuned model, on the module's built-in emulator.
.DESCRIPTION
    Runs offline: Start-FineTuningEmulator makes the session's connection a local emulator of the
    fine-tuning service, so every cmdlet below talks to it exactly as it would to the real service.
    Point the session at OpenAI or Azure OpenAI with Connect-FineTuningService to run the same steps
    for real.
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '',
    Justification = 'The demo narrates to the console: its step headings are for the reader, not output to pipe on.')]
param(
    # The built module folder (build.ps1 passes out/FineTuning/<version>).
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/FineTuning/0.1.0')
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModulePath 'FineTuning.psd1') -Force

function Show-Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }

Show-Step 'Start the emulator: with -TimeScale 600 a job takes a 600th of its time on the service, so ten minutes of training take a second here (the times it reports are real clock times)'
Start-FineTuningEmulator -TimeScale 600 -Seed 7 | Format-Table

Show-Step 'Upload the training and validation files'
$train = Add-FineTuningFile (Join-Path $PSScriptRoot 'data/train.jsonl')
$valid = Add-FineTuningFile (Join-Path $PSScriptRoot 'data/validation.jsonl')
$train, $valid | Format-Table

Show-Step 'Create a supervised job and wait for it (progress shows the step and the loss)'
$job = $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -ValidationFile $valid -Suffix demo -Epochs 3 -Seed 42 -Metadata @{ team = 'docs' } -Wait
$job | Format-List Id, Status, Model, FineTunedModel, TrainedTokens, Duration

Show-Step 'What the service said last, oldest first'
# The service lists events newest first; at 600 times the speed many share a second, so keep its order rather than sort by time.
$events = @(Get-FineTuningEvent $job.Id | Select-Object -First 8)
[array]::Reverse($events)
$events | Format-Table

Show-Step 'Its loss curves: training (*) and validation (o), step by step'
$job | Get-FineTuningMetric | Show-FineTuningMetric -Width 100 -Height 12

Show-Step 'The checkpoints it kept'
Get-FineTuningCheckpoint $job.Id | Format-Table

Show-Step 'The model it made, as the service lists it'
$job | Get-FineTuningModel | Format-Table

Show-Step 'Jobs of the team, found by metadata'
Get-FineTuningJob -Metadata @{ team = 'docs' } | Format-Table

Stop-FineTuningEmulator
Write-Host "`nDone: $($job.FineTunedModel)" -ForegroundColor Green
