#Requires -Version 5.1
# The cmdlet help: the markdown in docs/en-US, its conversion to MAML by tools/HelpBuilder.psm1, and
# (when the built module is at $env:FINETUNING_MODULE_PATH) what Get-Help shows for every exported cmdlet.
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', 'pages',
    Justification = 'Set in BeforeDiscovery for the -ForEach of the blocks below.')]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', 'cmdlets',
    Justification = 'Set in BeforeDiscovery for the -ForEach of the blocks below.')]
param()

BeforeDiscovery {
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $docs = Join-Path $repo 'docs/en-US'
    $pages = @(Get-ChildItem -LiteralPath $docs -Filter '*.md' -File | Where-Object { $_.Name -notlike 'about_*' } |
        ForEach-Object { @{ Name = $_.BaseName; Path = $_.FullName } })

    $modulePath = $env:FINETUNING_MODULE_PATH
    $manifest = $null
    if ($modulePath) { $manifest = Join-Path $modulePath 'FineTuning.psd1' }
    $skipModule = -not ($manifest -and (Test-Path -LiteralPath $manifest))
    $cmdlets = @()
    if (-not $skipModule) {
        $cmdlets = @((Import-PowerShellDataFile -LiteralPath $manifest).CmdletsToExport | ForEach-Object { @{ Name = $_ } })
    }
}

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $script:Docs = Join-Path $script:Repo 'docs/en-US'
    Import-Module (Join-Path $script:Repo 'tools/HelpBuilder.psm1') -Force -ErrorAction Stop

    $script:Ns = @{
        maml = 'http://schemas.microsoft.com/maml/2004/10'
        command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
        dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
        msh = 'http://msh'
    }

    function Get-CommandNode([xml]$Xml, [string]$Name) {
        $nodes = Select-Xml -Xml $Xml -Namespace $script:Ns -XPath "/msh:helpItems/command:command[command:details/command:name='$Name']"
        , @($nodes | ForEach-Object Node)   # keep the array: an XmlElement's own indexer would answer $x[0]
    }

    function Select-Text($Node, [string]$XPath) {
        @(Select-Xml -Xml $Node -Namespace $script:Ns -XPath $XPath | ForEach-Object { $_.Node.InnerText })
    }

    . (Join-Path $PSScriptRoot 'HelpFixtures.ps1')
}

Describe 'Help markdown in docs/en-US' {
    It 'has a page for every cmdlet of the spec' {
        $expected = 'Connect-FineTuningService', 'Get-FineTuningConnection', 'Disconnect-FineTuningService',
        'Add-FineTuningFile', 'Get-FineTuningFile', 'New-FineTuningJob', 'Get-FineTuningJob', 'Stop-FineTuningJob',
        'Suspend-FineTuningJob', 'Resume-FineTuningJob', 'Get-FineTuningEvent', 'Get-FineTuningCheckpoint',
        'Wait-FineTuningJob', 'Start-FineTuningEmulator', 'Stop-FineTuningEmulator'
        $present = @(Get-ChildItem -LiteralPath $script:Docs -Filter '*.md' | ForEach-Object BaseName)
        $expected | Where-Object { $present -notcontains $_ } | Should -BeNullOrEmpty
        Test-Path -LiteralPath (Join-Path $script:Docs 'about_FineTuning.md') | Should -BeTrue
    }

    Context '<Name>' -ForEach $pages {
        BeforeAll { $script:Page = Read-FineTuningHelpMarkdown -Path $Path }

        It 'is named after its file and points at the module''s MAML file' {
            $script:Page.Name | Should -Be $Name
            $script:Page.FrontMatter['external help file'] | Should -Be 'FineTuning.dll-Help.xml'
            $script:Page.FrontMatter['Module Name'] | Should -Be 'FineTuning'
            $script:Page.FrontMatter['schema'] | Should -Be '2.0.0'
        }

        It 'has a synopsis, a description, inputs, outputs and notes' {
            $script:Page.Synopsis | Should -Not -BeNullOrEmpty
            @($script:Page.Description).Count | Should -BeGreaterThan 0
            @($script:Page.Inputs).Count | Should -BeGreaterThan 0
            @($script:Page.Outputs).Count | Should -BeGreaterThan 0
            @($script:Page.Notes).Count | Should -BeGreaterThan 0
        }

        It 'has at least two examples, each with code that parses and an explanation' {
            @($script:Page.Examples).Count | Should -BeGreaterOrEqual 2
            foreach ($example in $script:Page.Examples) {
                $example.Title | Should -Match '^Example \d+: \S'
                $example.Code | Should -Match $Name -Because "every example of $Name should use it ($($example.Title))"
                $errors = $null
                [System.Management.Automation.Language.Parser]::ParseInput($example.Code, [ref]$null, [ref]$errors) | Out-Null
                @($errors).Count | Should -Be 0 -Because "the code of '$($example.Title)' must be valid PowerShell: $($errors -join '; ')"
                @($example.Remarks).Count | Should -BeGreaterThan 0 -Because "'$($example.Title)' needs an explanation"
            }
        }

        It 'describes every parameter and gives its metadata' {
            foreach ($p in $script:Page.Parameters) {
                @($p.Description | Where-Object { $_ }).Count | Should -BeGreaterThan 0 -Because "-$($p.Name) needs a description"
                foreach ($block in $p.Metadata) {
                    $block['Required'] | Should -BeIn 'True', 'False'
                    $block['Position'] | Should -Match '^(Named|\d+)$'
                    $block['Accept pipeline input'] | Should -Match '^(False|True \((ByValue|ByPropertyName)(, (ByValue|ByPropertyName))?\))$'
                }
            }
        }

        It 'documents -WhatIf and -Confirm exactly when its syntax offers them' {
            $syntaxText = [System.IO.File]::ReadAllText($Path)
            $names = @($script:Page.Parameters | ForEach-Object Name)
            $offers = $syntaxText -match '\[-WhatIf\]'
            ($names -contains 'WhatIf') | Should -Be $offers
            ($names -contains 'Confirm') | Should -Be $offers
        }
    }
}

Describe 'ConvertTo-FineTuningMaml on the real docs' {
    BeforeAll {
        $script:Out = Join-Path $TestDrive 'en-US'
        $script:Written = @(ConvertTo-FineTuningMaml -SourcePath $script:Docs -OutputPath $script:Out)
        $script:MamlPath = Join-Path $script:Out 'FineTuning.dll-Help.xml'
        $script:Maml = New-Object System.Xml.XmlDocument
        $script:Maml.Load($script:MamlPath)
    }

    It 'writes one MAML file and the about topic, and returns them' {
        @($script:Written | ForEach-Object Name | Sort-Object) | Should -Be @('about_FineTuning.help.txt', 'FineTuning.dll-Help.xml')
    }

    It 'writes well-formed MAML with the helpItems root' {
        $script:Maml.DocumentElement.LocalName | Should -Be 'helpItems'
        $script:Maml.DocumentElement.NamespaceURI | Should -Be 'http://msh'
        $script:Maml.DocumentElement.GetAttribute('schema') | Should -Be 'maml'
    }

    It 'has exactly one command element per cmdlet page' {
        $names = @(Select-Text $script:Maml '/msh:helpItems/command:command/command:details/command:name')
        $expected = @(Get-ChildItem -LiteralPath $script:Docs -Filter '*.md' | Where-Object { $_.Name -notlike 'about_*' } | ForEach-Object BaseName)
        @($names | Sort-Object) | Should -Be @($expected | Sort-Object)
    }

    Context '<Name>' -ForEach $pages {
        BeforeAll {
            $script:Page = Read-FineTuningHelpMarkdown -Path $Path
            $script:Node = Get-CommandNode $script:Maml $Name
        }

        It 'carries the synopsis, verb and noun' {
            @($script:Node).Count | Should -Be 1
            Select-Text $script:Node[0] 'command:details/maml:description/maml:para' | Should -Be $script:Page.Synopsis
            $verb, $noun = $Name -split '-', 2
            Select-Text $script:Node[0] 'command:details/command:verb' | Should -Be $verb
            Select-Text $script:Node[0] 'command:details/command:noun' | Should -Be $noun
        }

        It 'carries every example with its title, code and remarks' {
            $examples = @(Select-Xml -Xml $script:Node[0] -Namespace $script:Ns -XPath 'command:examples/command:example' | ForEach-Object Node)
            $examples.Count | Should -Be @($script:Page.Examples).Count
            $examples.Count | Should -BeGreaterOrEqual 2
            for ($i = 0; $i -lt $examples.Count; $i++) {
                Select-Text $examples[$i] 'maml:title' | Should -Match ([regex]::Escape($script:Page.Examples[$i].Title))
                (Select-Text $examples[$i] 'dev:code') -join '' | Should -Be $script:Page.Examples[$i].Code
                @(Select-Text $examples[$i] 'dev:remarks/maml:para' | Where-Object { $_ }) | Should -Be @($script:Page.Examples[$i].Remarks)
            }
        }

        It 'carries each parameter''s required, position, pipeline input, aliases and type' {
            foreach ($p in $script:Page.Parameters) {
                $xml = @(Select-Xml -Xml $script:Node[0] -Namespace $script:Ns -XPath "command:parameters/command:parameter[maml:name='$($p.Name)']" | ForEach-Object Node)
                $xml.Count | Should -Be 1 -Because "-$($p.Name) must appear once in command:parameters"
                $block = $p.Metadata[0]
                $xml[0].GetAttribute('required') | Should -Be $block['Required'].ToLowerInvariant()
                $position = if ($block['Position'] -eq 'Named') { 'named' } else { $block['Position'] }
                $xml[0].GetAttribute('position') | Should -Be $position
                $xml[0].GetAttribute('pipelineInput') | Should -Be $block['Accept pipeline input']
                $aliases = if ($block['Aliases']) { $block['Aliases'] } else { 'none' }
                $xml[0].GetAttribute('aliases') | Should -Be $aliases
                Select-Text $xml[0] 'dev:type/maml:name' | Should -Be $block['Type']
                @(Select-Text $xml[0] 'maml:description/maml:para') | Should -Be @($p.Description)
            }
        }

        It 'has one syntax item per parameter set, each listing only that set''s parameters' {
            $items = @(Select-Xml -Xml $script:Node[0] -Namespace $script:Ns -XPath 'command:syntax/command:syntaxItem' | ForEach-Object Node)
            $setCount = [Math]::Max(1, @($script:Page.Syntax).Count)
            $items.Count | Should -Be $setCount
            for ($i = 0; $i -lt @($script:Page.Syntax).Count; $i++) {
                $set = $script:Page.Syntax[$i].Name
                $expected = @($script:Page.Parameters | Where-Object {
                        @($_.Metadata | Where-Object { $_['Parameter Sets'] -eq '(All)' -or @($_['Parameter Sets'].Split(',') | ForEach-Object { $_.Trim() }) -contains $set }).Count -gt 0
                    } | ForEach-Object Name)
                $actual = @(Select-Text $items[$i] 'command:parameter/maml:name')
                @($actual | Sort-Object) | Should -Be @($expected | Sort-Object) -Because "syntax item $i is set $set"
            }
        }

        It 'carries inputs, outputs, notes and related links' {
            @(Select-Text $script:Node[0] 'command:inputTypes/command:inputType/dev:type/maml:name') | Should -Be @($script:Page.Inputs | ForEach-Object Type)
            @(Select-Text $script:Node[0] 'command:returnValues/command:returnValue/dev:type/maml:name') | Should -Be @($script:Page.Outputs | ForEach-Object Type)
            @(Select-Text $script:Node[0] 'maml:alertSet/maml:alert/maml:para') | Should -Be @($script:Page.Notes)
            @(Select-Text $script:Node[0] 'command:relatedLinks/maml:navigationLink/maml:linkText') | Should -Be @($script:Page.RelatedLinks | ForEach-Object Text)
        }
    }

    It 'renders the about topic as plain text within 80 columns' {
        $lines = [System.IO.File]::ReadAllLines((Join-Path $script:Out 'about_FineTuning.help.txt'))
        $lines[0] | Should -Be 'TOPIC'
        $lines[1].Trim() | Should -Be 'about_FineTuning'
        $lines | Should -Contain 'SHORT DESCRIPTION'
        $lines | Should -Contain 'LONG DESCRIPTION'
        $lines | Should -Contain 'SEE ALSO'
        # Prose is wrapped; only code (indented by 8) and tables (starting with '|') may be wider.
        $wide = @($lines | Where-Object { $_.Length -gt 80 -and $_ -notmatch '^ {8}' -and $_.Trim() -notmatch '^\|' })
        $wide | Should -BeNullOrEmpty
        ($lines -join "`n") | Should -Not -Match '```'
    }
}

Describe 'ConvertTo-FineTuningMaml on crafted pages' {
    BeforeEach {
        $script:Src = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        New-Item -ItemType Directory -Path $script:Src | Out-Null
        $script:Dst = Join-Path $script:Src 'out'
    }

    It 'escapes markup characters and gets them back unchanged' {
        New-FixturePage $script:Src | Out-Null
        $file = ConvertTo-FineTuningMaml -SourcePath $script:Src -OutputPath $script:Dst | Where-Object Name -eq 'Fixture.dll-Help.xml'
        $file | Should -Not -BeNullOrEmpty -Because 'the output file is named by the front matter'
        $raw = [System.IO.File]::ReadAllText($file.FullName)
        $raw | Should -Match '&lt;a href=''x''&gt;&amp;amp;&lt;/a&gt;'
        $xml = New-Object System.Xml.XmlDocument
        $xml.Load($file.FullName)
        $node = (Get-CommandNode $xml 'Get-Widget')[0]
        Select-Text $node 'command:details/maml:description/maml:para' | Should -Be 'Gets widgets whose size is < 10 & > 2.'
        (Select-Text $node 'command:examples/command:example/dev:code')[0] | Should -Be ('$x = "<a href=''x''>&amp;</a>" ; '']]>''')
        (Select-Text $node 'command:parameters/command:parameter/maml:description/maml:para')[0] | Should -Be 'Ids such as <id> & "quoted" ''ones''.'
        @(Select-Text $node 'maml:alertSet/maml:alert/maml:para') | Should -Be @('A note & more.')
    }

    It 'turns inline markdown into plain text and keeps list items apart' {
        New-FixturePage $script:Src | Out-Null
        $file = ConvertTo-FineTuningMaml -SourcePath $script:Src -OutputPath $script:Dst | Where-Object Extension -eq '.xml'
        $xml = New-Object System.Xml.XmlDocument
        $xml.Load($file.FullName)
        $node = (Get-CommandNode $xml 'Get-Widget')[0]
        @(Select-Text $node 'maml:description/maml:para') | Should -Be @('First paragraph with code and bold and a link.', '- a list item', '- another one')
    }

    It 'joins the code blocks of one example and gives the online version as the first link' {
        New-FixturePage $script:Src | Out-Null
        $file = ConvertTo-FineTuningMaml -SourcePath $script:Src -OutputPath $script:Dst | Where-Object Extension -eq '.xml'
        $xml = New-Object System.Xml.XmlDocument
        $xml.Load($file.FullName)
        $node = (Get-CommandNode $xml 'Get-Widget')[0]
        (Select-Text $node 'command:examples/command:example/dev:code')[1] | Should -Be "Get-Widget -Limit 1`n`nGet-Widget -Id w1"
        @(Select-Text $node 'command:relatedLinks/maml:navigationLink/maml:linkText') | Should -Be @('Online Version:', 'Get-Gadget', 'Spec')
        @(Select-Text $node 'command:relatedLinks/maml:navigationLink/maml:uri') | Should -Be @('https://example.test/help/Get-Widget', '', 'https://example.test/spec')
    }

    It 'uses each parameter set''s own metadata in its syntax item, positional parameters first' {
        New-FixturePage $script:Src | Out-Null
        $file = ConvertTo-FineTuningMaml -SourcePath $script:Src -OutputPath $script:Dst | Where-Object Extension -eq '.xml'
        $xml = New-Object System.Xml.XmlDocument
        $xml.Load($file.FullName)
        $node = (Get-CommandNode $xml 'Get-Widget')[0]
        $items = @(Select-Xml -Xml $node -Namespace $script:Ns -XPath 'command:syntax/command:syntaxItem' | ForEach-Object Node)
        $items.Count | Should -Be 2
        $list = @(Select-Xml -Xml $items[0] -Namespace $script:Ns -XPath 'command:parameter' | ForEach-Object Node)
        @($list | ForEach-Object { $_.name }) | Should -Be @('Limit')
        $list[0].GetAttribute('required') | Should -Be 'false'
        $list[0].GetAttribute('position') | Should -Be 'named'
        @(Select-Text $list[0] 'command:parameterValueGroup/command:parameterValue') | Should -Be @('1', '10', '100')
        $byId = @(Select-Xml -Xml $items[1] -Namespace $script:Ns -XPath 'command:parameter' | ForEach-Object Node)
        @($byId | ForEach-Object { $_.name }) | Should -Be @('Id', 'Limit')
        $byId[1].GetAttribute('required') | Should -Be 'true'
        $byId[1].GetAttribute('position') | Should -Be '1'
        $byId[0].GetAttribute('pipelineInput') | Should -Be 'True (ByValue, ByPropertyName)'
        $byId[0].GetAttribute('aliases') | Should -Be 'WidgetId, widget_id'
    }

    It 'names the file and line of a malformed parameter block' {
        $bad = @'
### -Id
Ids.

```yaml
Type: String
Parameter Sets: (All)
this line has no colon
Required: True
Position: 0
```
'@
        $page = New-FixturePage $script:Src -ParameterBlock $bad
        $line = ([System.IO.File]::ReadAllLines($page) | Select-String -SimpleMatch 'this line has no colon').LineNumber
        { ConvertTo-FineTuningMaml -SourcePath $script:Src -OutputPath $script:Dst } |
            Should -Throw -ExpectedMessage "*Get-Widget.md:${line}: expected 'Key: value'*"
    }

    It 'refuses an example without code, naming the example' {
        $page = New-FixturePage $script:Src
        $text = [System.IO.File]::ReadAllText($page) -replace '(?s)(### Example 1: markup in code\n)```powershell\n.*?```\n', '$1'
        [System.IO.File]::WriteAllText($page, $text)
        { ConvertTo-FineTuningMaml -SourcePath $script:Src -OutputPath $script:Dst } |
            Should -Throw -ExpectedMessage "*example 'Example 1: markup in code' has no fenced code block*"
    }

    It 'fails on an empty folder' {
        { ConvertTo-FineTuningMaml -SourcePath $script:Src -OutputPath $script:Dst } | Should -Throw -ExpectedMessage '*No markdown help*'
    }
}

Describe 'Get-Help for the built module' -Skip:$skipModule {
    BeforeAll {
        Import-Module (Join-Path $env:FINETUNING_MODULE_PATH 'FineTuning.psd1') -ErrorAction Stop
    }

    It 'has no coverage problems' {
        $problems = @(Test-FineTuningHelpCoverage -Module FineTuning -SourcePath $script:Docs)
        ($problems | ForEach-Object { "$($_.Command) $($_.Problem): $($_.Message)" }) -join [Environment]::NewLine | Should -BeNullOrEmpty
    }

    It 'ships the MAML file and the about topic in en-US' {
        Test-Path -LiteralPath (Join-Path $env:FINETUNING_MODULE_PATH 'en-US/FineTuning.dll-Help.xml') | Should -BeTrue
        $about = Get-Help about_FineTuning | Out-String
        $about | Should -Match 'SHORT DESCRIPTION'
        $about | Should -Match 'Start-FineTuningEmulator'
    }

    Context '<Name>' -ForEach $cmdlets {
        BeforeAll {
            $page = Join-Path $script:Docs "$Name.md"
            $script:Page = $null
            if (Test-Path -LiteralPath $page) { $script:Page = Read-FineTuningHelpMarkdown -Path $page }
            $script:Help = Get-Help $Name -Full
        }

        It 'shows the synopsis of its page' {
            $script:Page | Should -Not -BeNullOrEmpty -Because "docs/en-US/$Name.md must exist"
            $script:Help.Synopsis | Should -Be $script:Page.Synopsis
            ($script:Help.description | Out-String) | Should -Match ([regex]::Escape(($script:Page.Description[0] -split '\s+')[0..4] -join ' '))
        }

        It 'documents every parameter of the cmdlet' {
            $common = [System.Management.Automation.PSCmdlet]::CommonParameters
            $expected = @((Get-Command $Name).Parameters.Keys | Where-Object { $common -notcontains $_ })
            $helpParameters = @($script:Help.parameters.parameter)
            foreach ($name in $expected) {
                $entry = @($helpParameters | Where-Object { $_.name -eq $name })
                $entry.Count | Should -Be 1 -Because "Get-Help $Name must show -$name"
                ($entry[0].description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
            }
        }

        It 'gives at least two examples with -Examples' {
            $examples = @((Get-Help $Name -Examples).examples.example)
            $examples.Count | Should -BeGreaterOrEqual 2
            $examples | ForEach-Object { $_.code | Should -Not -BeNullOrEmpty }
        }
    }
}

Describe 'Get-Help for the built module (skipped)' -Skip:(-not $skipModule) {
    It 'needs $env:FINETUNING_MODULE_PATH pointing at a built module folder' {
        Set-ItResult -Skipped -Because 'FINETUNING_MODULE_PATH does not point at a built module folder with FineTuning.psd1 (build.ps1 Test sets it)'
    }
}
