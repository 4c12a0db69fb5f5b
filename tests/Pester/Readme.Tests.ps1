# The README's tour as a reader meets it: every line pasted, in order, into a fresh session started in the
# repository after the build, doing what its comment says. The block is read from README.md itself, so an edit
# there is tested as it is written. (Run once; not in the loopback rerun: the tour starts its own emulator.)

BeforeDiscovery {
    $readme = Get-Content (Join-Path $PSScriptRoot '../../README.md') -Raw
    $tour = [regex]::Match($readme, '(?s)## A short tour.*?```powershell\r?\n(.*?)```').Groups[1].Value
    $script:lines = @($tour -split "`r?`n" | Where-Object { $_.Trim() -and -not $_.TrimStart().StartsWith('#') })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
}

Describe 'The README tour, pasted line by line' {
    BeforeAll {
        $readme = Get-Content (Join-Path $Root 'README.md') -Raw
        $tour = [regex]::Match($readme, '(?s)## A short tour.*?```powershell\r?\n(.*?)```').Groups[1].Value
        $script:TourLines = @($tour -split "`r?`n" | Where-Object { $_.Trim() -and -not $_.TrimStart().StartsWith('#') })
        $script:Results = [ordered]@{}
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $script:Session = $runspace
        $ps = [powershell]::Create()
        $ps.Runspace = $runspace
        $null = $ps.AddCommand('Set-Location').AddParameter('LiteralPath', $Root).Invoke()
        $ps.Dispose()
        # Each line runs as its own command in the one session, as pasting does; what it wrote is kept by line.
        foreach ($line in $TourLines) {
            $ps = [powershell]::Create()
            $ps.Runspace = $runspace
            $null = $ps.AddScript($line)
            $output = @($ps.Invoke())
            $script:Results[$line] = [pscustomobject]@{
                Output   = $output
                Errors   = @($ps.Streams.Error)
                Progress = @($ps.Streams.Progress)
                Failure  = $ps.InvocationStateInfo.Reason
            }
            $ps.Dispose()
        }
        function Get-TourVariable([string] $Name) {
            $ps = [powershell]::Create(); $ps.Runspace = $script:Session
            try { $ps.AddScript("`$$Name").Invoke() | Select-Object -First 1 } finally { $ps.Dispose() }
        }
        function Invoke-InTour([string] $Script) {
            $ps = [powershell]::Create(); $ps.Runspace = $script:Session
            try { @($ps.AddScript($Script).Invoke()) } finally { $ps.Dispose() }
        }
        function Get-Line([string] $Start) {
            $key = @($script:Results.Keys | Where-Object { $_.StartsWith($Start) })
            if ($key.Count -ne 1) { throw "The tour has $($key.Count) lines starting '$Start'." }
            $script:Results[$key[0]]
        }
    }
    AfterAll {
        if ($script:Session) {
            $null = Invoke-InTour 'Get-Job | Remove-Job -Force; Stop-FineTuningEmulator'
            $script:Session.Dispose()
        }
    }

    It 'has lines to run' {
        $TourLines.Count | Should -BeGreaterThan 15
    }

    It 'runs "<_>" with no error it does not announce' -ForEach $lines {
        $result = $script:Results[$_]
        $result.Failure | Should -BeNullOrEmpty
        $announced = if ($_ -match '-TimeoutSec') { 'WaitTimeout,*' } else { $null }
        $unexpected = @($result.Errors | Where-Object { -not $announced -or $_.FullyQualifiedErrorId -notlike $announced })
        $unexpected | Should -BeNullOrEmpty -Because ($unexpected | Out-String)
    }

    It 'starts an emulator and checks the example data with a cost' {
        (Get-Line 'Start-FineTuningEmulator').Output.Count | Should -Be 1
        $report = (Get-Line 'Test-FineTuningDataset').Output[0]
        $report.IsValid | Should -BeTrue
        $report.EstimatedCost | Should -BeGreaterThan 0
        (Get-TourVariable file).Id | Should -Match '^file-'
    }

    It 'trains the first job with a progress bar that counts steps, and shows what it made' {
        $job = Get-TourVariable job
        $job.Status | Should -Be 'succeeded'
        $job.Metadata['team'] | Should -Be 'docs'
        $steps = @((Get-Line '$job = ').Progress | Where-Object { $_.PercentComplete -gt 0 -and $_.StatusDescription -match 'step \d+ of \d+' })
        $steps.Count | Should -BeGreaterThan 0 -Because 'the progress bar must show the training steps'
        $shown = (Get-Line '$job | Format-List').Output | Out-String -Width 120
        $shown | Should -Match 'Status\s+: succeeded'
        $shown | Should -Match ('FineTunedModel\s+: ' + [regex]::Escape($job.FineTunedModel))
        $shown | Should -Match 'TrainedTokens\s+: \d+'
    }

    It 'reads the metrics, events, checkpoints and model of the first job' {
        $job = Get-TourVariable job
        (Get-Line '$job | Get-FineTuningMetric | Measure').Output[0].Minimum | Should -BeGreaterThan 0
        ((Get-Line '$job | Get-FineTuningMetric | Show').Output -join "`n") | Should -Match 'TrainLoss'
        (Get-Line 'Get-FineTuningEvent').Output.Count | Should -Be 5
        (Get-Line 'Get-FineTuningCheckpoint').Output.Count | Should -BeGreaterThan 0
        (Get-Line '$job | Get-FineTuningModel').Output[0].Id | Should -Be $job.FineTunedModel
        @((Get-Line 'Get-FineTuningJob -Metadata').Output).Id | Should -Be @($job.Id)
    }

    It 'has a running job for -WhatIf, pauses and resumes it, and waits for it to the end' {
        $long = Get-TourVariable long
        # -WhatIf left the running job alone; Suspend found it running and paused it; Resume started it again.
        (Get-Line 'Get-FineTuningJob -Status running').Output | Should -BeNullOrEmpty
        (Get-Line '$long | Suspend').Output[0].Status | Should -Be 'paused'
        (Get-Line 'while (').Errors | Should -BeNullOrEmpty
        (Get-Line '$long | Resume').Output[0].Status | Should -BeIn @('resuming', 'queued', 'running')
        $timed = Get-Line 'Wait-FineTuningJob $long.Id -TimeoutSec'
        $timed.Output[0].Id | Should -Be $long.Id
        (Get-TourVariable wait).Name | Should -Be $long.Id
        $final = (Get-Line '$wait | Wait-Job').Output[0]
        $final.Id | Should -Be $long.Id
        $final.Status | Should -Be 'succeeded'
        @(Invoke-InTour "(Get-FineTuningEvent '$($long.Id)').Message") -match 'paused' | Should -Not -BeNullOrEmpty
    }
}

Describe 'Every PowerShell block of the README' {
    # Blocks that need a real service or a package feed cannot run here; they must still name commands and
    # parameters that exist, so a rename cannot leave them behind.
    It 'names only commands and parameters that exist, in block <Index>' -ForEach @(
        $readme = Get-Content (Join-Path $PSScriptRoot '../../README.md') -Raw
        $i = 0
        foreach ($m in [regex]::Matches($readme, '(?s)```powershell\r?\n(.*?)```')) { @{ Index = ++$i; Code = $m.Groups[1].Value } }
    ) {
        $tokens = $null; $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref] $tokens, [ref] $errors)
        $errors | Should -BeNullOrEmpty
        $calls = $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)
        $calls.Count | Should -BeGreaterThan 0
        foreach ($call in $calls) {
            $name = $call.GetCommandName()
            if (-not $name -or $name -match '^(dotnet|\./)') { continue }
            $command = Get-Command $name -ErrorAction SilentlyContinue
            if (-not $command -and $name -match 'PSResource') { continue }   # PSResourceGet may be absent on some hosts
            $command | Should -Not -BeNullOrEmpty -Because "'$name' is used in the README"
            $known = @($command.Parameters.Keys) + @($command.Parameters.Values.Aliases)
            foreach ($parameter in $call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                $matching = @($known | Where-Object { $_ -like "$($parameter.ParameterName)*" })
                $matching | Should -Not -BeNullOrEmpty -Because "$name has no parameter -$($parameter.ParameterName)"
            }
        }
    }
}
