# Part of HelpBuilder (tools/HelpBuilder.psm1): writing what Get-Help reads from the parsed markdown, the
# MAML file for the cmdlets and the about_*.help.txt topics (ConvertTo-FineTuningMaml).

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

function Write-Paragraph {
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
    Write-Paragraph $Writer $Parameter.Description
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

function Get-SyntaxSetName {
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
    Write-Paragraph $w @($Doc.Synopsis)
    $w.WriteEndElement()

    Write-Paragraph $w $Doc.Description

    # Syntax: one item per parameter set; positional parameters first, then mandatory, then the rest.
    $w.WriteStartElement('command', 'syntax', $script:CommandNs)
    foreach ($set in (Get-SyntaxSetName $Doc)) {
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
        foreach ($m in ($members | Sort-Object Rank, Pos, Order)) { Write-MamlParameter -Writer $w -Parameter $m.Parameter -Block $m.Block -InSyntax }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $script:CommandNs)
    foreach ($p in $Doc.Parameters) { Write-MamlParameter -Writer $w -Parameter $p -Block $p.Metadata[0] }
    $w.WriteEndElement()

    foreach ($kind in @(@{ List = 'inputTypes'; Item = 'inputType'; Items = $Doc.Inputs }, @{ List = 'returnValues'; Item = 'returnValue'; Items = $Doc.Outputs })) {
        $w.WriteStartElement('command', $kind.List, $script:CommandNs)
        foreach ($t in $kind.Items) {
            $w.WriteStartElement('command', $kind.Item, $script:CommandNs)
            $w.WriteStartElement('dev', 'type', $script:DevNs)
            $w.WriteElementString('maml', 'name', $script:MamlNs, $t.Type)
            $w.WriteEndElement()
            Write-Paragraph $w $t.Description
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
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', 'Width',
        Justification = 'Read by the $flush script block below, which the rule does not look into.')]
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
            foreach ($l in (Format-WrappedText -Text $text -Indent 4 -Width $Width -FirstPrefix $listPrefix)) { $out.Add($l) }
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
    if ($null -eq $topic) { throw (New-HelpParseError -Path $Path -Line 0 -Message "an about topic needs a '## about_<Name>' line naming it.") }
    while ($out.Count -gt 0 -and $out[$out.Count - 1] -eq '') { $out.RemoveAt($out.Count - 1) }
    $header = @('TOPIC', "    $topic", '')
    [pscustomobject]@{ Name = $topic; Text = (($header + $out.ToArray()) -join [Environment]::NewLine) + [Environment]::NewLine }
}

# The public command

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
