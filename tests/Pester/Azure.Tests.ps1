# The module's Azure OpenAI connection, end to end against the emulator's Azure dialect on a loopback port.
BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'Azure OpenAI connections against the emulator' -ForEach @(
    @{ Form = 'dated API (api-version)'; ApiVersion = '2025-04-01-preview' }
    @{ Form = 'v1 API'; ApiVersion = $null }
) {
    BeforeAll {
        $script:key = 'azure-key-' + [guid]::NewGuid().ToString('n')
        $script:emu = FineTuning\Start-FineTuningEmulator -Port 0 -ManualClock -NoConnect -ApiKey (ConvertTo-SecureString $key -AsPlainText -Force)
        $endpoint = "http://127.0.0.1:$($emu.Port)"
        $p = @{ Azure = $true; Endpoint = $endpoint; ApiKey = (ConvertTo-SecureString $key -AsPlainText -Force); PassThru = $true }
        if ($ApiVersion) { $p.ApiVersion = $ApiVersion }
        $script:conn = Connect-FineTuningService @p
    }
    AfterAll {
        Disconnect-FineTuningService
        FineTuning\Stop-FineTuningEmulator
    }

    It 'builds the <Form> address' {
        $conn.Kind | Should -Be 'AzureOpenAI'
        $conn.Authentication | Should -Be 'ApiKeyHeader'
        if ($ApiVersion) { $conn.BaseUri.AbsolutePath | Should -Be '/openai' } else { $conn.BaseUri.AbsolutePath | Should -Be '/openai/v1' }
    }

    It 'uploads, creates, reads, lists and cancels jobs through the <Form>' {
        $file = Add-FineTuningFile (New-TestDataset -Count 10)
        $file.Id | Should -Match '^file-'
        $job = $file | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Suffix azure
        $job.Id | Should -Match '^ftjob-[0-9a-f]{32}$'   # Azure's job ids
        (Get-FineTuningJob $job.Id).Id | Should -Be $job.Id
        (Get-FineTuningJob).Id | Should -Contain $job.Id
        (Stop-FineTuningJob $job.Id -Force).Status | Should -Be 'cancelled'
        (Get-FineTuningEvent $job.Id -First 1).Message | Should -Match 'cancel'
    }

    It 'lists and deletes the fine-tuned model a job made, with Azure''s name and fields, through the <Form>' {
        $file = Add-FineTuningFile (New-TestDataset -Count 10)
        $job = $file | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Suffix azmodel
        for ($i = 0; $i -lt 400 -and (Get-FineTuningJob $job.Id).Status -ne 'succeeded'; $i++) { $emu.Emulator.Clock.Advance([TimeSpan]::FromSeconds(15)) }
        $done = Get-FineTuningJob $job.Id
        $done.FineTunedModel | Should -Match '^gpt-4o-mini-2024-07-18\.ft-[0-9a-f]{32}-azmodel$'
        $model = Get-FineTuningModel -FineTuned | Where-Object Id -eq $done.FineTunedModel
        $model.IsFineTuned | Should -BeTrue
        $model.FineTune | Should -Be $job.Id
        $model.BaseModel | Should -Be 'gpt-4o-mini-2024-07-18'
        $model.Status | Should -Be 'succeeded'
        (Get-FineTuningModel -FineTuned).Id | Should -Not -Contain 'gpt-4o-mini-2024-07-18'
        ($done | Remove-FineTuningModel -Force -PassThru).Deleted | Should -BeTrue
        (Get-FineTuningModel).Id | Should -Not -Contain $done.FineTunedModel
    }

    It 'deletes finished jobs through the <Form>, after -WhatIf changed nothing' {
        $file = Add-FineTuningFile (New-TestDataset -Count 10)
        $jobs = 1..2 | ForEach-Object { $file | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 | Stop-FineTuningJob -Force }
        $before = $emu.Emulator.JobCount
        $jobs | Remove-FineTuningJob -WhatIf
        $emu.Emulator.JobCount | Should -Be $before
        $results = @($jobs | Remove-FineTuningJob -Force -PassThru)
        $results | Should -HaveCount 2
        $results.Deleted | Should -Be @($true, $true)
        $results.Id | Should -Be $jobs.Id
        $results[0].Object | Should -Be 'fine_tuning.job'
        $emu.Emulator.JobCount | Should -Be ($before - 2)
        Get-FineTuningJob $jobs[0].Id -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'JobNotFound,*'
    }

    It 'refuses to delete an unfinished job with InvalidJobState and goes on with the rest, through the <Form>' {
        $file = Add-FineTuningFile (New-TestDataset -Count 10)
        $live = $file | New-FineTuningJob -Model gpt-4o-mini-2024-07-18
        $done = $file | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 | Stop-FineTuningJob -Force
        $out = Remove-FineTuningJob $live.Id, 'ftjob-nothere', $done.Id -Force -PassThru -ErrorVariable errs -ErrorAction SilentlyContinue
        @($out).Id | Should -Be $done.Id
        $errs | Should -HaveCount 2
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InvalidJobState,*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $errs[0].TargetObject | Should -Be $live.Id
        $errs[0].Exception.Message | Should -Match 'Cancel it first'
        $errs[1].FullyQualifiedErrorId | Should -BeLike 'JobNotFound,*'
        (Get-FineTuningJob $live.Id).Id | Should -Be $live.Id
    }

    It 'gets the service''s 401 with a wrong api-key, without showing either key' {
        $p = @{ Azure = $true; Endpoint = "http://127.0.0.1:$($emu.Port)"; ApiKey = (ConvertTo-SecureString 'wrong-azure-key-1234' -AsPlainText -Force); PassThru = $true }
        if ($ApiVersion) { $p.ApiVersion = $ApiVersion }
        $wrong = Connect-FineTuningService @p
        Get-FineTuningJob -Connection $wrong -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        ($e[0] | Out-String) | Should -Not -Match 'wrong-azure-key'
        ($e[0] | Out-String) | Should -Not -Match $key
    }
}
