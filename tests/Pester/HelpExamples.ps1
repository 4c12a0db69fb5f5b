# Reads the examples of the help pages (docs/en-US) and the list that says how each one runs; dot-sourced by
# HelpExamples.Tests.ps1 in discovery and in BeforeAll.

function Get-HelpExample {
    # Every example of the help pages: a cmdlet page's "### Example N: title" blocks, and each code block of an
    # about_ page (numbered in order, titled by the sentence before it).
    param([string] $Folder = (Join-Path $PSScriptRoot '../../docs/en-US'))
    foreach ($page in Get-ChildItem -LiteralPath $Folder -Filter '*.md' | Sort-Object Name) {
        $text = [System.IO.File]::ReadAllText($page.FullName) -replace "`r`n", "`n"
        if ($page.BaseName -like 'about_*') {
            $n = 0
            foreach ($m in [regex]::Matches($text, '(?ms)((?:^[^\n]+\n)+)\n*```[a-z]*\n(.*?)^```')) {
                $n++
                # The title: the last sentence of the paragraph that leads into the block.
                $paragraph = ($m.Groups[1].Value -split '\n' | Where-Object { $_ } | ForEach-Object Trim) -join ' '
                $title = ($paragraph -split '(?<=\.) ')[-1].Trim().TrimEnd(':')
                [pscustomobject]@{ Page = $page.BaseName; Example = $n; Title = $title; Code = $m.Groups[2].Value }
            }
            continue
        }
        $section = [regex]::Match($text, '(?s)\n## EXAMPLES\n(.*?)\n## PARAMETERS').Groups[1].Value
        foreach ($m in [regex]::Matches($section, '(?ms)^### Example (\d+): ([^\n]*)\n+```powershell\n(.*?)^```')) {
            [pscustomobject]@{ Page = $page.BaseName; Example = [int]$m.Groups[1].Value; Title = $m.Groups[2].Value.Trim(); Code = $m.Groups[3].Value }
        }
    }
}

function Get-HelpExampleList {
    # HelpExamples.psd1: the examples that cannot run here (NotRun, each with its reason) and how the others are set
    # up and checked (Run). Both are keyed by page and number, with the title to catch a renumbering.
    Import-PowerShellDataFile -LiteralPath (Join-Path $PSScriptRoot 'HelpExamples.psd1')
}
