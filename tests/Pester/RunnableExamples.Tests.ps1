# The help examples of the cmdlets that keep, compare and move jobs run as written against the emulator, each in a fresh process
# (HelpExamples.Tests.ps1 checks the commands and parameters every example names; this one runs a few of them).
BeforeDiscovery {
    $script:runnable = @(
        @{ Page = 'ConvertTo-FineTuningJobSpec'; Example = 1; Expect = 'succeeded|validating_files|queued|running' }
        @{ Page = 'Export-FineTuningJob'; Example = 1; Expect = 'spec\.psd1' }
        @{ Page = 'Compare-FineTuningJob'; Example = 1; Expect = 'SFT' }
        @{ Page = 'Export-FineTuningReport'; Example = 1; Expect = 'report\.html' }
        @{ Page = 'New-FineTuningJob'; Example = 6; Expect = 'from-spec' }
        @{ Page = 'Show-FineTuningMetric'; Example = 4; Expect = '\* ftjob-\S+\s+o ftjob-' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    function Get-ExampleCode([string] $Page, [int] $Number) {
        $text = Get-Content (Join-Path $PSScriptRoot "../../docs/en-US/$Page.md") -Raw
        $m = [regex]::Match($text, "(?ms)^### Example ${Number}:[^\n]*\n+``````powershell\r?\n(.*?)^``````")
        if (-not $m.Success) { throw "No Example $Number in $Page.md." }
        $m.Groups[1].Value
    }
}

Describe 'Runnable help examples' {
    It '<Page> example <Example> runs on the emulator' -ForEach $runnable {
        $work = Join-Path $TestDrive "$Page-$Example"
        New-Item -ItemType Directory -Path (Join-Path $work 'examples') | Out-Null
        Copy-Item -Recurse (Join-Path $PSScriptRoot '../../examples/data') (Join-Path $work 'examples/data')
        $script = Join-Path $work 'example.ps1'
        $code = Get-ExampleCode $Page $Example
        Set-Content $script ("`$ErrorActionPreference = 'Stop'`nImport-Module '$(Join-Path $script:ModuleFolder 'FineTuning.psd1')'`nSet-Location '$work'`n" + $code + "`n")
        $self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        $prefix = @()
        if ([System.IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { $prefix = @([System.Reflection.Assembly]::GetEntryAssembly().Location) }
        $output = & $self @prefix -NoProfile -NonInteractive -File $script 2>&1 | ForEach-Object { "$_" }
        $text = ($output -join "`n") -replace '\e\[[0-9;]*m'
        $LASTEXITCODE | Should -Be 0 -Because $text
        $text | Should -Not -MatchExactly 'ERROR|Exception'
        $text | Should -Match $Expect
    }
}
