# Every example of the help pages (docs/en-US, the about_ page's code blocks included) runs as written against the
# emulator, unless HelpExamples.psd1 lists it with the reason it cannot run here; the listed ones must still name
# commands and parameters that exist. HelpExamples.Runner.ps1 runs them all in one pwsh of its own (a fresh runspace
# and a fresh fixture for each), once: not in the loopback rerun, since the runner starts its own emulators and its
# fixtures listen on loopback ports anyway.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    $script:examples = @(Get-HelpExample)
    $list = Get-HelpExampleList
    $keyOf = { param($e) "$($e.Page)/$($e.Example)" }
    $notRun = @{}; foreach ($entry in $list.NotRun) { $notRun[(& $keyOf $entry)] = $entry }
    $script:cases = foreach ($example in $examples) {
        $key = & $keyOf $example
        @{ Key = $key; Page = $example.Page; Example = $example.Example; Title = $example.Title; Code = $example.Code; Listed = $notRun[$key] }
    }
    $script:entries = foreach ($name in 'NotRun', 'Run') {
        foreach ($entry in $list[$name]) { @{ List = $name; Key = (& $keyOf $entry); Title = $entry.Title; Entry = $entry } }
    }
    foreach ($e in $entries) { $e.Times = @($entries | Where-Object { $_.Key -eq $e.Key }).Count }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    $script:List = Get-HelpExampleList
    $script:All = @(Get-HelpExample)
    $listed = @($List.NotRun | ForEach-Object { "$($_.Page)/$($_.Example)" })
    $settings = @{}; foreach ($entry in $List.Run) { $settings["$($entry.Page)/$($entry.Example)"] = $entry }
    $toRun = foreach ($example in $All) {
        $key = "$($example.Page)/$($example.Example)"
        if ($key -in $listed) { continue }
        $example | Add-Member -NotePropertyName Settings -NotePropertyValue $(if ($settings[$key]) { $settings[$key] } else { @{} }) -PassThru
    }
    $work = Join-Path $TestDrive 'examples'
    New-Item -ItemType Directory -Path $work | Out-Null
    $inputPath = Join-Path $TestDrive 'examples.xml'
    $outputPath = Join-Path $TestDrive 'results.xml'
    $toRun | Export-Clixml -LiteralPath $inputPath
    $pester = (Get-Module Pester | Sort-Object Version | Select-Object -Last 1).Path -replace '\.psm1$', '.psd1'
    $self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    $prefix = @()
    if ([System.IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { $prefix = @([System.Reflection.Assembly]::GetEntryAssembly().Location) }
    $runner = Join-Path $PSScriptRoot 'HelpExamples.Runner.ps1'
    $script:RunnerLog = & $self @prefix -NoProfile -NonInteractive -File $runner -ModuleFolder $script:ModuleFolder -InputPath $inputPath `
        -OutputPath $outputPath -WorkRoot $work -PesterPath $pester 2>&1 | ForEach-Object { "$_" }
    $script:Results = @{}
    if (Test-Path -LiteralPath $outputPath) { foreach ($r in Import-Clixml -LiteralPath $outputPath) { $script:Results[$r.Key] = $r } }
}

Describe 'The list of examples that run and examples that cannot' {
    It 'finds the examples of every page' {
        $All.Count | Should -BeGreaterThan 100
        $pages = @(Get-ChildItem (Join-Path $PSScriptRoot '../../docs/en-US') -Filter '*.md').Count
        @($All.Page | Sort-Object -Unique).Count | Should -Be $pages
    }

    It '<List> names <Key>, an example that exists under that title' -ForEach $entries {
        $example = $All | Where-Object { "$($_.Page)/$($_.Example)" -eq $Key }
        $example | Should -Not -BeNullOrEmpty -Because "HelpExamples.psd1 ($List) names $Key, which no page has"
        $example.Title | Should -BeExactly $Title -Because "$Key has another title now: was it renumbered or rewritten?"
    }

    It '<List> entry <Key> is there once and says what it must' -ForEach $entries {
        $Times | Should -Be 1 -Because 'an example either runs or is listed, once'
        if ($List -eq 'NotRun') { $Entry.Reason | Should -Not -BeNullOrEmpty }
        $unknown = @($Entry.Keys | Where-Object { $_ -notin 'Page', 'Example', 'Title', 'Reason', 'Fixture', 'Tick', 'Ids', 'Given', 'Errors', 'Expect', 'Check' })
        $unknown | Should -BeNullOrEmpty
        if ($Entry.Fixture) { $Entry.Fixture | Should -BeIn 'OpenAI', 'Azure', 'Ticking', 'None' }
    }
}

Describe 'Help examples' {
    It '<Key>: <Title>' -ForEach $cases {
        if ($Listed) {
            # Not run here: it must still parse and name only commands and parameters that exist.
            $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref] $null, [ref] $errors)
            $errors | Should -BeNullOrEmpty
            foreach ($call in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) {
                $name = $call.GetCommandName()
                if (-not $name -or $name -notmatch '-FineTuning') { continue }
                $command = Get-Command $name -Module FineTuning -ErrorAction SilentlyContinue
                $command | Should -Not -BeNullOrEmpty -Because "$Key uses '$name'"
                $known = @($command.Parameters.Keys) + @($command.Parameters.Values.Aliases)
                foreach ($parameter in $call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                    @($known | Where-Object { $_ -like "$($parameter.ParameterName)*" }) |
                        Should -Not -BeNullOrEmpty -Because "$name has no parameter -$($parameter.ParameterName) ($Key)"
                }
            }
            return
        }
        $result = $script:Results[$Key]
        $result | Should -Not -BeNullOrEmpty -Because "the runner wrote no result for it:`n$($script:RunnerLog -join "`n")"
        $shown = "Ran:`n$($result.Code)`nIt showed:`n$($result.Text)"
        $result.Failure | Should -BeNullOrEmpty -Because $shown
        $entry = $List.Run | Where-Object { "$($_.Page)/$($_.Example)" -eq $Key }
        $allowed = @($entry.Errors)
        $unexpected = @($result.Errors | Where-Object { $id = ($_ -split '\|')[0]; -not @($allowed | Where-Object { $id -like $_ }).Count })
        $unexpected | Should -BeNullOrEmpty -Because $shown
        if ($allowed) { @($result.Errors).Count | Should -BeGreaterThan 0 -Because "the example shows an error ($($allowed -join ', ')): $shown" }
        if ($entry.Expect) { $result.Text | Should -Match $result.Expect -Because $shown }   # with the fixture's ids for the placeholders
        $result.CheckFailure | Should -BeNullOrEmpty -Because $shown
    }
}
