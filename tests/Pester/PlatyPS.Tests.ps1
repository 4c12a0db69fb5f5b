# The help markdown stays readable by platyPS 0.14.2, the tool most PowerShell authors use: its New-ExternalHelp
# must accept every page of docs/en-US and find in each the command and the parameters the page documents. The
# module's own builder (tools/HelpBuilder.psm1) still writes the MAML that ships; this only keeps the two in step.
# platyPS comes from out/tools, an installed copy, the folder repository in $env:FINETUNING_TOOL_REPOSITORY
# (such as ../shared/psrepo beside a clone) or the PowerShell Gallery; where none has it the tests are skipped
# with the reason. It runs in a pwsh process of its own (its YamlDotNet must not meet another copy).
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', 'pages',
    Justification = 'Set in BeforeDiscovery for the -ForEach of the tests below.')]
param()

BeforeDiscovery {
    $docs = Join-Path $PSScriptRoot '../../docs/en-US'
    $pages = @(Get-ChildItem -LiteralPath $docs -Filter '*.md' -File | Sort-Object Name |
            ForEach-Object { @{ Name = $_.BaseName; About = $_.Name -like 'about_*' } })
}

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $script:Docs = Join-Path $script:Repo 'docs/en-US'
    $script:Unavailable = $null
    Import-Module (Join-Path $script:Repo 'tools/BuildTools.psm1') -Force
    try {
        $script:PlatyPS = Install-FineTuningBuildTool -Name platyPS -Version '0.14.2' -Root $script:Repo
    } catch {
        $script:Unavailable = "platyPS 0.14.2 is not available here: $($_.Exception.Message)"
    }

    # The child process: New-ExternalHelp on each page alone and on the whole folder; for each, what it threw or
    # warned and which commands and parameters the MAML it wrote holds. Written as JSON on the last line.
    $script:Probe = Join-Path $TestDrive 'probe.ps1'
    Set-Content -LiteralPath $script:Probe -Value @'
param([string] $PlatyPS, [string] $Source, [string] $Out)
$ErrorActionPreference = 'Stop'
Import-Module $PlatyPS
function Invoke-Probe([string] $Path, [string] $Name) {
    $target = Join-Path $Out $Name
    $result = [ordered]@{ Name = $Name; Error = $null; Warnings = @(); Files = @(); Commands = @() }
    try {
        $written = @(New-ExternalHelp -Path $Path -OutputPath $target -Force -WarningVariable warned -WarningAction SilentlyContinue)
        $result.Warnings = @($warned | ForEach-Object { "$_" })
        $result.Files = @($written | ForEach-Object Name)
        foreach ($xml in @($written | Where-Object Extension -eq '.xml')) {
            $doc = [xml][System.IO.File]::ReadAllText($xml.FullName)
            $ns = New-Object System.Xml.XmlNamespaceManager $doc.NameTable
            $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
            $ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
            $result.Commands += @($doc.SelectNodes('//command:command', $ns) | ForEach-Object {
                    [ordered]@{
                        Name       = $_.SelectSingleNode('command:details/command:name', $ns).InnerText.Trim()
                        Parameters = @($_.SelectNodes('command:parameters/command:parameter/maml:name', $ns) | ForEach-Object { $_.InnerText.Trim() })
                    }
                })
        }
    } catch {
        $result.Error = "$($_.Exception.Message)"
    }
    $result
}
$results = @(Get-ChildItem -LiteralPath $Source -Filter '*.md' -File | ForEach-Object { Invoke-Probe -Path $_.FullName -Name $_.BaseName })
$results += Invoke-Probe -Path $Source -Name '(folder)'
ConvertTo-Json -InputObject $results -Depth 6 -Compress
'@

    function Invoke-PlatyPSProbe([string] $Source) {
        # Runs the probe in a new pwsh (dotnet-hosted or not) and returns its results by page name.
        $self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        $prefix = @()
        if ([System.IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { $prefix = @([System.Reflection.Assembly]::GetEntryAssembly().Location) }
        $out = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        $lines = @(& $self @prefix -NoProfile -NonInteractive -File $script:Probe -PlatyPS $script:PlatyPS -Source $Source -Out $out 2>&1 | ForEach-Object { "$_" })
        if ($LASTEXITCODE -ne 0) { throw "The platyPS probe failed ($LASTEXITCODE): $($lines -join "`n")" }
        $byName = @{}
        foreach ($r in @($lines[-1] | ConvertFrom-Json)) { $byName[$r.Name] = $r }
        $byName
    }

    if (-not $script:Unavailable) { $script:Results = Invoke-PlatyPSProbe -Source $script:Docs }
}

Describe 'platyPS 0.14.2 New-ExternalHelp on docs/en-US' {
    BeforeEach {
        if ($script:Unavailable) { Set-ItResult -Skipped -Because $script:Unavailable }
    }

    It 'accepts <Name>.md and finds in it the command and every parameter it documents' -ForEach @($pages | Where-Object { -not $_.About }) {
        $result = $script:Results[$Name]
        $result.Error | Should -BeNullOrEmpty
        $result.Warnings | Should -BeNullOrEmpty
        $result.Commands.Count | Should -Be 1
        $result.Commands[0].Name | Should -Be $Name
        $documented = @(Select-String -LiteralPath (Join-Path $script:Docs "$Name.md") -Pattern '^### -(\w+)\s*$' |
                ForEach-Object { $_.Matches[0].Groups[1].Value } | Sort-Object)
        @($result.Commands[0].Parameters | Sort-Object) | Should -Be $documented
    }

    It 'turns the about topic <Name>.md into <Name>.help.txt' -ForEach @($pages | Where-Object { $_.About }) {
        $result = $script:Results[$Name]
        $result.Error | Should -BeNullOrEmpty
        $result.Files | Should -Be @("$Name.help.txt")
    }

    It 'accepts the whole folder in one call, as a module build would run it' {
        $result = $script:Results['(folder)']
        $result.Error | Should -BeNullOrEmpty
        $commandPages = @(Get-ChildItem -LiteralPath $script:Docs -Filter '*.md' -File | Where-Object Name -NotLike 'about_*' |
                ForEach-Object BaseName | Sort-Object)
        @($result.Commands | ForEach-Object Name | Sort-Object) | Should -Be $commandPages
    }

    It 'rejects a page it cannot read, naming the file (the check can fail)' {
        $bad = Join-Path $TestDrive 'bad'
        New-Item -ItemType Directory -Path $bad | Out-Null
        # A page whose example's code fence is never closed: the headings that follow are swallowed.
        $text = [System.IO.File]::ReadAllText((Join-Path $script:Docs 'Get-FineTuningJob.md'))
        $at = $text.IndexOf('```', $text.IndexOf('## EXAMPLES'))
        $close = $text.IndexOf('```', $at + 3)
        [System.IO.File]::WriteAllText((Join-Path $bad 'Get-FineTuningJob.md'), $text.Remove($close, 3))
        $result = (Invoke-PlatyPSProbe -Source $bad)['Get-FineTuningJob']
        $result.Error | Should -BeLike '*Get-FineTuningJob.md*'
    }
}
