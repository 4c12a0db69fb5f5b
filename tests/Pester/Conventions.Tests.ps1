BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # Every type the module's cmdlets declare they write, except .NET's own (PowerShell formats those).
    $script:types = Get-Command -Module FineTuning -CommandType Cmdlet |
        ForEach-Object { $_.OutputType.Type } |
        Where-Object { $_ -and $_.Namespace -like 'FineTuning*' } |
        Sort-Object FullName -Unique |
        ForEach-Object { @{ Name = $_.FullName } }
    # Cmdlets whose verb changes something on the service or on disk; the emulator's own controls are test tools.
    $script:changing = Get-Command -Module FineTuning -CommandType Cmdlet |
        Where-Object { $_.Verb -in 'Add', 'Import', 'New', 'Remove', 'Stop', 'Suspend', 'Resume', 'Save', 'Grant', 'Revoke', 'Set' -and $_.Noun -notlike '*Emulator*' } |
        ForEach-Object { @{ Name = $_.Name } }
}

BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'Cmdlets that change something' {
    It 'finds them' {
        $changing.Count | Should -BeGreaterThan 8
    }

    It '<Name> supports -WhatIf and -Confirm' -ForEach $changing {
        $command = Get-Command $Name
        $command.Parameters.Keys | Should -Contain 'WhatIf'
        $command.Parameters.Keys | Should -Contain 'Confirm'
    }
}

Describe 'Default views of what the cmdlets write' {
    It 'finds the module''s output types' {
        $types.Count | Should -BeGreaterThan 10
    }

    It 'shows <Name> as a table by default' -ForEach $types {
        # A dataset report is one object read top to bottom: a list, by design.
        $expected = if ($Name -eq 'FineTuning.Datasets.DatasetReport') { [System.Management.Automation.ListControl] } else { [System.Management.Automation.TableControl] }
        $data = Get-FormatData -TypeName $Name
        $data | Should -Not -BeNullOrEmpty -Because "$Name needs a view in FineTuning.Format.ps1xml"
        $data.FormatViewDefinition[0].Control | Should -BeOfType $expected
    }

    # Ids are what people copy out of a table, so they must show whole, in OpenAI's form and in Azure's (longer);
    # so must the status and what a job made. Values as the two services write them.
    It 'shows a <Kind> whole on one line in 120 columns, and its id and status whole in 80 with nothing cut' -ForEach @(
        @{ Kind = 'OpenAI job'; Make = { [FineTuning.Client.FineTuningJob]@{ Id = 'ftjob-mJP5PgIEaFxN4jpMHIcCKMmQ'; Status = 'succeeded'; Model = 'gpt-4o-mini-2024-07-18'; FineTunedModel = 'ft:gpt-4o-mini-2024-07-18:org-emulator:support:AbCd1234'; CreatedAt = [DateTimeOffset]'2026-11-30T08:15:00Z' } }; Whole = 'Id', 'Status', 'FineTunedModel' }
        @{ Kind = 'OpenAI job still validating'; Make = { [FineTuning.Client.FineTuningJob]@{ Id = 'ftjob-mJP5PgIEaFxN4jpMHIcCKMmQ'; Status = 'validating_files'; Model = 'gpt-4.1-mini-2025-04-14'; CreatedAt = [DateTimeOffset]'2026-11-30T08:15:00Z' } }; Whole = 'Id', 'Status' }
        @{ Kind = 'Azure job'; Make = { [FineTuning.Client.FineTuningJob]@{ Id = 'ftjob-0f4191f0c59a4256b7a797a3d9eed219'; Status = 'succeeded'; Model = 'gpt-4o-mini-2024-07-18'; FineTunedModel = 'gpt-4o-mini-2024-07-18.ft-0f4191f0c59a4256b7a797a3d9eed219-support'; CreatedAt = [DateTimeOffset]'2026-11-30T08:15:00Z' } }; Whole = 'Id', 'Status', 'FineTunedModel' }
        @{ Kind = 'OpenAI file'; Make = { [FineTuning.Client.FineTuningFile]@{ Id = 'file-6SGMqxPz9QJP2KnXMXg1JxAB'; Filename = 'step_metrics.csv'; Purpose = 'fine-tune-results'; Bytes = 8589934592; Status = 'processed'; CreatedAt = [DateTimeOffset]'2026-11-30T08:15:00Z' } }; Whole = 'Id', 'Purpose', 'Bytes', 'Filename' }
        @{ Kind = 'OpenAI file with a long name'; Make = { [FineTuning.Client.FineTuningFile]@{ Id = 'file-6SGMqxPz9QJP2KnXMXg1JxAB'; Filename = 'customer-support-conversations-2026-train.jsonl'; Purpose = 'fine-tune'; Bytes = 123456789; Status = 'processed'; CreatedAt = [DateTimeOffset]'2026-11-30T08:15:00Z' } }; Whole = 'Id', 'Purpose', 'Bytes', 'Filename' }
        @{ Kind = 'Azure file'; Make = { [FineTuning.Client.FineTuningFile]@{ Id = 'file-0f4191f0c59a4256b7a797a3d9eed219'; Filename = 'train.jsonl'; Purpose = 'fine-tune'; Bytes = 6622; Status = 'processed'; CreatedAt = [DateTimeOffset]'2026-11-30T08:15:00Z' } }; Whole = 'Id', 'Purpose', 'Bytes', 'Filename' }
    ) {
        $item = & $Make
        foreach ($width in 120, 80) {
            $lines = @(($item | Out-String -Width $width) -split "`r?`n" | Where-Object { $_.Trim() })
            $lines | Where-Object { $_.Length -gt $width } | Should -BeNullOrEmpty -Because "the table must fit $width columns"
            $row = $lines | Where-Object { $_.StartsWith($item.Id) }
            $row | Should -Not -BeNullOrEmpty -Because "the id must show whole at $width columns"
            foreach ($name in $Whole) {
                $value = "$($item.$name)"
                if ($width -eq 120 -or $name -in 'Id', 'Status', 'Purpose', 'Bytes') {
                    $row | Should -Match ('(^|\s)' + [regex]::Escape($value) + '(\s|$)') -Because "$name must show whole on the row at $width columns"
                }
                else {
                    # A long name may wrap inside its column at 80, but never loses a character.
                    (($lines | Select-Object -Skip 2) -join '' -replace '\s', '') | Should -Match ([regex]::Escape($value)) -Because "$name must show whole at $width columns"
                }
            }
        }
    }

    It 'keeps the rest of a <Kind> in the Details view, whole in 80 columns' -ForEach @(
        @{ Kind = 'job'; Make = { [FineTuning.Client.FineTuningJob]@{ Id = 'ftjob-0f4191f0c59a4256b7a797a3d9eed219'; Status = 'succeeded'; Model = 'gpt-4o-mini-2024-07-18'; FineTunedModel = 'gpt-4o-mini-2024-07-18.ft-0f4191f0c59a4256b7a797a3d9eed219-support'; CreatedAt = [DateTimeOffset]'2026-11-30T08:15:00Z'; TrainedTokens = 3741 } }; Shown = @{ Model = 'gpt-4o-mini-2024-07-18'; TrainedTokens = '3,741' } }
        @{ Kind = 'file'; Make = { [FineTuning.Client.FineTuningFile]@{ Id = 'file-0f4191f0c59a4256b7a797a3d9eed219'; Filename = 'train.jsonl'; Purpose = 'fine-tune'; Bytes = 6622; Status = 'processed'; CreatedAt = [DateTimeOffset]'2026-11-30T08:15:00Z' } }; Shown = @{ Status = 'processed' } }
    ) {
        $item = & $Make
        $text = $item | Format-List -View Details | Out-String -Width 80
        $text | Should -Match ('Created\s+: ' + [regex]::Escape($item.CreatedAt.LocalDateTime.ToString('yyyy-MM-dd HH:mm')))
        foreach ($key in $Shown.Keys) { $text | Should -Match ($key + '\s+: ' + [regex]::Escape($Shown[$key])) }
        ($text -split "`r?`n") | Where-Object { $_.Length -gt 80 } | Should -BeNullOrEmpty
    }

    # The other tables wrap their longest column instead of cutting it: nothing a user copies loses a character.
    It 'never cuts a <Kind> at 120 or 80 columns' -ForEach @(
        @{ Kind = 'checkpoint in Azure''s form'; Make = { [FineTuning.Client.FineTuningCheckpoint]@{ Id = 'ftckpt_zc4Q7MP6XxulcVzj4MZdwsAB'; StepNumber = 1200; CreatedAt = [DateTimeOffset]'2026-11-30T08:15:00Z'; FineTunedModelCheckpoint = 'gpt-4.1-mini-2025-04-14.ft-0f4191f0c59a4256b7a797a3d9eed219-sup:ckpt-step-1200'; Metrics = [FineTuning.Client.StepMetrics]@{ TrainLoss = 1.9927; ValidLoss = 7.3799 } } }; Whole = 'FineTunedModelCheckpoint' }
        @{ Kind = 'fine-tuned model'; Make = { [FineTuning.Client.FineTuningModel]@{ Id = 'ft:gpt-4o-mini-2024-07-18:org-emulator:demo:Q3RUVUz3'; Created = [DateTimeOffset]'2026-11-30T08:15:00Z'; OwnedBy = 'org-emulator' } }; Whole = 'Id', 'OwnedBy' }
        @{ Kind = 'model in Azure''s form'; Make = { [FineTuning.Client.FineTuningModel]@{ Id = 'gpt-4.1-mini-2025-04-14.ft-0f4191f0c59a4256b7a797a3d9eed219-support'; Created = [DateTimeOffset]'2026-11-30T08:15:00Z'; OwnedBy = 'organization-owner' } }; Whole = 'Id', 'OwnedBy' }
        @{ Kind = 'event with a long message'; Make = { [FineTuning.Client.FineTuningEvent]@{ Id = 'ftevent-abc'; CreatedAt = [DateTimeOffset]'2026-11-30T08:15:00Z'; Level = 'error'; Type = 'message'; Message = 'The job failed due to an invalid training file. Line 12, key "messages": every example needs an assistant message to learn from.' } }; Whole = 'Message' }
        @{ Kind = 'deleted Azure model'; Make = { [FineTuning.Client.DeletionResult]@{ Id = 'gpt-4.1-mini-2025-04-14.ft-0f4191f0c59a4256b7a797a3d9eed219-support'; Object = 'model'; Deleted = $true } }; Whole = 'Id' }
        @{ Kind = 'dataset finding'; Make = { [FineTuning.Datasets.DatasetFinding]::new(12, 'Error', 'MissingAssistantMessage', 'The example has no assistant message, so there is nothing to learn from. Add one after the last user message.', 'messages') }; Whole = 'Message' }
        @{ Kind = 'checkpoint permission'; Make = { [FineTuning.Client.FineTuningCheckpointPermission]@{ Id = 'cp_zc4Q7MP6XxulcVzj4MZdwsAB'; ProjectId = 'proj_AbCdEfGhIjKlMnOpQrStUvWx'; CreatedAt = [DateTimeOffset]'2026-11-30T08:15:00Z'; Checkpoint = 'ft:gpt-4o-mini-2024-07-18:org-emulator:demo:MlFtuMRs:ckpt-step-40' } }; Whole = 'Id', 'ProjectId'; Whole120 = 'Checkpoint' }
    ) {
        $item = & $Make
        foreach ($width in 120, 80) {
            $text = $item | Out-String -Width $width
            $lines = @($text -split "`r?`n" | Where-Object { $_.Trim() })
            $lines | Where-Object { $_.Length -gt $width } | Should -BeNullOrEmpty -Because "the table must fit $width columns"
            $text | Should -Not -Match ([regex]::Escape([string][char]0x2026)) -Because "nothing is cut at $width columns"
            $body = ($lines | Select-Object -Skip 2) -join '' -replace '\s', ''
            foreach ($name in @($Whole) + @(if ($width -eq 120) { $Whole120 })) {
                if (-not $name) { continue }
                $body | Should -Match ([regex]::Escape(("$($item.$name)" -replace '\s', ''))) -Because "$name must show whole at $width columns"
            }
        }
    }

    It 'shows a checkpoint''s model name whole in 120 columns, in Azure''s longer form too' {
        $checkpoint = [FineTuning.Client.FineTuningCheckpoint]@{
            Id = 'ftckpt_zc4Q7MP6XxulcVzj4MZdwsAB'; StepNumber = 1200; CreatedAt = [DateTimeOffset]'2026-11-30T08:15:00Z'
            FineTunedModelCheckpoint = 'gpt-4.1-mini-2025-04-14.ft-0f4191f0c59a4256b7a797a3d9eed219-sup:ckpt-step-1200'
            Metrics = [FineTuning.Client.StepMetrics]@{ TrainLoss = 12.3456; ValidLoss = 0.5 }
        }
        $lines = ($checkpoint | Out-String -Width 120) -split "`r?`n" | Where-Object { $_.Trim() }
        $lines[-1] | Should -Match ('^\s*1200\s+12\.3456\s+0\.5000 ' + [regex]::Escape($checkpoint.FineTunedModelCheckpoint) + '$')
    }

    It 'fits a deletion result in 120 columns' {
        $result = [FineTuning.Client.DeletionResult]@{ Id = 'ft:gpt-4o-mini-2024-07-18:acme:support:AbCd1234'; Object = 'model'; Deleted = $true }
        $lines = ($result | Out-String -Width 120) -split "`r?`n"
        $lines | Where-Object { $_ -match '^True\s+model\s+ft:gpt-4o-mini-2024-07-18:acme:support:AbCd1234$' } | Should -Not -BeNullOrEmpty
        $lines | Where-Object { $_ -match 'AdditionalProperties' } | Should -BeNullOrEmpty
    }
}
