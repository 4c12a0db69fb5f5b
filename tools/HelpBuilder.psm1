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

# Its four jobs live in tools/HelpBuilder/, one file each, dot-sourced into this module so that they share
# its scope and constants:
#   Markdown.ps1  read the markdown (Read-FineTuningHelpMarkdown)
#   Maml.ps1      write the MAML and about topics (ConvertTo-FineTuningMaml)
#   Coverage.ps1  check that every cmdlet and parameter is documented (Test-FineTuningHelpCoverage)
#   Scaffold.ps1  write pages and sections for what is missing (New-FineTuningHelpPage, Update-FineTuningHelpMarkdown)

foreach ($part in 'Markdown', 'Maml', 'Coverage', 'Scaffold') {
    . (Join-Path (Join-Path $PSScriptRoot 'HelpBuilder') "$part.ps1")
}

Export-ModuleMember -Function ConvertTo-FineTuningMaml, Read-FineTuningHelpMarkdown, Test-FineTuningHelpCoverage, New-FineTuningHelpPage, Update-FineTuningHelpMarkdown
