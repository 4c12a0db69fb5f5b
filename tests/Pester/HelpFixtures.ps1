# Help-test fixtures shared by Help.Tests.ps1 and HelpTools.Tests.ps1 (dot-sourced in their BeforeAll).

# A page with every character XML must escape, and a parameter in two sets with different metadata.
function New-FixturePage {
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'A test helper that writes only into Pester''s TestDrive.')]
    param([string]$Folder, [string]$Name = 'Get-Widget', [string]$ParameterBlock)
    if (-not $ParameterBlock) {
        $ParameterBlock = @'
### -Id
Ids such as <id> & "quoted" 'ones'.

```yaml
Type: String[]
Parameter Sets: ById
Aliases: WidgetId, widget_id

Required: True
Position: 0
Default value: None
Accept pipeline input: True (ByValue, ByPropertyName)
Accept wildcard characters: False
```

### -Limit
How many.

```yaml
Type: Int32
Parameter Sets: List
Aliases:
Accepted values: 1, 10, 100

Required: False
Position: Named
Default value: 10
Accept pipeline input: False
Accept wildcard characters: False
```

```yaml
Type: Int32
Parameter Sets: ById
Aliases:

Required: True
Position: 1
Default value: 10
Accept pipeline input: False
Accept wildcard characters: False
```
'@
    }
    $text = @"
---
external help file: Fixture.dll-Help.xml
Module Name: Fixture
online version: https://example.test/help/$Name
schema: 2.0.0
---

# $Name

## SYNOPSIS
Gets widgets whose size is < 10 & > 2.

## SYNTAX

### List (Default)
``````
$Name [-Limit <Int32>]
``````

### ById
``````
$Name [-Id] <String[]> [-Limit] <Int32>
``````

## DESCRIPTION
First paragraph with ``code`` and **bold** and a [link](https://example.test).

- a list item
- another one

## EXAMPLES

### Example 1: markup in code
``````powershell
`$x = "<a href='x'>&amp;</a>" ; ']]>'
``````

Remarks with <angle> brackets.

### Example 2: two blocks
``````powershell
$Name -Limit 1
``````

``````powershell
$Name -Id w1
``````

## PARAMETERS

$ParameterBlock

### CommonParameters
This cmdlet supports the common parameters.

## INPUTS

### System.String[]
Ids.

## OUTPUTS

### Widget
A widget.

## NOTES
A note & more.

## RELATED LINKS

[Get-Gadget](Get-Gadget.md)

[Spec](https://example.test/spec)
"@
    $path = Join-Path $Folder "$Name.md"
    [System.IO.File]::WriteAllText($path, $text.Replace("`r`n", "`n"), (New-Object System.Text.UTF8Encoding($false)))
    $path
}
