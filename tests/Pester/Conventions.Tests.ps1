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

    # Ids are what people copy out of a table, so they must show whole, in OpenAI's form and in Azure's (longer).
    It 'shows a <Kind> id and its creation time whole in 120 columns' -ForEach @(
        @{ Kind = 'OpenAI job'; Make = { [FineTuning.Client.FineTuningJob]@{ Id = 'ftjob-mJP5PgIEaFxN4jpMHIcCKMmQ'; Status = 'validating_files'; Model = 'gpt-4.1-mini-2025-04-14'; CreatedAt = [DateTimeOffset]'2026-11-30T08:15:00Z' } } }
        @{ Kind = 'Azure job'; Make = { [FineTuning.Client.FineTuningJob]@{ Id = 'ftjob-0f4191f0c59a4256b7a797a3d9eed219'; Status = 'succeeded'; Model = 'gpt-4o-mini-2024-07-18'; FineTunedModel = 'gpt-4o-mini-2024-07-18.ft-0f4191f0c59a4256b7a797a3d9eed219-support'; CreatedAt = [DateTimeOffset]'2026-11-30T08:15:00Z' } } }
        @{ Kind = 'OpenAI file'; Make = { [FineTuning.Client.FineTuningFile]@{ Id = 'file-6SGMqxPz9QJP2KnXMXg1JxAB'; Filename = 'customer-support-conversations-2026-train.jsonl'; Purpose = 'fine-tune-results'; Bytes = 8589934592; Status = 'processed'; CreatedAt = [DateTimeOffset]'2026-11-30T08:15:00Z' } } }
        @{ Kind = 'Azure file'; Make = { [FineTuning.Client.FineTuningFile]@{ Id = 'file-0f4191f0c59a4256b7a797a3d9eed219'; Filename = 'train.jsonl'; Purpose = 'fine-tune'; Bytes = 6622; Status = 'processed'; CreatedAt = [DateTimeOffset]'2026-11-30T08:15:00Z' } } }
    ) {
        $item = & $Make
        $lines = ($item | Out-String -Width 120) -split "`r?`n" | Where-Object { $_.Trim() }
        $lines | Where-Object { $_.Length -gt 120 } | Should -BeNullOrEmpty
        $row = $lines[-1]
        $row | Should -Match ([regex]::Escape($item.Id) + '\s') -Because 'the id must not be cut short'
        $row | Should -Match ([regex]::Escape($item.Status)) -Because 'the status must show whole'
        $row | Should -Match ([regex]::Escape($item.CreatedAt.LocalDateTime.ToString('yyyy-MM-dd HH:mm')) + '$') -Because 'the time it was made must show whole'
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
        $lines | Where-Object { $_ -match 'AbCd1234\s+model\s+True' } | Should -Not -BeNullOrEmpty
        $lines | Where-Object { $_ -match 'AdditionalProperties' } | Should -BeNullOrEmpty
    }
}
