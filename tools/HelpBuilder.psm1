# HelpBuilder: turns the platyPS-layout markdown in docs/en-US into the help files PowerShell reads
# (a MAML file for the cmdlets and about_*.help.txt topics), without platyPS, and checks that the
# markdown covers every cmdlet and parameter of the module.
# Works on Windows PowerShell 5.1 and PowerShell 7: no ternaries, no null-coalescing, no .NET Core-only APIs.

Set-StrictMode -Version 2.0

$script:MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$script:CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'
$script:MSHelpNs = 'http://msdn.microsoft.com/mshelp'
$script:Utf8NoBom = New-Object System.Text.UTF8Encoding($false)

# ---------------------------------------------------------------------------------------------
# Reading the markdown

function New-HelpParseError {
    param([string]$Path, [int]$Line, [string]$Message)
    $where = if ($Line -gt 0) { "${Path}:$Line" } else { $Path }
    New-Object System.FormatException("${where}: $Message")
}

function ConvertTo-PlainText {
    # Inline markdown to the plain text Get-Help prints: code spans, emphasis and links lose their marks.
    param([string]$Text)
    $t = [regex]::Replace($Text, '\[([^\]]+)\]\(([^)]*)\)', '$1')
    $t = [regex]::Replace($t, '`([^`]*)`', '$1')
    $t = [regex]::Replace($t, '(\*\*|__)(.+?)\1', '$2')
    $t = [regex]::Replace($t, '(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])', '$1')
    $t
}

function ConvertTo-HelpParagraph {
    # Markdown lines to paragraphs: blank lines separate them, list items start their own,
    # fenced code stays verbatim (one paragraph, lines kept).
    param([object[]]$Lines)
    $paragraphs = New-Object System.Collections.Generic.List[string]
    $current = New-Object System.Collections.Generic.List[string]
    $code = $null
    $flush = {
        if ($current.Count -gt 0) {
            $paragraphs.Add((ConvertTo-PlainText (($current | ForEach-Object { $_.Trim() }) -join ' ')))
            $current.Clear()
        }
    }
    foreach ($entry in $Lines) {
        $line = [string]$entry
        if ($null -ne $code) {
            if ($line.Trim().StartsWith('```')) {
                $paragraphs.Add(($code -join "`n"))
                $code = $null
            }
            else { $code += $line }
            continue
        }
        if ($line.Trim().StartsWith('```')) {
            & $flush
            $code = @()
            continue
        }
        if ($line.Trim() -eq '') { & $flush; continue }
        if ($line -match '^\s*([-*+]|\d+\.)\s+') { & $flush }
        $current.Add($line)
    }
    & $flush
    if ($null -ne $code) { $paragraphs.Add(($code -join "`n")) }
    , $paragraphs.ToArray()
}

function Split-HelpSection {
    # Splits numbered lines at headings of the given level, ignoring '#' lines inside fenced code.
    # Returns objects with Title, Line (of the heading) and Lines (numbered body lines).
    param([object[]]$NumberedLines, [int]$Level)
    $prefix = ('#' * $Level) + ' '
    $sections = New-Object System.Collections.Generic.List[object]
    $head = [pscustomobject]@{ Title = $null; Line = 0; Lines = (New-Object System.Collections.Generic.List[object]) }
    $sections.Add($head)
    $inFence = $false
    foreach ($nl in $NumberedLines) {
        $text = $nl.Text
        if ($text.Trim().StartsWith('```')) { $inFence = -not $inFence }
        if (-not $inFence -and $text.StartsWith($prefix)) {
            $head = [pscustomobject]@{ Title = $text.Substring($prefix.Length).Trim(); Line = $nl.Number; Lines = (New-Object System.Collections.Generic.List[object]) }
            $sections.Add($head)
            continue
        }
        $head.Lines.Add($nl)
    }
    , $sections.ToArray()
}

function Get-LineText { param([object[]]$NumberedLines) , @($NumberedLines | ForEach-Object { $_.Text }) }

function Read-YamlBlock {
    param([object[]]$NumberedLines, [string]$Path)
    $map = [ordered]@{}
    foreach ($nl in $NumberedLines) {
        if ($nl.Text.Trim() -eq '') { continue }
        $i = $nl.Text.IndexOf(':')
        if ($i -lt 1) { throw (New-HelpParseError $Path $nl.Number "expected 'Key: value' in the parameter's yaml block, found '$($nl.Text.Trim())'.") }
        $map[$nl.Text.Substring(0, $i).Trim()] = $nl.Text.Substring($i + 1).Trim()
    }
    foreach ($key in 'Type', 'Parameter Sets', 'Required', 'Position') {
        if (-not $map.Contains($key)) {
            $first = 0
            if (@($NumberedLines).Count -gt 0) { $first = $NumberedLines[0].Number }
            throw (New-HelpParseError $Path $first "the parameter's yaml block has no '$key' line.")
        }
    }
    $map
}

function Read-FineTuningHelpMarkdown {
    <#
    .SYNOPSIS
    Reads one platyPS-layout cmdlet markdown file into an object (name, synopsis, syntax sets,
    description, examples, parameters with their yaml metadata, inputs, outputs, notes, links).
    .DESCRIPTION
    Malformed files raise a FormatException whose message starts with "<path>:<line>:".
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline, ValueFromPipelineByPropertyName)][Alias('FullName')][string]$Path)
    process {
        $full = (Resolve-Path -LiteralPath $Path).ProviderPath
        $raw = [System.IO.File]::ReadAllText($full, [System.Text.Encoding]::UTF8)
        $all = $raw.Replace("`r`n", "`n").Replace("`r", "`n").Split("`n")
        $numbered = New-Object System.Collections.Generic.List[object]
        $frontMatter = [ordered]@{}
        $start = 0
        if ($all.Length -gt 0 -and $all[0].Trim() -eq '---') {
            $end = -1
            for ($i = 1; $i -lt $all.Length; $i++) { if ($all[$i].Trim() -eq '---') { $end = $i; break } }
            if ($end -lt 0) { throw (New-HelpParseError $full 1 "the front matter opened with '---' is never closed.") }
            for ($i = 1; $i -lt $end; $i++) {
                $j = $all[$i].IndexOf(':')
                if ($j -gt 0) { $frontMatter[$all[$i].Substring(0, $j).Trim()] = $all[$i].Substring($j + 1).Trim() }
            }
            $start = $end + 1
        }
        for ($i = $start; $i -lt $all.Length; $i++) { $numbered.Add([pscustomobject]@{ Number = $i + 1; Text = $all[$i] }) }

        $top = Split-HelpSection $numbered.ToArray() 1
        $titled = @($top | Where-Object { $_.Title })
        if ($titled.Count -ne 1) { throw (New-HelpParseError $full 0 "expected exactly one '# <Command-Name>' heading, found $($titled.Count).") }
        $name = $titled[0].Title

        $result = [pscustomobject]@{
            Path = $full; Name = $name; FrontMatter = $frontMatter; Synopsis = ''; Syntax = @(); Description = @()
            Examples = @(); Parameters = @(); Inputs = @(); Outputs = @(); Notes = @(); RelatedLinks = @()
        }
        foreach ($section in (Split-HelpSection $titled[0].Lines.ToArray() 2)) {
            if (-not $section.Title) { continue }
            $body = $section.Lines.ToArray()
            switch ($section.Title.ToUpperInvariant()) {
                'SYNOPSIS' { $result.Synopsis = (ConvertTo-HelpParagraph (Get-LineText $body)) -join ' ' }
                'DESCRIPTION' { $result.Description = ConvertTo-HelpParagraph (Get-LineText $body) }
                'NOTES' { $result.Notes = ConvertTo-HelpParagraph (Get-LineText $body) }
                'SYNTAX' {
                    $sets = @()
                    foreach ($s in (Split-HelpSection $body 3)) {
                        if (-not $s.Title) { continue }
                        $isDefault = $s.Title -match '\(Default\)\s*$'
                        $sets += [pscustomobject]@{ Name = ($s.Title -replace '\s*\(Default\)\s*$', ''); IsDefault = [bool]$isDefault }
                    }
                    $result.Syntax = $sets
                }
                'EXAMPLES' {
                    $examples = @()
                    foreach ($s in (Split-HelpSection $body 3)) {
                        if (-not $s.Title) { continue }
                        $code = New-Object System.Collections.Generic.List[string]
                        $rest = New-Object System.Collections.Generic.List[string]
                        $inFence = $false; $sawCode = $false
                        foreach ($nl in $s.Lines) {
                            if ($nl.Text.Trim().StartsWith('```')) {
                                if ($inFence -and $code.Count -gt 0) { $code.Add('') }
                                $inFence = -not $inFence; $sawCode = $true; continue
                            }
                            if ($inFence) { $code.Add($nl.Text) } else { $rest.Add($nl.Text) }
                        }
                        if (-not $sawCode) { throw (New-HelpParseError $full $s.Line "example '$($s.Title)' has no fenced code block.") }
                        $examples += [pscustomobject]@{
                            Title = $s.Title
                            Code = (($code.ToArray() -join "`n").Trim())
                            Remarks = ConvertTo-HelpParagraph $rest.ToArray()
                        }
                    }
                    $result.Examples = $examples
                }
                'PARAMETERS' {
                    $parameters = @()
                    foreach ($s in (Split-HelpSection $body 3)) {
                        if (-not $s.Title -or $s.Title -eq 'CommonParameters') { continue }
                        if (-not $s.Title.StartsWith('-')) { throw (New-HelpParseError $full $s.Line "a parameter heading must be '### -Name', found '### $($s.Title)'.") }
                        $text = New-Object System.Collections.Generic.List[string]
                        $blocks = @()
                        $yaml = $null
                        foreach ($nl in $s.Lines) {
                            $t = $nl.Text.Trim()
                            if ($null -eq $yaml -and $t -eq '```yaml') { $yaml = New-Object System.Collections.Generic.List[object]; continue }
                            if ($null -ne $yaml -and $t -eq '```') { $blocks += , (Read-YamlBlock $yaml.ToArray() $full); $yaml = $null; continue }
                            if ($null -ne $yaml) { $yaml.Add($nl) } else { $text.Add($nl.Text) }
                        }
                        if ($null -ne $yaml) { throw (New-HelpParseError $full $s.Line "the yaml block of $($s.Title) is not closed.") }
                        if ($blocks.Count -eq 0) { throw (New-HelpParseError $full $s.Line "parameter $($s.Title) has no yaml block.") }
                        $parameters += [pscustomobject]@{
                            Name = $s.Title.Substring(1).Trim()
                            Line = $s.Line
                            Description = ConvertTo-HelpParagraph $text.ToArray()
                            Metadata = $blocks
                        }
                    }
                    $result.Parameters = $parameters
                }
                { $_ -in 'INPUTS', 'OUTPUTS' } {
                    $types = @()
                    foreach ($s in (Split-HelpSection $body 3)) {
                        if (-not $s.Title) { continue }
                        $types += [pscustomobject]@{ Type = $s.Title; Description = ConvertTo-HelpParagraph (Get-LineText $s.Lines.ToArray()) }
                    }
                    if ($section.Title -eq 'INPUTS') { $result.Inputs = $types } else { $result.Outputs = $types }
                }
                'RELATED LINKS' {
                    $links = @()
                    foreach ($nl in $body) {
                        $m = [regex]::Match($nl.Text, '^\s*\[([^\]]+)\]\(([^)]*)\)\s*$')
                        if ($m.Success) {
                            $uri = $m.Groups[2].Value
                            if ($uri -notmatch '^[a-z][a-z0-9+.-]*://') { $uri = '' }   # a sibling .md page: Get-Help shows the name
                            $links += [pscustomobject]@{ Text = $m.Groups[1].Value; Uri = $uri }
                        }
                        elseif ($nl.Text.Trim() -ne '') {
                            throw (New-HelpParseError $full $nl.Number "a related link must be '[text](uri)', found '$($nl.Text.Trim())'.")
                        }
                    }
                    $result.RelatedLinks = $links
                }
                default { throw (New-HelpParseError $full $section.Line "unknown section '## $($section.Title)'.") }
            }
        }
        $result
    }
}

# ---------------------------------------------------------------------------------------------
# Writing MAML

function Get-ParameterBlockFor {
    # The yaml block describing a parameter in one parameter set: the one naming the set, else the (All) one.
    param($Parameter, [string]$SetName)
    foreach ($b in $Parameter.Metadata) {
        $sets = @($b['Parameter Sets'].Split(',') | ForEach-Object { $_.Trim() })
        if ($SetName -and $sets -contains $SetName) { return $b }
    }
    foreach ($b in $Parameter.Metadata) { if ($b['Parameter Sets'].Trim() -eq '(All)') { return $b } }
    if (-not $SetName) { return $Parameter.Metadata[0] }
    $null
}

function Get-MamlPosition {
    param([string]$Position)
    if ($Position -match '^\d+$') { return $Position }
    'named'
}

function Get-PipelineText {
    param([string]$Value)
    if (-not $Value -or $Value -match '^False') { return 'False' }
    $Value
}

function Write-Paragraphs {
    param([System.Xml.XmlWriter]$Writer, [string[]]$Paragraphs)
    $Writer.WriteStartElement('maml', 'description', $script:MamlNs)
    foreach ($p in $Paragraphs) { $Writer.WriteElementString('maml', 'para', $script:MamlNs, $p) }
    if (@($Paragraphs).Count -eq 0) { $Writer.WriteElementString('maml', 'para', $script:MamlNs, '') }
    $Writer.WriteEndElement()
}

function Write-MamlParameter {
    param([System.Xml.XmlWriter]$Writer, $Parameter, $Block, [switch]$InSyntax)
    $type = $Block['Type']
    $isSwitch = $type -eq 'SwitchParameter'
    $aliases = 'none'
    if ($Block.Contains('Aliases') -and $Block['Aliases']) { $aliases = $Block['Aliases'] }
    $Writer.WriteStartElement('command', 'parameter', $script:CommandNs)
    $Writer.WriteAttributeString('required', $Block['Required'].ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', 'true')
    $globbing = 'false'
    if ($Block.Contains('Accept wildcard characters') -and $Block['Accept wildcard characters'] -match '^True') { $globbing = 'true' }
    $Writer.WriteAttributeString('globbing', $globbing)
    $pipe = 'False'
    if ($Block.Contains('Accept pipeline input')) { $pipe = Get-PipelineText $Block['Accept pipeline input'] }
    $Writer.WriteAttributeString('pipelineInput', $pipe)
    $Writer.WriteAttributeString('position', (Get-MamlPosition $Block['Position']))
    $Writer.WriteAttributeString('aliases', $aliases)
    $Writer.WriteElementString('maml', 'name', $script:MamlNs, $Parameter.Name)
    Write-Paragraphs $Writer $Parameter.Description
    $accepted = @()
    if ($Block.Contains('Accepted values') -and $Block['Accepted values']) {
        $accepted = @($Block['Accepted values'].Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ })
    }
    if ($InSyntax -and $accepted.Count -gt 0) {
        $Writer.WriteStartElement('command', 'parameterValueGroup', $script:CommandNs)
        foreach ($v in $accepted) {
            $Writer.WriteStartElement('command', 'parameterValue', $script:CommandNs)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('command', 'variableLength', $script:CommandNs, 'false')
            $Writer.WriteString($v)
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }
    if (-not ($InSyntax -and $isSwitch)) {
        $Writer.WriteStartElement('command', 'parameterValue', $script:CommandNs)
        $Writer.WriteAttributeString('required', ([string](-not $isSwitch)).ToLowerInvariant())
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($type)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $script:DevNs)
    $Writer.WriteElementString('maml', 'name', $script:MamlNs, $type)
    $Writer.WriteElementString('maml', 'uri', $script:MamlNs, '')
    $Writer.WriteEndElement()
    $default = 'None'
    if ($Block.Contains('Default value') -and $Block['Default value']) { $default = $Block['Default value'] }
    $Writer.WriteElementString('dev', 'defaultValue', $script:DevNs, $default)
    $Writer.WriteEndElement()
}

function Get-SyntaxSetNames {
    # The parameter sets a command shows in its syntax: from the SYNTAX headings, else from the yaml blocks.
    param($Doc)
    $names = @($Doc.Syntax | ForEach-Object { $_.Name })
    if ($names.Count -gt 0) { return , $names }
    $found = @()
    foreach ($p in $Doc.Parameters) {
        foreach ($b in $p.Metadata) {
            foreach ($s in $b['Parameter Sets'].Split(',')) {
                $s = $s.Trim()
                if ($s -and $s -ne '(All)' -and $found -notcontains $s) { $found += $s }
            }
        }
    }
    if ($found.Count -eq 0) { $found = @('') }
    , $found
}

function Write-MamlCommand {
    param([System.Xml.XmlWriter]$Writer, $Doc)
    $w = $Writer
    $w.WriteStartElement('command', 'command', $script:CommandNs)
    $w.WriteAttributeString('xmlns', 'maml', $null, $script:MamlNs)
    $w.WriteAttributeString('xmlns', 'command', $null, $script:CommandNs)
    $w.WriteAttributeString('xmlns', 'dev', $null, $script:DevNs)
    $w.WriteAttributeString('xmlns', 'MSHelp', $null, $script:MSHelpNs)

    $verb = $Doc.Name; $noun = ''
    $dash = $Doc.Name.IndexOf('-')
    if ($dash -gt 0) { $verb = $Doc.Name.Substring(0, $dash); $noun = $Doc.Name.Substring($dash + 1) }
    $w.WriteStartElement('command', 'details', $script:CommandNs)
    $w.WriteElementString('command', 'name', $script:CommandNs, $Doc.Name)
    $w.WriteElementString('command', 'verb', $script:CommandNs, $verb)
    $w.WriteElementString('command', 'noun', $script:CommandNs, $noun)
    Write-Paragraphs $w @($Doc.Synopsis)
    $w.WriteEndElement()

    Write-Paragraphs $w $Doc.Description

    # Syntax: one item per parameter set; positional parameters first, then mandatory, then the rest.
    $w.WriteStartElement('command', 'syntax', $script:CommandNs)
    foreach ($set in (Get-SyntaxSetNames $Doc)) {
        $members = @()
        $order = 0
        foreach ($p in $Doc.Parameters) {
            $block = Get-ParameterBlockFor $p $set
            if ($null -eq $block) { continue }
            $order++
            $rank = 3
            if ($block['Position'] -match '^\d+$') { $rank = 1 } elseif ($block['Required'] -match '^True') { $rank = 2 }
            if ($p.Name -in 'WhatIf', 'Confirm') { $rank = 4 }
            $pos = 0
            if ($block['Position'] -match '^\d+$') { $pos = [int]$block['Position'] }
            $members += [pscustomobject]@{ Parameter = $p; Block = $block; Rank = $rank; Pos = $pos; Order = $order }
        }
        $w.WriteStartElement('command', 'syntaxItem', $script:CommandNs)
        $w.WriteElementString('maml', 'name', $script:MamlNs, $Doc.Name)
        foreach ($m in ($members | Sort-Object Rank, Pos, Order)) { Write-MamlParameter $w $m.Parameter $m.Block -InSyntax }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $script:CommandNs)
    foreach ($p in $Doc.Parameters) { Write-MamlParameter $w $p $p.Metadata[0] }
    $w.WriteEndElement()

    foreach ($kind in @(@{ List = 'inputTypes'; Item = 'inputType'; Items = $Doc.Inputs }, @{ List = 'returnValues'; Item = 'returnValue'; Items = $Doc.Outputs })) {
        $w.WriteStartElement('command', $kind.List, $script:CommandNs)
        foreach ($t in $kind.Items) {
            $w.WriteStartElement('command', $kind.Item, $script:CommandNs)
            $w.WriteStartElement('dev', 'type', $script:DevNs)
            $w.WriteElementString('maml', 'name', $script:MamlNs, $t.Type)
            $w.WriteEndElement()
            Write-Paragraphs $w $t.Description
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }

    $w.WriteStartElement('maml', 'alertSet', $script:MamlNs)
    $w.WriteStartElement('maml', 'alert', $script:MamlNs)
    foreach ($n in $Doc.Notes) { $w.WriteElementString('maml', 'para', $script:MamlNs, $n) }
    $w.WriteEndElement()
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'examples', $script:CommandNs)
    foreach ($e in $Doc.Examples) {
        $w.WriteStartElement('command', 'example', $script:CommandNs)
        $w.WriteElementString('maml', 'title', $script:MamlNs, "--------- $($e.Title) ---------")
        $w.WriteElementString('dev', 'code', $script:DevNs, $e.Code)
        $w.WriteStartElement('dev', 'remarks', $script:DevNs)
        foreach ($r in $e.Remarks) { $w.WriteElementString('maml', 'para', $script:MamlNs, $r) }
        $w.WriteElementString('maml', 'para', $script:MamlNs, '')   # a blank line before the next example
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $script:CommandNs)
    $online = ''
    if ($Doc.FrontMatter.Contains('online version')) { $online = $Doc.FrontMatter['online version'] }
    $links = @()
    if ($online) { $links += [pscustomobject]@{ Text = 'Online Version:'; Uri = $online } }
    $links += $Doc.RelatedLinks
    foreach ($l in $links) {
        $w.WriteStartElement('maml', 'navigationLink', $script:MamlNs)
        $w.WriteElementString('maml', 'linkText', $script:MamlNs, $l.Text)
        $w.WriteElementString('maml', 'uri', $script:MamlNs, $l.Uri)
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteEndElement()
}

# ---------------------------------------------------------------------------------------------
# About topics

function Format-WrappedText {
    param([string]$Text, [int]$Indent, [int]$Width, [string]$FirstPrefix = '')
    $pad = ' ' * $Indent
    $lines = New-Object System.Collections.Generic.List[string]
    $line = $pad + $FirstPrefix
    $hanging = ' ' * ($Indent + $FirstPrefix.Length)
    $empty = $true
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ })) {
        if (-not $empty -and ($line.Length + 1 + $word.Length) -gt $Width) {
            $lines.Add($line.TrimEnd()); $line = $hanging + $word
        }
        elseif ($empty) { $line += $word }
        else { $line += ' ' + $word }
        $empty = $false
    }
    if (-not $empty) { $lines.Add($line.TrimEnd()) }
    , $lines.ToArray()
}

function ConvertTo-AboutText {
    # The platyPS about-topic markdown to the plain text Get-Help about_X shows: '# HEADING' lines in
    # capitals at the margin, '## Subheading' indented by 4, text wrapped and indented, code and tables verbatim.
    param([string]$Path, [int]$Width = 80)
    $raw = [System.IO.File]::ReadAllText($Path, [System.Text.Encoding]::UTF8)
    $lines = $raw.Replace("`r`n", "`n").Replace("`r", "`n").Split("`n")
    $out = New-Object System.Collections.Generic.List[string]
    $i = 0
    if ($lines.Length -gt 0 -and $lines[0].Trim() -eq '---') {
        $i = 1
        while ($i -lt $lines.Length -and $lines[$i].Trim() -ne '---') { $i++ }
        $i++
    }
    $topic = $null
    $paragraph = New-Object System.Collections.Generic.List[string]
    $listPrefix = ''
    $inCode = $false
    $flush = {
        if ($paragraph.Count -gt 0) {
            $text = ConvertTo-PlainText (($paragraph | ForEach-Object { $_.Trim() }) -join ' ')
            foreach ($l in (Format-WrappedText $text 4 $Width $listPrefix)) { $out.Add($l) }
            $out.Add('')
            $paragraph.Clear()
        }
        Set-Variable -Name listPrefix -Value '' -Scope 1
    }
    for (; $i -lt $lines.Length; $i++) {
        $line = $lines[$i]
        $trim = $line.Trim()
        if ($trim.StartsWith('```')) {
            & $flush
            $inCode = -not $inCode
            if (-not $inCode) { $out.Add('') }
            continue
        }
        if ($inCode) { $out.Add((' ' * 8) + $line); continue }
        if ($null -eq $topic -and $line -match '^##\s+(about_\S+)\s*$') { $topic = $Matches[1]; continue }
        if ($line -match '^#\s+(.+)$') {
            & $flush
            if ($null -eq $topic) { continue }   # the display title above the about_ name
            $out.Add($Matches[1].Trim().ToUpperInvariant()); continue
        }
        if ($line -match '^#{2,}\s+(.+)$') {
            & $flush
            $out.Add('    ' + (ConvertTo-PlainText $Matches[1].Trim()).ToUpperInvariant()); $out.Add(''); continue
        }
        if ($trim.StartsWith('|')) { & $flush; $out.Add('    ' + $trim); if ($i + 1 -ge $lines.Length -or -not $lines[$i + 1].Trim().StartsWith('|')) { $out.Add('') }; continue }
        if ($trim -eq '') { & $flush; continue }
        $m = [regex]::Match($line, '^\s*([-*+]|\d+\.)\s+(.*)$')
        if ($m.Success) {
            & $flush
            $listPrefix = if ($m.Groups[1].Value -match '\d') { $m.Groups[1].Value + ' ' } else { '- ' }
            $paragraph.Add($m.Groups[2].Value)
            continue
        }
        $paragraph.Add($line)
    }
    & $flush
    if ($null -eq $topic) { throw (New-HelpParseError $Path 0 "an about topic needs a '## about_<Name>' line naming it.") }
    while ($out.Count -gt 0 -and $out[$out.Count - 1] -eq '') { $out.RemoveAt($out.Count - 1) }
    $header = @('TOPIC', "    $topic", '')
    [pscustomobject]@{ Name = $topic; Text = (($header + $out.ToArray()) -join [Environment]::NewLine) + [Environment]::NewLine }
}

# ---------------------------------------------------------------------------------------------
# Public commands

function ConvertTo-FineTuningMaml {
    <#
    .SYNOPSIS
    Converts the cmdlet markdown in a folder to one MAML file, and about_*.md topics to .help.txt files.
    .DESCRIPTION
    Every <Verb-Noun>.md becomes a command:command element of the MAML file named by the files'
    'external help file' front matter (FineTuning.dll-Help.xml). Every about_*.md becomes
    about_<Name>.help.txt. Writes the FileInfo of each file it creates.
    .EXAMPLE
    ConvertTo-FineTuningMaml -SourcePath docs/en-US -OutputPath out/FineTuning/0.1.0/en-US
    #>
    [CmdletBinding()]
    [OutputType([System.IO.FileInfo])]
    param(
        [Parameter(Mandatory)][string]$SourcePath,
        [Parameter(Mandatory)][string]$OutputPath,
        [string]$HelpFileName = 'FineTuning.dll-Help.xml',
        [int]$MaxAboutWidth = 80
    )
    $source = (Resolve-Path -LiteralPath $SourcePath -ErrorAction Stop).ProviderPath
    if (-not (Test-Path -LiteralPath $OutputPath)) { New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null }
    $output = (Resolve-Path -LiteralPath $OutputPath).ProviderPath

    $files = @(Get-ChildItem -LiteralPath $source -Filter '*.md' -File | Sort-Object Name)
    $commandFiles = @($files | Where-Object { $_.Name -notlike 'about_*' })
    $aboutFiles = @($files | Where-Object { $_.Name -like 'about_*' })
    if ($commandFiles.Count -eq 0 -and $aboutFiles.Count -eq 0) { throw "No markdown help found in '$source'." }

    # Group command pages by the help file their front matter names, as platyPS does.
    $groups = [ordered]@{}
    foreach ($f in $commandFiles) {
        $doc = Read-FineTuningHelpMarkdown -Path $f.FullName
        $target = $HelpFileName
        if ($doc.FrontMatter.Contains('external help file') -and $doc.FrontMatter['external help file']) { $target = $doc.FrontMatter['external help file'] }
        if (-not $groups.Contains($target)) { $groups[$target] = @() }
        $groups[$target] += $doc
    }

    foreach ($target in $groups.Keys) {
        $path = [System.IO.Path]::Combine($output, $target)
        $settings = New-Object System.Xml.XmlWriterSettings
        $settings.Indent = $true
        $settings.IndentChars = '  '
        $settings.Encoding = $script:Utf8NoBom
        $settings.NewLineChars = "`n"
        $writer = [System.Xml.XmlWriter]::Create($path, $settings)
        try {
            $writer.WriteStartDocument()
            $writer.WriteStartElement('helpItems', 'http://msh')
            $writer.WriteAttributeString('schema', 'maml')
            foreach ($doc in $groups[$target]) { Write-MamlCommand $writer $doc }
            $writer.WriteEndElement()
            $writer.WriteEndDocument()
        }
        finally { $writer.Close() }
        Get-Item -LiteralPath $path
    }

    foreach ($f in $aboutFiles) {
        $about = ConvertTo-AboutText -Path $f.FullName -Width $MaxAboutWidth
        $path = [System.IO.Path]::Combine($output, "$($about.Name).help.txt")
        [System.IO.File]::WriteAllText($path, $about.Text, $script:Utf8NoBom)
        Get-Item -LiteralPath $path
    }
}

# ---------------------------------------------------------------------------------------------
# Coverage

function Get-ShortTypeName {
    # How the markdown names a parameter's type: String[], Int32, SwitchParameter, FineTuningConnection.
    param([type]$Type)
    if ($Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]) { $Type = $Type.GetGenericArguments()[0] }
    $Type.Name
}

function New-CoverageProblem {
    param([string]$Command, [string]$Problem, [string]$Message, [string]$Path)
    [pscustomobject]@{ PSTypeName = 'FineTuning.HelpCoverageProblem'; Command = $Command; Problem = $Problem; Message = $Message; Path = $Path }
}

function Test-FineTuningHelpCoverage {
    <#
    .SYNOPSIS
    Compares a module's commands with the markdown help and returns every gap; nothing means full coverage.
    .DESCRIPTION
    Problems (the Problem property): MissingFile, ParseError, MissingSynopsis, TooFewExamples, Placeholder,
    UndocumentedParameter, UnknownParameter, MissingParameterDescription, MetadataMismatch (Required,
    Position, pipeline input, aliases or type differ from the cmdlet) and OrphanFile (a page for a
    command the module does not export). The module must be imported, or importable by name or path.
    .EXAMPLE
    Import-Module ./out/FineTuning/0.1.0/FineTuning.psd1
    Test-FineTuningHelpCoverage -Module FineTuning -SourcePath docs/en-US | Format-Table
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string]$Module,
        [Parameter(Mandatory)][string]$SourcePath,
        [int]$MinimumExamples = 2
    )
    $source = (Resolve-Path -LiteralPath $SourcePath -ErrorAction Stop).ProviderPath
    $loaded = Get-Module -Name $Module | Select-Object -First 1
    if (-not $loaded) { $loaded = Import-Module $Module -PassThru -ErrorAction Stop | Select-Object -First 1 }
    $commands = @(Get-Command -Module $loaded.Name -CommandType Cmdlet, Function | Sort-Object Name)
    $common = @([System.Management.Automation.PSCmdlet]::CommonParameters)

    foreach ($command in $commands) {
        $file = [System.IO.Path]::Combine($source, "$($command.Name).md")
        if (-not (Test-Path -LiteralPath $file)) {
            New-CoverageProblem $command.Name 'MissingFile' "No help page: $file does not exist." $file
            continue
        }
        try { $doc = Read-FineTuningHelpMarkdown -Path $file }
        catch {
            New-CoverageProblem $command.Name 'ParseError' $_.Exception.Message $file
            continue
        }
        if ([string]::IsNullOrWhiteSpace($doc.Synopsis) -or $doc.Synopsis -match '\{\{') {
            New-CoverageProblem $command.Name 'MissingSynopsis' 'The SYNOPSIS section is empty or a placeholder.' $file
        }
        $examples = @($doc.Examples | Where-Object { $_.Code -and $_.Code -notmatch '\{\{ Fill in' })
        if ($examples.Count -lt $MinimumExamples) {
            New-CoverageProblem $command.Name 'TooFewExamples' "$($examples.Count) example(s) with code; at least $MinimumExamples are needed." $file
        }
        $left = [regex]::Matches([System.IO.File]::ReadAllText($file), '\{\{ Fill in').Count
        if ($left -gt 0) {
            New-CoverageProblem $command.Name 'Placeholder' "$left placeholder(s) '{{ Fill in ... }}' left to write." $file
        }

        $documented = @{}
        foreach ($p in $doc.Parameters) { $documented[$p.Name] = $p }
        foreach ($parameter in $command.Parameters.Values) {
            if ($common -contains $parameter.Name) { continue }
            if (-not $documented.ContainsKey($parameter.Name)) {
                New-CoverageProblem $command.Name 'UndocumentedParameter' "-$($parameter.Name) is not documented." $file
                continue
            }
            $p = $documented[$parameter.Name]
            if (@($p.Description | Where-Object { $_ -and $_ -notmatch '\{\{' }).Count -eq 0) {
                New-CoverageProblem $command.Name 'MissingParameterDescription' "-$($parameter.Name) has no description." $file
            }
            $type = Get-ShortTypeName $parameter.ParameterType
            $docType = $p.Metadata[0]['Type']
            if ($docType -ne $type) {
                New-CoverageProblem $command.Name 'MetadataMismatch' "-$($parameter.Name): the page says Type $docType, the cmdlet takes $type." $file
            }
            $docAliases = @()
            if ($p.Metadata[0].Contains('Aliases') -and $p.Metadata[0]['Aliases']) { $docAliases = @($p.Metadata[0]['Aliases'].Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ }) }
            $realAliases = @($parameter.Aliases | Where-Object { $parameter.Name -notin 'WhatIf', 'Confirm' })
            if ($parameter.Name -in 'WhatIf', 'Confirm') { $realAliases = @($parameter.Aliases) }
            if ((@($docAliases | Sort-Object) -join ',') -ne (@($realAliases | Sort-Object) -join ',')) {
                New-CoverageProblem $command.Name 'MetadataMismatch' "-$($parameter.Name): the page gives aliases '$($docAliases -join ', ')', the cmdlet has '$($realAliases -join ', ')'." $file
            }
            foreach ($attribute in $parameter.Attributes) {
                if ($attribute -isnot [System.Management.Automation.ParameterAttribute]) { continue }
                $set = $attribute.ParameterSetName
                if ($set -eq '__AllParameterSets') { $set = $null }
                $block = Get-ParameterBlockFor $p $set
                $where = '(all sets)'
                if ($set) { $where = "set $set" }
                if ($null -eq $block) {
                    New-CoverageProblem $command.Name 'MetadataMismatch' "-$($parameter.Name): no yaml block covers $where." $file
                    continue
                }
                $required = [string]$attribute.Mandatory
                if ($block['Required'] -ne $required) {
                    New-CoverageProblem $command.Name 'MetadataMismatch' "-$($parameter.Name) in ${where}: the page says Required $($block['Required']), the cmdlet says $required." $file
                }
                $position = 'Named'
                if ($attribute.Position -ge 0) { $position = [string]$attribute.Position }
                if ($block['Position'] -ne $position) {
                    New-CoverageProblem $command.Name 'MetadataMismatch' "-$($parameter.Name) in ${where}: the page says Position $($block['Position']), the cmdlet says $position." $file
                }
                $pipe = @()
                if ($attribute.ValueFromPipeline) { $pipe += 'ByValue' }
                if ($attribute.ValueFromPipelineByPropertyName) { $pipe += 'ByPropertyName' }
                $docPipe = @()
                $pipeText = ''
                if ($block.Contains('Accept pipeline input')) { $pipeText = $block['Accept pipeline input'] }
                $m = [regex]::Match($pipeText, '^True\s*\(([^)]*)\)')
                if ($m.Success) { $docPipe = @($m.Groups[1].Value.Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ }) }
                if ((@($docPipe | Sort-Object) -join ',') -ne (@($pipe | Sort-Object) -join ',')) {
                    $real = 'False'
                    if ($pipe.Count -gt 0) { $real = "True ($($pipe -join ', '))" }
                    New-CoverageProblem $command.Name 'MetadataMismatch' "-$($parameter.Name) in ${where}: the page says pipeline input '$pipeText', the cmdlet says '$real'." $file
                }
            }
        }
        foreach ($name in $documented.Keys) {
            if (-not $command.Parameters.ContainsKey($name)) {
                New-CoverageProblem $command.Name 'UnknownParameter' "-$name is documented but the command has no such parameter." $file
            }
        }
    }

    $names = @($commands | ForEach-Object { $_.Name })
    foreach ($f in (Get-ChildItem -LiteralPath $source -Filter '*.md' -File | Where-Object { $_.Name -notlike 'about_*' })) {
        if ($names -notcontains $f.BaseName) {
            New-CoverageProblem $f.BaseName 'OrphanFile' "$($f.Name) documents a command that module $($loaded.Name) does not export." $f.FullName
        }
    }
}

# ---------------------------------------------------------------------------------------------
# Writing pages from a command's metadata (what platyPS's New-/Update-MarkdownHelp do)

$script:Placeholder = '{{ Fill in }}'

function Get-CommandParameter {
    # A command's own parameters (not the common ones), in declaration order.
    param([System.Management.Automation.CommandInfo]$Command)
    $common = @([System.Management.Automation.PSCmdlet]::CommonParameters)
    @($Command.Parameters.Values | Where-Object { $common -notcontains $_.Name })
}

function Format-SyntaxLine {
    # One parameter set as PowerShell prints syntax: positional first, then required, then optional; -WhatIf and -Confirm last.
    param([string]$Name, [System.Management.Automation.CommandParameterSetInfo]$Set)
    $common = @([System.Management.Automation.PSCmdlet]::CommonParameters)
    $own = @($Set.Parameters | Where-Object { $common -notcontains $_.Name })
    $positional = @($own | Where-Object { $_.Position -ge 0 } | Sort-Object Position)
    $named = @($own | Where-Object { $_.Position -lt 0 -and $_.Name -notin 'WhatIf', 'Confirm' } | Sort-Object { -not $_.IsMandatory })
    $last = @($own | Where-Object { $_.Position -lt 0 -and $_.Name -in 'WhatIf', 'Confirm' } | Sort-Object { $_.Name -ne 'WhatIf' })
    $parts = New-Object System.Collections.Generic.List[string]
    $parts.Add($Name)
    foreach ($p in @($positional + $named + $last)) {
        $isSwitch = $p.ParameterType -eq [System.Management.Automation.SwitchParameter]
        $type = Get-ShortTypeName $p.ParameterType
        $nameText = "-$($p.Name)"
        if ($p.Position -ge 0) { $nameText = "[-$($p.Name)]" }
        $text = if ($isSwitch) { $nameText } else { "$nameText <$type>" }
        if (-not $p.IsMandatory) { $text = "[$text]" }
        $parts.Add($text)
    }
    $parts.Add('[<CommonParameters>]')
    $parts -join ' '
}

function Get-SyntaxSection {
    # The SYNTAX section of a command: one code block, or one per parameter set under its name.
    param([System.Management.Automation.CommandInfo]$Command)
    $lines = New-Object System.Collections.Generic.List[string]
    $lines.Add('## SYNTAX')
    $lines.Add('')
    $sets = @($Command.ParameterSets)
    foreach ($set in $sets) {
        if ($sets.Count -gt 1) {
            $heading = "### $($set.Name)"
            if ($set.IsDefault) { $heading += ' (Default)' }
            $lines.Add($heading)
        }
        $lines.Add('```')
        $lines.Add((Format-SyntaxLine $Command.Name $set))
        $lines.Add('```')
        $lines.Add('')
    }
    $lines
}

function Get-ParameterSection {
    # One parameter as the pages write it: heading, a placeholder description, and a yaml block per group of parameter
    # sets that take it alike (required, position, pipeline input), which is what Test-FineTuningHelpCoverage checks.
    param([System.Management.Automation.CommandInfo]$Command, [System.Management.Automation.ParameterMetadata]$Parameter)
    $allSets = @($Command.ParameterSets | ForEach-Object { $_.Name })
    $groups = [ordered]@{}
    foreach ($attribute in $Parameter.Attributes) {
        if ($attribute -isnot [System.Management.Automation.ParameterAttribute]) { continue }
        $pipe = @()
        if ($attribute.ValueFromPipeline) { $pipe += 'ByValue' }
        if ($attribute.ValueFromPipelineByPropertyName) { $pipe += 'ByPropertyName' }
        $position = 'Named'
        if ($attribute.Position -ge 0) { $position = [string]$attribute.Position }
        $key = "$($attribute.Mandatory)|$position|$($pipe -join ', ')"
        if (-not $groups.Contains($key)) {
            $groups[$key] = [pscustomobject]@{ Required = [string]$attribute.Mandatory; Position = $position; Pipe = $pipe; Sets = New-Object System.Collections.Generic.List[string] }
        }
        $groups[$key].Sets.Add($attribute.ParameterSetName)
    }
    $aliases = @($Parameter.Aliases) -join ', '
    $accepted = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | ForEach-Object { $_.ValidValues })
    $wildcards = [bool]@($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count
    $lines = New-Object System.Collections.Generic.List[string]
    $lines.Add("### -$($Parameter.Name)")
    $lines.Add("$script:Placeholder what -$($Parameter.Name) does, its default and its limits.")
    $lines.Add('')
    foreach ($group in $groups.Values) {
        $sets = @($group.Sets)
        $setText = if ($sets -contains '__AllParameterSets' -or ($allSets.Count -gt 0 -and $sets.Count -eq $allSets.Count)) { '(All)' } else { $sets -join ', ' }
        $pipeText = 'False'
        if (@($group.Pipe).Count -gt 0) { $pipeText = "True ($($group.Pipe -join ', '))" }
        $lines.Add('```yaml')
        $lines.Add("Type: $(Get-ShortTypeName $Parameter.ParameterType)")
        $lines.Add("Parameter Sets: $setText")
        $lines.Add("Aliases: $aliases".TrimEnd())
        if ($accepted.Count -gt 0) { $lines.Add("Accepted values: $($accepted -join ', ')") }
        $lines.Add('')
        $lines.Add("Required: $($group.Required)")
        $lines.Add("Position: $($group.Position)")
        $lines.Add('Default value: None')
        $lines.Add("Accept pipeline input: $pipeText")
        $lines.Add("Accept wildcard characters: $wildcards")
        $lines.Add('```')
        $lines.Add('')
    }
    $lines
}

function New-FineTuningHelpPage {
    <#
    .SYNOPSIS
    Writes a new platyPS-layout page for a command from its metadata: syntax and every parameter filled in, the text
    left as placeholders that Test-FineTuningHelpCoverage reports until they are written. Returns the path.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][System.Management.Automation.CommandInfo]$Command, [Parameter(Mandatory)][string]$OutputPath)
    $path = [System.IO.Path]::Combine((Resolve-Path -LiteralPath $OutputPath).ProviderPath, "$($Command.Name).md")
    if (Test-Path -LiteralPath $path) { throw "$path already exists; Update-FineTuningHelpMarkdown adds what it lacks." }
    $lines = New-Object System.Collections.Generic.List[string]
    foreach ($l in @('---', 'external help file: FineTuning.dll-Help.xml', "Module Name: $($Command.ModuleName)", 'online version:', 'schema: 2.0.0', '---', '',
            "# $($Command.Name)", '', '## SYNOPSIS', "$script:Placeholder one sentence on what $($Command.Name) does.", '')) { $lines.Add($l) }
    foreach ($l in (Get-SyntaxSection $Command)) { $lines.Add($l) }
    foreach ($l in @('## DESCRIPTION', "$script:Placeholder what it does, what it sends, and the errors it writes.", '', '## EXAMPLES', '')) { $lines.Add($l) }
    foreach ($n in 1, 2) {
        foreach ($l in @("### Example ${n}: $script:Placeholder", '', '```powershell', "$script:Placeholder", '```', '', "$script:Placeholder what the example does.", '')) { $lines.Add($l) }
    }
    $lines.Add('## PARAMETERS')
    $lines.Add('')
    foreach ($p in (Get-CommandParameter $Command | Sort-Object { $_.Name -in 'WhatIf', 'Confirm' }, Name)) {
        foreach ($l in (Get-ParameterSection $Command $p)) { $lines.Add($l) }
    }
    foreach ($l in @('### CommonParameters',
            'This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutVariable, -OutBuffer, -PipelineVariable, -ProgressAction, -Verbose, -WarningAction, and -WarningVariable. For more information, see [about_CommonParameters](http://go.microsoft.com/fwlink/?LinkID=113216).',
            '', '## INPUTS', '')) { $lines.Add($l) }
    $inputs = @(Get-CommandParameter $Command | Where-Object { @($_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) }).Count } |
        ForEach-Object { $_.ParameterType.FullName } | Select-Object -Unique)
    if ($inputs.Count -eq 0) { $inputs = @('None') }
    foreach ($t in $inputs) { foreach ($l in @("### $t", "$script:Placeholder", '')) { $lines.Add($l) } }
    $lines.Add('## OUTPUTS')
    $lines.Add('')
    $outputs = @($Command.OutputType | ForEach-Object { $_.Name } | Select-Object -Unique)
    if ($outputs.Count -eq 0) { $outputs = @('None') }
    foreach ($t in $outputs) { foreach ($l in @("### $t", "$script:Placeholder", '')) { $lines.Add($l) } }
    foreach ($l in @('## NOTES', '', '## RELATED LINKS', '')) { $lines.Add($l) }
    [System.IO.File]::WriteAllText($path, (($lines -join "`n").TrimEnd() + "`n"), $script:Utf8NoBom)
    $path
}

function Update-FineTuningHelpMarkdown {
    <#
    .SYNOPSIS
    Brings the markdown help in line with a module's commands: a new page for each command without one, and in
    existing pages a section for each undocumented parameter (before CommonParameters) with the SYNTAX section
    rewritten from the command. Text already written is kept. Returns the paths written.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$Module, [Parameter(Mandatory)][string]$SourcePath)
    $source = (Resolve-Path -LiteralPath $SourcePath -ErrorAction Stop).ProviderPath
    $loaded = Get-Module -Name $Module | Select-Object -First 1
    if (-not $loaded) { $loaded = Import-Module $Module -PassThru -ErrorAction Stop | Select-Object -First 1 }
    foreach ($command in @(Get-Command -Module $loaded.Name -CommandType Cmdlet, Function | Sort-Object Name)) {
        $file = [System.IO.Path]::Combine($source, "$($command.Name).md")
        if (-not (Test-Path -LiteralPath $file)) {
            New-FineTuningHelpPage -Command $command -OutputPath $source
            continue
        }
        $doc = Read-FineTuningHelpMarkdown -Path $file
        $documented = @($doc.Parameters | ForEach-Object { $_.Name })
        $missing = @(Get-CommandParameter $command | Where-Object { $documented -notcontains $_.Name } | Sort-Object Name)
        if ($missing.Count -eq 0) { continue }
        $text = [System.IO.File]::ReadAllText($file, [System.Text.Encoding]::UTF8).Replace("`r`n", "`n")
        $sections = New-Object System.Collections.Generic.List[string]
        foreach ($p in $missing) { $sections.Add(((Get-ParameterSection $command $p) -join "`n")) }
        $insert = ($sections -join "`n") + "`n"
        $at = $text.IndexOf("### CommonParameters")
        if ($at -lt 0) { $at = $text.IndexOf("## INPUTS") }
        if ($at -lt 0) { throw "${file}: no '### CommonParameters' or '## INPUTS' heading to add parameters before." }
        $text = $text.Insert($at, $insert)
        $syntax = [regex]::Match($text, '(?ms)^## SYNTAX\n.*?(?=^## )')
        if ($syntax.Success) {
            $text = $text.Remove($syntax.Index, $syntax.Length).Insert($syntax.Index, (((Get-SyntaxSection $command) -join "`n") + "`n"))
        }
        [System.IO.File]::WriteAllText($file, $text, $script:Utf8NoBom)
        $file
    }
}

Export-ModuleMember -Function ConvertTo-FineTuningMaml, Read-FineTuningHelpMarkdown, Test-FineTuningHelpCoverage, New-FineTuningHelpPage, Update-FineTuningHelpMarkdown
