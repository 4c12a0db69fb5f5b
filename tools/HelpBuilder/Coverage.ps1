# Part of HelpBuilder (tools/HelpBuilder.psm1): checking that the markdown documents every cmdlet and
# parameter of the module as the module declares it (Test-FineTuningHelpCoverage).

function Get-ShortTypeName {
    # How the markdown names a parameter's type: String[], Int32, SwitchParameter, FineTuningConnection.
    param([type]$Type)
    if ($Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]) { $Type = $Type.GetGenericArguments()[0] }
    $Type.Name
}

function New-CoverageProblem {
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'Creates a result object and changes nothing.')]
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
            New-CoverageProblem -Command $command.Name -Problem 'MissingFile' -Message "No help page: $file does not exist." -Path $file
            continue
        }
        try { $doc = Read-FineTuningHelpMarkdown -Path $file }
        catch {
            New-CoverageProblem -Command $command.Name -Problem 'ParseError' -Message $_.Exception.Message -Path $file
            continue
        }
        if ([string]::IsNullOrWhiteSpace($doc.Synopsis) -or $doc.Synopsis -match '\{\{') {
            New-CoverageProblem -Command $command.Name -Problem 'MissingSynopsis' -Message 'The SYNOPSIS section is empty or a placeholder.' -Path $file
        }
        $examples = @($doc.Examples | Where-Object { $_.Code -and $_.Code -notmatch '\{\{ Fill in' })
        if ($examples.Count -lt $MinimumExamples) {
            New-CoverageProblem -Command $command.Name -Problem 'TooFewExamples' -Message "$($examples.Count) example(s) with code; at least $MinimumExamples are needed." -Path $file
        }
        $left = [regex]::Matches([System.IO.File]::ReadAllText($file), '\{\{ Fill in').Count
        if ($left -gt 0) {
            New-CoverageProblem -Command $command.Name -Problem 'Placeholder' -Message "$left placeholder(s) '{{ Fill in ... }}' left to write." -Path $file
        }

        $documented = @{}
        foreach ($p in $doc.Parameters) { $documented[$p.Name] = $p }
        foreach ($parameter in $command.Parameters.Values) {
            if ($common -contains $parameter.Name) { continue }
            if (-not $documented.ContainsKey($parameter.Name)) {
                New-CoverageProblem -Command $command.Name -Problem 'UndocumentedParameter' -Message "-$($parameter.Name) is not documented." -Path $file
                continue
            }
            $p = $documented[$parameter.Name]
            if (@($p.Description | Where-Object { $_ -and $_ -notmatch '\{\{' }).Count -eq 0) {
                New-CoverageProblem -Command $command.Name -Problem 'MissingParameterDescription' -Message "-$($parameter.Name) has no description." -Path $file
            }
            $type = Get-ShortTypeName $parameter.ParameterType
            $docType = $p.Metadata[0]['Type']
            if ($docType -ne $type) {
                New-CoverageProblem -Command $command.Name -Problem 'MetadataMismatch' -Message "-$($parameter.Name): the page says Type $docType, the cmdlet takes $type." -Path $file
            }
            $docAliases = @()
            if ($p.Metadata[0].Contains('Aliases') -and $p.Metadata[0]['Aliases']) { $docAliases = @($p.Metadata[0]['Aliases'].Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ }) }
            $realAliases = @($parameter.Aliases | Where-Object { $parameter.Name -notin 'WhatIf', 'Confirm' })
            if ($parameter.Name -in 'WhatIf', 'Confirm') { $realAliases = @($parameter.Aliases) }
            if ((@($docAliases | Sort-Object) -join ',') -ne (@($realAliases | Sort-Object) -join ',')) {
                New-CoverageProblem -Command $command.Name -Problem 'MetadataMismatch' -Message "-$($parameter.Name): the page gives aliases '$($docAliases -join ', ')', the cmdlet has '$($realAliases -join ', ')'." -Path $file
            }
            foreach ($attribute in $parameter.Attributes) {
                if ($attribute -isnot [System.Management.Automation.ParameterAttribute]) { continue }
                $set = $attribute.ParameterSetName
                if ($set -eq '__AllParameterSets') { $set = $null }
                $block = Get-ParameterBlockFor $p $set
                $where = '(all sets)'
                if ($set) { $where = "set $set" }
                if ($null -eq $block) {
                    New-CoverageProblem -Command $command.Name -Problem 'MetadataMismatch' -Message "-$($parameter.Name): no yaml block covers $where." -Path $file
                    continue
                }
                $required = [string]$attribute.Mandatory
                if ($block['Required'] -ne $required) {
                    New-CoverageProblem -Command $command.Name -Problem 'MetadataMismatch' -Message "-$($parameter.Name) in ${where}: the page says Required $($block['Required']), the cmdlet says $required." -Path $file
                }
                $position = 'Named'
                if ($attribute.Position -ge 0) { $position = [string]$attribute.Position }
                if ($block['Position'] -ne $position) {
                    New-CoverageProblem -Command $command.Name -Problem 'MetadataMismatch' -Message "-$($parameter.Name) in ${where}: the page says Position $($block['Position']), the cmdlet says $position." -Path $file
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
                    New-CoverageProblem -Command $command.Name -Problem 'MetadataMismatch' -Message "-$($parameter.Name) in ${where}: the page says pipeline input '$pipeText', the cmdlet says '$real'." -Path $file
                }
            }
        }
        foreach ($name in $documented.Keys) {
            if (-not $command.Parameters.ContainsKey($name)) {
                New-CoverageProblem -Command $command.Name -Problem 'UnknownParameter' -Message "-$name is documented but the command has no such parameter." -Path $file
            }
        }
    }

    $names = @($commands | ForEach-Object { $_.Name })
    foreach ($f in (Get-ChildItem -LiteralPath $source -Filter '*.md' -File | Where-Object { $_.Name -notlike 'about_*' })) {
        if ($names -notcontains $f.BaseName) {
            New-CoverageProblem -Command $f.BaseName -Problem 'OrphanFile' -Message "$($f.Name) documents a command that module $($loaded.Name) does not export." -Path $f.FullName
        }
    }
}
