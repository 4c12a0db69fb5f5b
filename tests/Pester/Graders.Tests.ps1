BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:exact = @{ type = 'string_check'; name = 'exact'; input = '{{sample.output_text}}'; reference = '{{item.answer}}'; operation = 'eq' }
    $script:fuzzy = '{"type":"text_similarity","name":"close","input":"{{sample.output_text}}","reference":"{{item.answer}}","evaluation_metric":"fuzzy_match"}'
}

Describe 'Test-FineTuningGrader' {
    BeforeAll { $script:emu = Start-TestEmulator }
    AfterAll { Stop-FineTuningEmulator }

    It 'accepts a grader as a hashtable, as JSON text and as an object' {
        Test-FineTuningGrader $exact | Should -BeTrue
        $fuzzy | Test-FineTuningGrader | Should -BeTrue
        ($fuzzy | ConvertFrom-Json) | Test-FineTuningGrader | Should -BeTrue
        $multi = @{ type = 'multi'; name = 'both'; calculate_output = 'exact * 0.5 + close * 0.5'; graders = @{ exact = $exact; close = ($fuzzy | ConvertFrom-Json) } }
        Test-FineTuningGrader $multi | Should -BeTrue
    }

    It 'answers $false with a warning naming the field the service rejects' {
        $bad = $exact.Clone(); $bad.operation = 'equals'
        Test-FineTuningGrader $bad -WarningVariable why -WarningAction SilentlyContinue | Should -BeFalse
        "$why" | Should -BeLike "*'grader.operation'*'equals'*"
        $missing = $exact.Clone(); $missing.Remove('reference')
        Test-FineTuningGrader $missing -WarningVariable why2 -WarningAction SilentlyContinue | Should -BeFalse
        "$why2" | Should -BeLike "*grader.reference*"
    }

    It 'refuses what is not a grader before any request, and goes on with the next' {
        Add-FineTuningEmulatorFault 500 -Method POST -Count 10
        try {
            $out = @(42, @{ name = 'no type' }, '{ not json') | Test-FineTuningGrader -ErrorVariable errs -ErrorAction SilentlyContinue
        }
        finally { Clear-FineTuningEmulatorFault }
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 3
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'InvalidGrader,*' }
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[1].ToString() | Should -Be "The grader must be a hashtable with a 'type' key (string_check, text_similarity, python, score_model or multi)."
        $errs[2].ToString() | Should -BeLike '-Grader is text that is not JSON*'
    }
}

Describe 'Invoke-FineTuningGrader' {
    BeforeAll { $script:emu = Start-TestEmulator }
    AfterAll { Stop-FineTuningEmulator }

    It 'rewards an exact answer with 1 and a wrong one with 0' {
        $right = Invoke-FineTuningGrader $exact -ModelSample 'Paris' -Item @{ answer = 'Paris' }
        $right | Should -BeOfType FineTuning.Client.GraderResult
        $right.Reward | Should -Be 1
        $right.Name | Should -Be 'exact'
        $right.Type | Should -Be 'string_check'
        $right.Errors | Should -BeNullOrEmpty
        $right.ExecutionTime | Should -BeOfType TimeSpan
        (Invoke-FineTuningGrader $exact 'Lyon' -Item @{ answer = 'Paris' }).Reward | Should -Be 0
    }

    It 'scores pairs from the pipeline by property name, in order' {
        $cases = @(
            [pscustomobject]@{ Item = @{ answer = 'Paris' }; ModelSample = 'Paris' }
            [pscustomobject]@{ Item = ('{"answer":"Rome"}' | ConvertFrom-Json); model_sample = 'Roma' }
            [pscustomobject]@{ Item = @{ answer = 'Oslo' }; Sample = 'Bergen' }
        )
        $rewards = ($cases | Invoke-FineTuningGrader $fuzzy).Reward
        $rewards.Count | Should -Be 3
        $rewards[0] | Should -Be 1
        # fuzzy_match: 2 x matching characters / total length; 'Roma' and 'Rome' share R, o, m: 6 / 8.
        $rewards[1] | Should -Be 0.75
        $rewards[2] | Should -BeLessThan 0.5
    }

    It 'fits the default table in 120 columns' {
        $text = Invoke-FineTuningGrader $exact 'Paris' -Item @{ answer = 'Paris' } | Out-String -Width 120
        $text | Should -Match 'exact\s+string_check'
        ($text -split "`r?`n") | Where-Object { $_.TrimEnd().Length -gt 120 } | Should -BeNullOrEmpty
    }

    It 'stops before any request when the grader is not one' {
        { Invoke-FineTuningGrader 'not json' -ModelSample x -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidGrader,*'
        { Invoke-FineTuningGrader @{ name = 'x' } -ModelSample x -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidGrader,*'
    }

    It 'refuses an item that is a single value' {
        Invoke-FineTuningGrader $exact -ModelSample x -Item 'Paris' -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InvalidItem,*'
    }

    It 'writes the service''s refusal of a grader it cannot run as an InvalidRequest error' {
        Invoke-FineTuningGrader @{ type = 'python'; name = 'py'; source = 'def grade(sample, item): return 1.0' } -ModelSample x -ErrorVariable errs -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InvalidRequest,*'
        $errs[0].ToString() | Should -BeLike "*cannot run graders of type 'python'*"
    }
}

Describe 'Graders inside New-FineTuningJob' {
    BeforeAll { $script:emu = Start-TestEmulator }
    AfterAll { Stop-FineTuningEmulator }

    It 'sends numbers and nested objects of a grader as JSON, not as their text' {
        $file = Add-FineTuningFile (New-TestDataset -Count 12) -SkipValidation
        $top = [psobject]::AsPSObject(1)
        $grader = @{
            type = 'multi'; name = 'mix'; calculate_output = 'a'
            graders = @{ a = ('{"type":"string_check","name":"a","input":"{{sample.output_text}}","reference":"{{item.answer}}","operation":"eq"}' | ConvertFrom-Json) }
            range = @(0, $top)
        }
        $job = New-FineTuningJob -Model o4-mini -Method Reinforcement -Grader $grader -TrainingFile $file.Id -ValidationFile $file.Id
        $sent = $job.Method.Reinforcement.Grader
        $sent.GetProperty('range')[1].ValueKind | Should -Be 'Number'
        $sent.GetProperty('graders').GetProperty('a').GetProperty('operation').GetString() | Should -Be 'eq'
    }

    It 'takes the same grader as JSON text, and refuses what is not a grader before any request' {
        $file = Add-FineTuningFile (New-TestDataset -Count 12) -SkipValidation
        $job = New-FineTuningJob -Model o4-mini -Method Reinforcement -Grader $fuzzy -TrainingFile $file.Id -ValidationFile $file.Id
        $job.Method.Reinforcement.Grader.GetProperty('evaluation_metric').GetString() | Should -Be 'fuzzy_match'
        $before = $emu.JobCount
        { New-FineTuningJob -Model o4-mini -Method Reinforcement -Grader '{ not json' -TrainingFile $file.Id -ValidationFile $file.Id -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidGrader,*'
        $emu.JobCount | Should -Be $before
    }

    It 'sends the reinforcement hyperparameters, which the job echoes' {
        $file = Add-FineTuningFile (New-TestDataset -Count 12) -SkipValidation
        $job = New-FineTuningJob -Model o4-mini -Method Reinforcement -Grader $fuzzy -TrainingFile $file.Id -ValidationFile $file.Id `
            -ReasoningEffort medium -ComputeMultiplier 1.5 -EvalInterval 2 -EvalSamples 3
        $echoed = $job.Method.Reinforcement.Hyperparameters
        "$($echoed.ReasoningEffort)" | Should -Be 'medium'
        $echoed.ComputeMultiplier.Number | Should -Be 1.5
        $echoed.EvalInterval.Number | Should -Be 2
        $echoed.EvalSamples.Number | Should -Be 3
    }
}
