# The help pages' examples name only commands and parameters that exist, so a rename cannot leave an example
# behind. (Most examples act on a real account's ids, so they are checked, not run; the README tour is run.)

BeforeDiscovery {
    $script:examples = foreach ($page in Get-ChildItem (Join-Path $PSScriptRoot '../../docs/en-US') -Filter '*-*.md') {
        $text = Get-Content -LiteralPath $page.FullName -Raw
        $section = [regex]::Match($text, '(?s)\n## EXAMPLES\r?\n(.*?)\n## PARAMETERS').Groups[1].Value
        foreach ($m in [regex]::Matches($section, '(?s)### (Example [^\r\n]*).*?```powershell\r?\n(.*?)```')) {
            @{ Page = $page.BaseName; Title = $m.Groups[1].Value; Code = $m.Groups[2].Value }
        }
    }
}

BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'Help examples' {
    It 'finds them' {
        $examples.Count | Should -BeGreaterThan 60
    }

    It '<Page>, <Title>: names only commands and parameters that exist' -ForEach $examples {
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref] $null, [ref] $errors)
        $errors | Should -BeNullOrEmpty
        foreach ($call in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) {
            $name = $call.GetCommandName()
            if (-not $name -or $name -notmatch '-FineTuning') { continue }   # the module's own commands; others are PowerShell's
            $command = Get-Command $name -Module FineTuning -ErrorAction SilentlyContinue
            $command | Should -Not -BeNullOrEmpty -Because "$Page ($Title) uses '$name'"
            $known = @($command.Parameters.Keys) + @($command.Parameters.Values.Aliases)
            foreach ($parameter in $call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                @($known | Where-Object { $_ -like "$($parameter.ParameterName)*" }) |
                    Should -Not -BeNullOrEmpty -Because "$name has no parameter -$($parameter.ParameterName) ($Page, $Title)"
            }
        }
    }
}
