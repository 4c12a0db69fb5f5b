# The module's Azure OpenAI connection, end to end against the emulator's Azure dialect on a loopback port.
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '',
    Justification = 'The keys are made up by the test for the emulator; the cmdlets take them as SecureString.')]
param()

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

Describe 'Import-FineTuningFile: Azure OpenAI downloads a file from a URL' {
    BeforeAll {
        # No key on this emulator, so that its own /v1/files/{id}/content can stand in for a blob behind a SAS URL.
        $script:emu = FineTuning\Start-FineTuningEmulator -Port 0 -ManualClock -NoConnect
        $script:source = Add-FineTuningFile (New-TestDataset -Count 12) -Connection $emu.Connection
        $script:sig = 'SasSig' + [guid]::NewGuid().ToString('n')
        $script:url = "$($emu.BaseUri)/files/$($source.Id)/content?sv=2024-05-04&sp=r&sig=$sig"
        $script:azure = Connect-FineTuningService -Azure -Endpoint "http://127.0.0.1:$($emu.Port)" -ApiKey (ConvertTo-SecureString 'unused-key' -AsPlainText -Force) -PassThru
    }
    AfterAll {
        Disconnect-FineTuningService
        FineTuning\Stop-FineTuningEmulator
    }

    It 'makes a file with the downloaded content, named as asked, that a job can train on' {
        $file = Import-FineTuningFile $url -FileName imported.jsonl
        $file | Should -BeOfType ([FineTuning.Client.FineTuningFile])
        $file.Id | Should -Not -Be $source.Id
        $file.Filename | Should -Be 'imported.jsonl'
        $file.Purpose | Should -Be 'fine-tune'
        $file.Bytes | Should -Be $source.Bytes
        $copy = Join-Path $TestDrive 'copy.jsonl'
        Save-FineTuningFile $file.Id $copy | Out-Null
        (Get-FileHash $copy).Hash | Should -Be (Get-FileHash (Join-Path $TestDrive $source.Filename)).Hash
        ($file | New-FineTuningJob -Model gpt-4o-mini-2024-07-18).TrainingFile | Should -Be $file.Id
    }

    It 'takes URLs and names from the pipeline, as objects (Import-Csv) or as strings' {
        $rows = @(
            [pscustomobject]@{ Uri = $url; FileName = 'row-a.jsonl' }
            [pscustomobject]@{ ContentUrl = $url; FileName = 'row-b.jsonl' }
        )
        ($rows | Import-FineTuningFile).Filename | Should -Be @('row-a.jsonl', 'row-b.jsonl')
        ($url | Import-FineTuningFile -FileName piped.jsonl).Filename | Should -Be 'piped.jsonl'
    }

    It 'names the file after the last segment of the URL''s path by default' {
        $blob = "$($emu.BaseUri)/files/$($source.Id)/content"   # the name would be 'content': not a .jsonl file
        $err = $null
        try { Import-FineTuningFile "${blob}?sig=$sig" -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidFileName,*'
        $err.Exception.Message | Should -Match "'content'"
    }

    It 'with -WhatIf imports nothing' {
        $before = $emu.Emulator.FileCount
        Import-FineTuningFile $url -FileName whatif.jsonl -WhatIf | Should -BeNullOrEmpty
        $emu.Emulator.FileCount | Should -Be $before
    }

    It 'reports a URL the service cannot read as FileImportFailed, without the signature' {
        $missing = "$($emu.BaseUri)/files/file-gone/content?sig=$sig"
        Import-FineTuningFile $missing -FileName gone.jsonl -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'FileImportFailed,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ReadError'
        $errs[0].Exception.Message | Should -Match '404'
        $errs[0].ErrorDetails.RecommendedAction | Should -Match 'SAS'
        ($errs[0] | Out-String) + $errs[0].Exception.ToString() + $errs[0].TargetObject | Should -Not -Match $sig
    }

    It 'refuses a URL that is not http or https, naming the parameter, before any request' {
        $before = $emu.Emulator.FileCount
        Import-FineTuningFile 'ftp://files.example.com/train.jsonl' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InvalidUri,*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $emu.Emulator.FileCount | Should -Be $before
    }

    It 'never writes the signature to any stream' {
        $all = & {
            Import-FineTuningFile $url -FileName loud.jsonl -Verbose -Debug
            Import-FineTuningFile "$($emu.BaseUri)/files/file-gone/content?sig=$sig" -FileName x.jsonl -Verbose -Debug -ErrorAction Continue
        } *>&1 | Out-String -Width 400
        $all | Should -Match 'files/import'
        # The confirmation text (what -WhatIf prints) and the logged request body show the URL up to its query.
        $all | Should -Match ([regex]::Escape("Performing the operation `"Import file`" on target `"$($emu.BaseUri)/files/$($source.Id)/content?... as 'loud.jsonl'"))
        $all | Should -Match ([regex]::Escape("`"content_url`":`"$($emu.BaseUri)/files/$($source.Id)/content?...`""))
        $all | Should -Not -Match $sig
        ($Error | Out-String) | Should -Not -Match $sig
    }

    It 'gives the file a lifetime within Azure''s range (14 to 30 days), and refuses a shorter one before any request' {
        $file = Import-FineTuningFile $url -FileName kept-two-weeks.jsonl -ExpiresAfterSec 1209600
        $file.ExpiresAt | Should -Be $file.CreatedAt.AddDays(14)
        $before = $emu.Emulator.FileCount
        $err = $null
        try { Import-FineTuningFile $url -FileName brief.jsonl -ExpiresAfterSec 3600 -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidExpiresAfterSec,*'
        $err.Exception.Message | Should -Match '14 days'
        $emu.Emulator.FileCount | Should -Be $before
    }

    It 'is refused on an OpenAI connection before any request' {
        $before = $emu.Emulator.FileCount
        $err = $null
        try { Import-FineTuningFile $url -FileName x.jsonl -Connection $emu.Connection -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'NotSupportedByService,*'
        $err.Exception.Message | Should -Match 'Add-FineTuningFile'
        $emu.Emulator.FileCount | Should -Be $before
    }
}
