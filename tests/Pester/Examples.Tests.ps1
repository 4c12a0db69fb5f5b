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
