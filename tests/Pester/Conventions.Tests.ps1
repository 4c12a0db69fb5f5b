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

    It 'fits a deletion result in 120 columns' {
        $result = [FineTuning.Client.DeletionResult]@{ Id = 'ft:gpt-4o-mini-2024-07-18:acme:support:AbCd1234'; Object = 'model'; Deleted = $true }
        $lines = ($result | Out-String -Width 120) -split "`r?`n"
        $lines | Where-Object { $_ -match 'AbCd1234\s+model\s+True' } | Should -Not -BeNullOrEmpty
        $lines | Where-Object { $_ -match 'AdditionalProperties' } | Should -BeNullOrEmpty
    }
}
