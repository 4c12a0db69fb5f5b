# Part of HelpBuilder (tools/HelpBuilder.psm1): writing pages and sections from a command's metadata,
# what platyPS's New-/Update-MarkdownHelp do (New-FineTuningHelpPage, Update-FineTuningHelpMarkdown).

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
    With -WhatIf it says which page it would write.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([string])]
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
    if (-not $PSCmdlet.ShouldProcess($path, 'Write a new help page')) { return }
    [System.IO.File]::WriteAllText($path, (($lines -join "`n").TrimEnd() + "`n"), $script:Utf8NoBom)
    $path
}

function Update-FineTuningHelpMarkdown {
    <#
    .SYNOPSIS
    Brings the markdown help in line with a module's commands: a new page for each command without one, and in
    existing pages a section for each undocumented parameter (before CommonParameters) with the SYNTAX section
    rewritten from the command. Text already written is kept. Returns the paths written.
    With -WhatIf it says which pages it would write or change.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([string])]
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
        if (-not $PSCmdlet.ShouldProcess($file, "Add sections for $($missing.Count) parameter(s)")) { continue }
        [System.IO.File]::WriteAllText($file, $text, $script:Utf8NoBom)
        $file
    }
}
