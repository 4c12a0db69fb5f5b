# Pester tests of Start-NightlyFineTune.ps1 against the FineTuning emulator: no network, no key, no cost.
BeforeAll {
    if ($env:FINETUNING_MODULE_PATH) { Import-Module (Join-Path $env:FINETUNING_MODULE_PATH 'FineTuning.psd1') -Force }
    else { Import-Module FineTuning }
    . (Join-Path $PSScriptRoot 'Start-NightlyFineTune.ps1')

    # Twelve small chat examples: the service needs at least ten.
    $script:data = Join-Path $TestDrive 'nightly.jsonl'
    1..12 | ForEach-Object {
        @{ messages = @(
                @{ role = 'user'; content = "Ticket $_ : printer offline" }
                @{ role = 'assistant'; content = "Restart the spooler for ticket $_." }
            ) } | ConvertTo-Json -Depth 4 -Compress
    } | Set-Content -Path $data
}

Describe 'Start-NightlyFineTune' {
    BeforeEach {
        # A fresh emulator for each test; 10,000 times faster than real time, so jobs finish in moments.
        Start-FineTuningEmulator -TimeScale 10000 -Seed 1 | Out-Null
    }
    AfterEach { Stop-FineTuningEmulator }

    It 'reports the fine-tuned model when the job succeeds' {
        $result = Start-NightlyFineTune -DataPath $data
        $result.Status | Should -Be 'succeeded'
        $result.Model | Should -Match ':nightly:'
    }

    It 'rides out a rate limit: the module retries a 429' {
        # The next two requests to create a job are answered 429 with Retry-After: 0.1 s.
        Add-FineTuningEmulatorFault -StatusCode 429 -Count 2 -Method POST -Path '/fine_tuning/jobs' -RetryAfterSec 0.1
        $result = Start-NightlyFineTune -DataPath $data -WarningAction SilentlyContinue
        $result.Status | Should -Be 'succeeded'
    }

    It 'reports the service''s error code when the job fails' {
        # The next job created fails at its third training step.
        Add-FineTuningEmulatorFault -FailAtStep 3 -ErrorCode 'server_error' -ErrorMessage 'GPU fell over.'
        $result = Start-NightlyFineTune -DataPath $data
        $result.Status | Should -Be 'failed'
        $result.Error | Should -Be 'server_error'
    }

    It 'uploads nothing and starts no job with -WhatIf' {
        Start-NightlyFineTune -DataPath $data -WhatIf | Should -BeNullOrEmpty
        Get-FineTuningFile | Should -BeNullOrEmpty
        Get-FineTuningJob | Should -BeNullOrEmpty
    }

    It 'gives up on a persistent outage with a clear error' {
        Add-FineTuningEmulatorFault -StatusCode 503 -Count 10 -Path '/files'
        { Start-NightlyFineTune -DataPath $data -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'ServiceUnavailable,*'
    }
}
