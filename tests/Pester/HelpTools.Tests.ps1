#Requires -Version 5.1
# The help builder's tools on made-up modules: the coverage check (Test-FineTuningHelpCoverage) and the page
# scaffolding of ./build.ps1 Docs (New-FineTuningHelpPage, Update-FineTuningHelpMarkdown).

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    Import-Module (Join-Path $script:Repo 'tools/HelpBuilder.psm1') -Force -ErrorAction Stop
    . (Join-Path $PSScriptRoot 'HelpFixtures.ps1')
}

Describe 'Test-FineTuningHelpCoverage against a fake module' {
    BeforeAll {
        $script:FakeRoot = Join-Path $TestDrive 'FakeHelpModule'
        New-Item -ItemType Directory -Path $script:FakeRoot | Out-Null
        $fake = @'
function Get-Widget {
    [CmdletBinding(DefaultParameterSetName = 'List')]
    param(
        [Parameter(ParameterSetName = 'ById', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('WidgetId', 'widget_id')]
        [string[]] $Id,
        [Parameter(ParameterSetName = 'List')]
        [Parameter(ParameterSetName = 'ById', Mandatory, Position = 1)]
        [int] $Limit
    )
}
function Remove-Widget { [CmdletBinding(SupportsShouldProcess, PositionalBinding = $false)] param([Parameter(Mandatory)][string] $Name, [switch] $Force) }
function Set-Widget { [CmdletBinding()] param([string] $Name) }
Export-ModuleMember -Function Get-Widget, Remove-Widget, Set-Widget
'@
        Set-Content -LiteralPath (Join-Path $script:FakeRoot 'FakeHelpModule.psm1') -Value $fake
        Import-Module (Join-Path $script:FakeRoot 'FakeHelpModule.psm1') -Force
        $script:Pages = Join-Path $TestDrive 'fakedocs'
        New-Item -ItemType Directory -Path $script:Pages | Out-Null
    }
    AfterAll { Remove-Module FakeHelpModule -ErrorAction SilentlyContinue }

    BeforeEach { Get-ChildItem -LiteralPath $script:Pages | Remove-Item -Force }

    It 'finds nothing wrong with a page that matches the function' {
        New-FixturePage $script:Pages 'Get-Widget' | Out-Null
        $problems = @(Test-FineTuningHelpCoverage -Module FakeHelpModule -SourcePath $script:Pages | Where-Object Command -eq 'Get-Widget')
        $problems | Should -BeNullOrEmpty
    }

    It 'reports missing pages and pages for commands that do not exist' {
        New-FixturePage $script:Pages 'Get-Widget' | Out-Null
        New-FixturePage $script:Pages 'Get-Gadget' | Out-Null
        $problems = @(Test-FineTuningHelpCoverage -Module FakeHelpModule -SourcePath $script:Pages)
        @($problems | Where-Object Problem -eq 'MissingFile' | ForEach-Object Command | Sort-Object) | Should -Be @('Remove-Widget', 'Set-Widget')
        @($problems | Where-Object Problem -eq 'OrphanFile' | ForEach-Object Command) | Should -Be @('Get-Gadget')
    }

    It 'reports undocumented, unknown and badly described parameters and metadata that drifted' {
        $block = @'
### -Id
Ids.

```yaml
Type: String
Parameter Sets: ById
Aliases: WidgetId

Required: False
Position: 1
Default value: None
Accept pipeline input: True (ByValue)
Accept wildcard characters: False
```

### -Colour

```yaml
Type: String
Parameter Sets: (All)
Aliases:

Required: False
Position: Named
Default value: None
Accept pipeline input: False
Accept wildcard characters: False
```
'@
        New-FixturePage $script:Pages 'Get-Widget' -ParameterBlock $block | Out-Null
        $problems = @(Test-FineTuningHelpCoverage -Module FakeHelpModule -SourcePath $script:Pages | Where-Object Command -eq 'Get-Widget')
        ($problems | Where-Object Problem -eq 'UndocumentedParameter').Message | Should -Be '-Limit is not documented.'
        ($problems | Where-Object Problem -eq 'UnknownParameter').Message | Should -Be '-Colour is documented but the command has no such parameter.'
        $drift = @($problems | Where-Object Problem -eq 'MetadataMismatch' | ForEach-Object Message)
        $drift | Should -Contain '-Id: the page says Type String, the cmdlet takes String[].'
        $drift | Should -Contain "-Id: the page gives aliases 'WidgetId', the cmdlet has 'WidgetId, widget_id'."
        $drift | Should -Contain '-Id in set ById: the page says Required False, the cmdlet says True.'
        $drift | Should -Contain '-Id in set ById: the page says Position 1, the cmdlet says 0.'
        $drift | Should -Contain "-Id in set ById: the page says pipeline input 'True (ByValue)', the cmdlet says 'True (ByValue, ByPropertyName)'."
    }

    It 'reports a missing synopsis, too few examples and undocumented -WhatIf/-Confirm' {
        $page = New-FixturePage $script:Pages 'Remove-Widget' -ParameterBlock @'
### -Name
The name.

```yaml
Type: String
Parameter Sets: (All)
Aliases:

Required: True
Position: Named
Default value: None
Accept pipeline input: False
Accept wildcard characters: False
```

### -Force
Without asking.

```yaml
Type: SwitchParameter
Parameter Sets: (All)
Aliases:

Required: False
Position: Named
Default value: False
Accept pipeline input: False
Accept wildcard characters: False
```
'@
        $text = [System.IO.File]::ReadAllText($page)
        $text = $text -replace '(?s)## SYNOPSIS\n.*?\n\n', "## SYNOPSIS`n{{ Fill in the Synopsis }}`n`n"
        $text = $text -replace '(?s)### Example 2:.*?(?=## PARAMETERS)', ''
        [System.IO.File]::WriteAllText($page, $text)
        $problems = @(Test-FineTuningHelpCoverage -Module FakeHelpModule -SourcePath $script:Pages | Where-Object Command -eq 'Remove-Widget')
        # platyPS's own placeholder counts as one too.
        @($problems | ForEach-Object Problem | Sort-Object -Unique) | Should -Be @('MissingSynopsis', 'Placeholder', 'TooFewExamples', 'UndocumentedParameter')
        @($problems | Where-Object Problem -eq 'UndocumentedParameter' | ForEach-Object Message | Sort-Object) |
            Should -Be @('-Confirm is not documented.', '-WhatIf is not documented.')
    }
}

Describe 'New-FineTuningHelpPage and Update-FineTuningHelpMarkdown (./build.ps1 Docs)' {
    BeforeAll {
        $script:StubRoot = Join-Path $TestDrive 'StubHelpModule'
        New-Item -ItemType Directory -Path $script:StubRoot | Out-Null
        Set-Content -LiteralPath (Join-Path $script:StubRoot 'StubHelpModule.psm1') -Value @'
function Get-Widget {
    [CmdletBinding(DefaultParameterSetName = 'List')]
    [OutputType([string])]
    param(
        [Parameter(ParameterSetName = 'ById', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('WidgetId', 'widget_id')]
        [string[]] $Id,
        [Parameter(ParameterSetName = 'List')]
        [Parameter(ParameterSetName = 'ById', Mandatory, Position = 1)]
        [int] $Limit,
        [SupportsWildcards()] [ValidateSet('red', 'blue')] [string] $Colour
    )
}
function Remove-Widget { [CmdletBinding(SupportsShouldProcess, PositionalBinding = $false)] param([Parameter(Mandatory)][string] $Name, [switch] $Force) }
Export-ModuleMember -Function Get-Widget, Remove-Widget
'@
        Import-Module (Join-Path $script:StubRoot 'StubHelpModule.psm1') -Force
        $script:StubDocs = Join-Path $TestDrive 'stubdocs'
    }
    AfterAll { Remove-Module StubHelpModule -ErrorAction SilentlyContinue }
    BeforeEach {
        Remove-Item -LiteralPath $script:StubDocs -Recurse -Force -ErrorAction SilentlyContinue
        New-Item -ItemType Directory -Path $script:StubDocs | Out-Null
    }

    It 'writes nothing with -WhatIf' {
        @(Update-FineTuningHelpMarkdown -Module StubHelpModule -SourcePath $script:StubDocs -WhatIf) | Should -BeNullOrEmpty
        @(Get-ChildItem -LiteralPath $script:StubDocs) | Should -BeNullOrEmpty
    }

    It 'writes a page per command whose syntax and parameter metadata need no correction, only the text' {
        $written = @(Update-FineTuningHelpMarkdown -Module StubHelpModule -SourcePath $script:StubDocs)
        $written | ForEach-Object { Split-Path $_ -Leaf } | Sort-Object | Should -Be @('Get-Widget.md', 'Remove-Widget.md')
        $problems = @(Test-FineTuningHelpCoverage -Module StubHelpModule -SourcePath $script:StubDocs)
        @($problems | Where-Object Problem -in 'MetadataMismatch', 'UndocumentedParameter', 'UnknownParameter', 'ParseError', 'MissingFile') | Should -BeNullOrEmpty
        # What is left is the writing, and the check says so.
        @($problems | Where-Object Command -eq 'Get-Widget' | ForEach-Object Problem | Sort-Object -Unique) |
            Should -Be @('MissingParameterDescription', 'MissingSynopsis', 'Placeholder', 'TooFewExamples')
        $doc = Read-FineTuningHelpMarkdown -Path (Join-Path $script:StubDocs 'Get-Widget.md')
        $doc.Syntax.Name | Should -Be @('List', 'ById')
        $text = Get-Content -Raw (Join-Path $script:StubDocs 'Get-Widget.md')
        $text | Should -Match ([regex]::Escape('Get-Widget [-Id] <String[]> [-Limit] <Int32> [-Colour <String>] [<CommonParameters>]'))
        $text | Should -Match 'Accepted values: red, blue'
        $text | Should -Match 'Accept wildcard characters: True'
        Get-Content -Raw (Join-Path $script:StubDocs 'Remove-Widget.md') |
            Should -Match ([regex]::Escape('Remove-Widget -Name <String> [-Force] [-WhatIf] [-Confirm] [<CommonParameters>]'))
    }

    It 'adds only the undocumented parameters to an existing page and keeps what was written' {
        New-FixturePage $script:StubDocs 'Get-Widget' | Out-Null
        $before = Get-Content -Raw (Join-Path $script:StubDocs 'Get-Widget.md')
        $written = @(Update-FineTuningHelpMarkdown -Module StubHelpModule -SourcePath $script:StubDocs)
        $written | ForEach-Object { Split-Path $_ -Leaf } | Sort-Object | Should -Be @('Get-Widget.md', 'Remove-Widget.md')
        $after = Get-Content -Raw (Join-Path $script:StubDocs 'Get-Widget.md')
        $after | Should -Match ([regex]::Escape('Ids such as <id> & "quoted" ''ones''.'))
        $after | Should -Match '### -Colour'
        ([regex]::Matches($after, '### -Id\b')).Count | Should -Be 1
        $problems = @(Test-FineTuningHelpCoverage -Module StubHelpModule -SourcePath $script:StubDocs | Where-Object Command -eq 'Get-Widget')
        @($problems | ForEach-Object Problem | Sort-Object -Unique) | Should -Be @('MissingParameterDescription', 'Placeholder')
        $problems | Where-Object Problem -eq 'MissingParameterDescription' | ForEach-Object Message | Should -Be '-Colour has no description.'
        # A second run finds nothing more to add.
        @(Update-FineTuningHelpMarkdown -Module StubHelpModule -SourcePath $script:StubDocs) | Should -BeNullOrEmpty
        $before.Length | Should -BeLessThan $after.Length
    }

    It 'will not overwrite an existing page' {
        New-FixturePage $script:StubDocs 'Get-Widget' | Out-Null
        { New-FineTuningHelpPage -Command (Get-Command Get-Widget) -OutputPath $script:StubDocs } | Should -Throw '*already exists*'
    }
}
