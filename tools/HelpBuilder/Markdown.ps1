# Part of HelpBuilder (tools/HelpBuilder.psm1): reading the platyPS-layout markdown of docs/en-US into
# objects (Read-FineTuningHelpMarkdown), with the line number of every problem it finds.

function New-HelpParseError {
    # Makes the exception that a reading problem is thrown as, naming the file and line.
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'Creates an exception object and changes nothing.')]
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
        if ($i -lt 1) { throw (New-HelpParseError -Path $Path -Line $nl.Number -Message "expected 'Key: value' in the parameter's yaml block, found '$($nl.Text.Trim())'.") }
        $map[$nl.Text.Substring(0, $i).Trim()] = $nl.Text.Substring($i + 1).Trim()
    }
    foreach ($key in 'Type', 'Parameter Sets', 'Required', 'Position') {
        if (-not $map.Contains($key)) {
            $first = 0
            if (@($NumberedLines).Count -gt 0) { $first = $NumberedLines[0].Number }
            throw (New-HelpParseError -Path $Path -Line $first -Message "the parameter's yaml block has no '$key' line.")
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
            if ($end -lt 0) { throw (New-HelpParseError -Path $full -Line 1 -Message "the front matter opened with '---' is never closed.") }
            for ($i = 1; $i -lt $end; $i++) {
                $j = $all[$i].IndexOf(':')
                if ($j -gt 0) { $frontMatter[$all[$i].Substring(0, $j).Trim()] = $all[$i].Substring($j + 1).Trim() }
            }
            $start = $end + 1
        }
        for ($i = $start; $i -lt $all.Length; $i++) { $numbered.Add([pscustomobject]@{ Number = $i + 1; Text = $all[$i] }) }

        $top = Split-HelpSection $numbered.ToArray() 1
        $titled = @($top | Where-Object { $_.Title })
        if ($titled.Count -ne 1) { throw (New-HelpParseError -Path $full -Line 0 -Message "expected exactly one '# <Command-Name>' heading, found $($titled.Count).") }
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
                        if (-not $sawCode) { throw (New-HelpParseError -Path $full -Line $s.Line -Message "example '$($s.Title)' has no fenced code block.") }
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
                        if (-not $s.Title.StartsWith('-')) { throw (New-HelpParseError -Path $full -Line $s.Line -Message "a parameter heading must be '### -Name', found '### $($s.Title)'.") }
                        $text = New-Object System.Collections.Generic.List[string]
                        $blocks = @()
                        $yaml = $null
                        foreach ($nl in $s.Lines) {
                            $t = $nl.Text.Trim()
                            if ($null -eq $yaml -and $t -eq '```yaml') { $yaml = New-Object System.Collections.Generic.List[object]; continue }
                            if ($null -ne $yaml -and $t -eq '```') { $blocks += , (Read-YamlBlock $yaml.ToArray() $full); $yaml = $null; continue }
                            if ($null -ne $yaml) { $yaml.Add($nl) } else { $text.Add($nl.Text) }
                        }
                        if ($null -ne $yaml) { throw (New-HelpParseError -Path $full -Line $s.Line -Message "the yaml block of $($s.Title) is not closed.") }
                        if ($blocks.Count -eq 0) { throw (New-HelpParseError -Path $full -Line $s.Line -Message "parameter $($s.Title) has no yaml block.") }
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
                            throw (New-HelpParseError -Path $full -Line $nl.Number -Message "a related link must be '[text](uri)', found '$($nl.Text.Trim())'.")
                        }
                    }
                    $result.RelatedLinks = $links
                }
                default { throw (New-HelpParseError -Path $full -Line $section.Line -Message "unknown section '## $($section.Title)'.") }
            }
        }
        $result
    }
}

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
