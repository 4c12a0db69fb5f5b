# What examples/ gives users: the demo behind the README's first command, and a dataset of each kind that is valid
# for its training method and trains on the emulator.

BeforeDiscovery {
    $script:datasets = @(
        @{ File = 'train.jsonl'; Method = 'Supervised'; Model = 'gpt-4o-mini-2024-07-18'; Format = 'Chat' }
        @{ File = 'validation.jsonl'; Method = 'Supervised'; Model = 'gpt-4o-mini-2024-07-18'; Format = 'Chat' }
        @{ File = 'preference.jsonl'; Method = 'Dpo'; Model = 'gpt-4.1-mini-2025-04-14'; Format = 'Preference' }
        @{ File = 'reinforcement-train.jsonl'; Method = 'Reinforcement'; Model = 'o4-mini-2025-04-16'; Format = 'Reinforcement' }
        @{ File = 'reinforcement-validation.jsonl'; Method = 'Reinforcement'; Model = 'o4-mini-2025-04-16'; Format = 'Reinforcement' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Data = (Resolve-Path (Join-Path $PSScriptRoot '../../examples/data')).ProviderPath
}

Describe 'The demo' {
    It 'runs from upload to a fine-tuned model on the emulator, as ./build.ps1 Demo runs it' {
        $self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        $prefix = @()
        if ([System.IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { $prefix = @([System.Reflection.Assembly]::GetEntryAssembly().Location) }
        $demo = Join-Path $PSScriptRoot '../../examples/demo.ps1'
        $output = & $self @prefix -NoProfile -NonInteractive -File $demo -ModulePath $script:ModuleFolder 2>&1 | ForEach-Object { "$_" }
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $text = ($output -join "`n") -replace '\e\[[0-9;]*m'   # colours of a terminal, if PowerShell adds them
        $text | Should -Match 'Status\s*:\s*succeeded'
        $text | Should -Match 'Done: ft:gpt-4o-mini-2024-07-18:[^:]+:demo:'
        $text | Should -Match 'Checkpoint created at step \d+'
        $text | Should -Match '\* TrainLoss  o ValidLoss'
        $text | Should -Not -Match 'WARNING|ERROR'
        # Its tables wrap long names rather than cut them, whatever the width of the console it runs in.
        $text | Should -Not -Match ([regex]::Escape([string][char]0x2026))
        # The time scale in words: how much faster a job goes, and what the times mean.
        $text | Should -Match 'a job takes a 600th of its time on the service, so ten minutes of training take a second here'
    }
}

Describe 'The testing guide''s recipe, followed as written' {
    It 'imports the built module by name and Pester from NuGet, and the example''s tests pass' {
        if ($env:FINETUNING_TEST_LOOPBACK -eq '1') {
            Set-ItResult -Skipped -Because 'the guide runs in a pwsh of its own, the same in both runs; the first run covers it'
            return
        }
        $guide = Get-Content (Join-Path $PSScriptRoot '../../docs/testing-with-the-emulator.md') -Raw
        $block = [regex]::Match($guide, '(?s)## Running the tests.*?```powershell\r?\n(.*?)```').Groups[1].Value
        $block | Should -Match 'Invoke-Pester'
        $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
        $built = Join-Path $root 'out/FineTuning'
        if ((Resolve-Path $script:ModuleFolder).ProviderPath -notlike "$((Resolve-Path $built).ProviderPath)*") {
            Set-ItResult -Skipped -Because "the module under test ($script:ModuleFolder) is not the repository's build, which the guide imports"
            return
        }
        $script = Join-Path $TestDrive 'guide.ps1'
        # As a reader runs it: from the repository root, in a fresh pwsh that knows nothing of this suite.
        Set-Content -LiteralPath $script -Value ("`$ErrorActionPreference = 'Stop'`nSet-Location -LiteralPath '$root'`n" + $block)
        $self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        $prefix = @()
        if ([System.IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { $prefix = @([System.Reflection.Assembly]::GetEntryAssembly().Location) }
        $saved = $env:FINETUNING_MODULE_PATH
        try {
            Remove-Item Env:FINETUNING_MODULE_PATH -ErrorAction SilentlyContinue
            $output = & $self @prefix -NoProfile -NonInteractive -File $script 2>&1 | ForEach-Object { "$_" }
        }
        finally {
            $env:FINETUNING_MODULE_PATH = $saved
        }
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $text = ($output -join "`n") -replace '\e\[[0-9;]*m'
        $text | Should -Match 'Tests Passed: 5, Failed: 0'
    }
}

Describe 'The example datasets' {
    It '<File> is a valid <Format> file for <Method> training' -ForEach $datasets {
        $report = Test-FineTuningDataset (Join-Path $script:Data $File) -Method $Method -Model $Model
        $report.Format | Should -Be $Format
        $report.FitsMethod | Should -BeTrue
        $report.ErrorCount | Should -Be 0
        $report.WarningCount | Should -Be 0
        $report.ValidExamples | Should -BeGreaterOrEqual 10   # each is also a valid training file: no warning on upload
    }

    Context 'on the emulator' {
        BeforeEach { $script:emu = Start-TestEmulator }
        AfterEach { Stop-FineTuningEmulator }

        It 'trains a DPO job on the preference file' {
            $file = Add-FineTuningFile (Join-Path $script:Data 'preference.jsonl')
            $job = New-FineTuningJob -Model gpt-4.1-mini-2025-04-14 -TrainingFile $file -Method Dpo -Beta 0.1 -Suffix prefs
            $done = Step-Emulator $emu $job.Id -Status succeeded, failed
            $done.Status | Should -Be 'succeeded'
            $done.Method.Type | Should -Be 'dpo'
            $done.FineTunedModel | Should -Match '^ft:gpt-4\.1-mini-2025-04-14:.+:prefs:'
        }

        It 'trains a reinforcement job on the reinforcement files with the example grader' {
            $grader = Get-Content -Raw (Join-Path $script:Data 'reinforcement-grader.json')
            Test-FineTuningGrader $grader | Should -BeTrue
            $train = Add-FineTuningFile (Join-Path $script:Data 'reinforcement-train.jsonl')
            $valid = Add-FineTuningFile (Join-Path $script:Data 'reinforcement-validation.jsonl')
            $job = New-FineTuningJob -Model o4-mini-2025-04-16 -TrainingFile $train -ValidationFile $valid -Method Reinforcement -Grader $grader -Suffix vars
            $done = Step-Emulator $emu $job.Id -Status succeeded, failed
            $done.Status | Should -Be 'succeeded'
            $done.Method.Type | Should -Be 'reinforcement'
        }

        It 'scores the right answer of a reinforcement line 1 and a wrong one 0 with the example grader' {
            $grader = Get-Content -Raw (Join-Path $script:Data 'reinforcement-grader.json')
            $item = Get-Content (Join-Path $script:Data 'reinforcement-train.jsonl') -First 1 | ConvertFrom-Json
            (Invoke-FineTuningGrader $grader -ModelSample $item.answer -Item $item).Reward | Should -Be 1
            (Invoke-FineTuningGrader $grader -ModelSample '$Wrong' -Item $item).Reward | Should -Be 0
        }
    }
}
