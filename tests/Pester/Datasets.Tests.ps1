BeforeDiscovery {
    $script:cases = Get-Content (Join-Path $PSScriptRoot '../data/datasets/invalid/cases.json') -Raw | ConvertFrom-Json |
        Where-Object { -not $_.PSObject.Properties['maxLineBytes'] } |
        ForEach-Object { @{ Case = $_; File = $_.file; Code = $_.code; Line = $_.line } }
    $script:valid = Get-ChildItem (Join-Path $PSScriptRoot '../data/datasets/valid') -Filter *.jsonl | ForEach-Object {
        $method = switch -Wildcard ($_.Name) { 'preference*' { 'Dpo' } 'reinforcement*' { 'Reinforcement' } default { 'Supervised' } }
        $model = switch -Wildcard ($_.Name) { 'prompt-completion*' { 'davinci-002' } 'reinforcement*' { 'o4-mini-2025-04-16' } default { 'gpt-4o-mini-2024-07-18' } }
        @{ Name = $_.Name; Path = $_.FullName; Method = $method; Model = $model }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:corpus = Join-Path $PSScriptRoot '../data/datasets'
    $script:expected = Get-Content (Join-Path $corpus 'valid/expected-tokens.json') -Raw | ConvertFrom-Json
}

Describe 'Test-FineTuningDataset' {
    It 'finds <Code> on line <Line> of <File>' -ForEach $cases {
        $p = @{ Path = (Join-Path $corpus "invalid/$File") }
        if ($Case.PSObject.Properties['method']) { $p.Method = $Case.method }
        if ($Case.PSObject.Properties['model']) { $p.Model = $Case.model }
        $report = Test-FineTuningDataset @p
        $finding = $report.Findings | Where-Object { $_.Code -eq $Code -and $_.LineNumber -eq $Line } | Select-Object -First 1
        $finding | Should -Not -BeNullOrEmpty -Because ($report.Findings | Out-String)
        $finding.Severity | Should -Be $Case.severity
        $finding.Message | Should -Not -BeNullOrEmpty
        if ($Case.severity -eq 'Error') { $report.IsValid | Should -BeFalse }
    }

    It 'shows a finding about the whole file as ''file'' in the findings table, and one of a line by its number' {
        $path = Join-Path $TestDrive 'few.jsonl'
        @('{"messages":[{"role":"user","content":"hi"}]}', 'not json') | Set-Content $path
        $findings = (Test-FineTuningDataset $path).Findings
        $lines = $findings | Out-String -Width 120
        $lines | Should -Match '(?m)^\s+file Error\s+TooFewExamples'
        $lines | Should -Match '(?m)^\s+2 Error\s+InvalidJson'
        # A chat line with no assistant answer reads as reinforcement data, and the misfit says so (not "chat").
        ($findings | Where-Object Code -eq FormatDoesNotFitMethod).Message | Should -Match '^The file holds reinforcement \(messages ending with a user message'
    }

    It 'passes the valid <Name> with token counts equal to tiktoken''s' -ForEach $valid {
        $report = Test-FineTuningDataset -Path $Path -Method $Method -Model $Model
        $report.IsValid | Should -BeTrue -Because ($report.Findings | Out-String)
        $report.FitsMethod | Should -BeTrue
        $want = $expected.$Name.($report.Tokens.Encoding)
        $report.Tokens.Total | Should -Be $want.total
        $report.Tokens.Max | Should -Be $want.max
        $report.Tokens.TargetTokens | Should -Be $want.trained
    }

    It 'estimates the billed tokens from the epochs the service would pick' {
        $report = Test-FineTuningDataset (Join-Path $corpus 'valid/chat.jsonl')
        $report.AutoEpochs | Should -BeGreaterThan 0
        $report.EstimatedBilledTokens | Should -Be ($report.Tokens.BillableTokensPerEpoch * $report.AutoEpochs)
        (Test-FineTuningDataset (Join-Path $corpus 'valid/chat.jsonl') -Epochs 2).EstimatedBilledTokens | Should -Be ($report.Tokens.BillableTokensPerEpoch * 2)
    }

    It 'names the tokens the model learns to write TargetTokens, and keeps TrainedTokens for what the job bills' {
        $path = Join-Path $PSScriptRoot '../../examples/data/train.jsonl'
        $report = Test-FineTuningDataset $path -Model gpt-4o-mini-2024-07-18 -Epochs 3
        $report.Tokens.PSObject.Properties.Name | Should -Not -Contain 'TrainedTokens'
        $report.Tokens.TargetTokens | Should -BeGreaterThan 0
        $report.Tokens.TargetTokens | Should -BeLessThan $report.Tokens.BillableTokensPerEpoch
        $shown = $report | Out-String -Width 120
        $shown | Should -Match ('TargetTokens\s+: ' + $report.Tokens.TargetTokens.ToString('N0') + ' per epoch')
        $shown | Should -Not -Match 'TrainedTokens\s+:'
        $shown | Should -Match ($report.EstimatedBilledTokens.ToString('N0') + ' \(3 epoch\(s\); the job reports this as TrainedTokens\)')

        $emu = Start-TestEmulator
        try {
            $file = Add-FineTuningFile $path
            $job = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $file.Id -Epochs 3
            (Step-Emulator $emu $job.Id -Status succeeded).TrainedTokens | Should -Be $report.EstimatedBilledTokens
        }
        finally { Stop-FineTuningEmulator }
    }

    It 'estimates the cost at a given price per million tokens, and shows it' {
        $report = Test-FineTuningDataset (Join-Path $corpus 'valid/chat.jsonl') -Epochs 3 -PricePerMillionTokens 2.5
        $report.EstimatedCost | Should -Be ([decimal]$report.EstimatedBilledTokens * 2.5 / 1000000)
        $report.PricePerMillionTokens | Should -Be 2.5
        ($report | Out-String) | Should -Match 'EstimatedCost\s*:\s*[0-9.]+ \(at 2\.5 per million tokens\)'
        $plain = Test-FineTuningDataset (Join-Path $corpus 'valid/chat.jsonl')
        $plain.EstimatedCost | Should -BeNullOrEmpty
        ($plain | Out-String) | Should -Not -Match 'EstimatedCost'
    }

    It 'refuses a negative price, naming the parameter' {
        $err = $null
        try { Test-FineTuningDataset (Join-Path $corpus 'valid/chat.jsonl') -PricePerMillionTokens -1 -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError*'
        $err.Exception.Message | Should -Match 'PricePerMillionTokens'
    }

    It 'tells whether the format fits the method' {
        $report = Test-FineTuningDataset (Join-Path $corpus 'valid/chat.jsonl') -Method Dpo
        $report.Format | Should -Be 'Chat'
        $report.FitsMethod | Should -BeFalse
        $report.IsValid | Should -BeFalse
    }

    It 'shows the first findings per code by default and every one with -Detailed' {
        $path = Join-Path $TestDrive 'many.jsonl'
        Set-Content $path -Value ((1..12 | ForEach-Object { 'not json' }))
        $report = Test-FineTuningDataset $path
        @($report.Findings | Where-Object Code -eq 'InvalidJson').Count | Should -Be 12
        $short = $report | Out-String -Width 200
        $short | Should -Match 'more; use -Detailed'
        $long = Test-FineTuningDataset $path -Detailed | Out-String -Width 200
        ([regex]::Matches($long, 'InvalidJson:')).Count | Should -Be 12
    }

    It 'reports a missing file and a directory as errors and goes on' {
        $ok = Join-Path $corpus 'valid/chat.jsonl'
        $out = (Join-Path $TestDrive 'nope.jsonl'), $TestDrive, $ok | Test-FineTuningDataset -ErrorVariable e -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 1
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e[1].FullyQualifiedErrorId | Should -BeLike 'PathIsDirectory,*'
    }

    It 'checks every file a wildcard matches, in name order' {
        $names = (Get-ChildItem (Join-Path $corpus 'valid') -Filter 'p*.jsonl' | Sort-Object Name).FullName
        $reports = Test-FineTuningDataset (Join-Path $corpus 'valid/p*.jsonl')
        $reports.Path | Should -Be $names
        $names.Count | Should -BeGreaterThan 1
    }

    It 'takes files from Get-ChildItem' {
        $reports = Get-ChildItem (Join-Path $corpus 'valid') -Filter 'chat.jsonl' | Test-FineTuningDataset
        $reports.Path | Should -BeLike '*chat.jsonl'
    }
}

Describe 'Add-FineTuningFile checks the dataset first' {
    BeforeEach { $script:emu = Start-TestEmulator }
    AfterEach { Stop-FineTuningEmulator }

    It 'refuses an invalid file with the first findings and uploads nothing' {
        $bad = Join-Path $corpus 'invalid/InvalidJson.jsonl'
        $err = $null
        try { Add-FineTuningFile $bad -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidDataset,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception.Message | Should -Match 'line 4'
        $err.Exception.Message | Should -Match 'InvalidJson'
        $emu.Emulator.FileCount | Should -Be 0
    }

    It 'warns about fewer than ten examples but uploads them (a validation file may be small)' {
        $file = Add-FineTuningFile (New-TestDataset -Count 4) -WarningVariable w -WarningAction SilentlyContinue
        $file | Should -Not -BeNullOrEmpty
        ($w -join ' ') | Should -Match 'at least 10'
    }

    It 'uploads it anyway with -SkipValidation, and the job then fails on the service' {
        $file = Add-FineTuningFile (Join-Path $corpus 'invalid/TooFewExamples.jsonl') -SkipValidation
        $emu.Emulator.FileCount | Should -Be 1
        $job = $file | New-FineTuningJob -Model gpt-4o-mini-2024-07-18
        (Step-Emulator $emu $job.Id -Status failed, succeeded).Error.Code | Should -Be 'invalid_n_examples'
    }
}
