[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseDeclaredVarsMoreThanAssignments', 'c',
    Justification = 'Tab completion reads $c from the session, through the command line the test completes.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    function Get-Completion([string] $Line) {
        # What pressing Tab at the end of the line offers, as PSReadLine and the console host ask for it.
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches)
    }
}

Describe 'Tab completion of job ids' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        $train = Add-FineTuningFile (New-TestDataset -Count 12 -Name 'numbers.jsonl')
        $script:runningJob = New-FineTuningJob -Model gpt-4o-mini -TrainingFile $train.Id -Suffix alpha
        $script:pausedJob = New-FineTuningJob -Model gpt-4o-mini -TrainingFile $train.Id -Suffix bravo
        $script:cancelledJob = New-FineTuningJob -Model gpt-4o-mini -TrainingFile $train.Id -Suffix charlie
        Step-Emulator $emu $runningJob.Id -Status running | Out-Null
        Step-Emulator $emu $pausedJob.Id -Status running | Out-Null
        Suspend-FineTuningJob $pausedJob.Id -Confirm:$false | Out-Null
        Stop-FineTuningJob $cancelledJob.Id -Confirm:$false | Out-Null
        (Get-FineTuningJob $runningJob.Id).Status | Should -Be 'running'
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'offers every job to Get-FineTuningJob, newest first, with its status' {
        $offered = Get-Completion 'Get-FineTuningJob -Id '
        $offered.CompletionText | Should -Be @($cancelledJob.Id, $pausedJob.Id, $runningJob.Id)
        $offered[0].ListItemText | Should -Be "$($cancelledJob.Id) (cancelled)"
        $offered[0].ResultType | Should -Be 'ParameterValue'
        $offered[0].ToolTip | Should -BeLike 'cancelled, gpt-4o-mini-2024-07-18, supervised, suffix charlie, created *'
    }

    It 'offers only what each command can act on' {
        (Get-Completion 'Stop-FineTuningJob ').CompletionText | Should -Be @($pausedJob.Id, $runningJob.Id)
        (Get-Completion 'Wait-FineTuningJob -Id ').CompletionText | Should -Be @($pausedJob.Id, $runningJob.Id)
        (Get-Completion 'Suspend-FineTuningJob ').CompletionText | Should -Be @($runningJob.Id)
        (Get-Completion 'Resume-FineTuningJob -Id ').CompletionText | Should -Be @($pausedJob.Id)
        (Get-Completion 'FineTuning\Resume-FineTuningJob -Id ').CompletionText | Should -Be @($pausedJob.Id)
        (Get-Completion 'Remove-FineTuningJob ').CompletionText | Should -Be @($cancelledJob.Id)
    }

    It 'completes the start of an id, ignoring case' {
        $prefix = $runningJob.Id.Substring(0, 12).ToUpperInvariant()
        (Get-Completion "Get-FineTuningEvent $prefix").CompletionText | Should -Contain $runningJob.Id
        (Get-Completion "Get-FineTuningJob -Id $($runningJob.Id)").CompletionText | Should -Be @($runningJob.Id)
    }

    It 'turns a suffix into the id of its job' {
        (Get-Completion 'Get-FineTuningCheckpoint bra').CompletionText | Should -Be @($pausedJob.Id)
        (Get-Completion 'Get-FineTuningMetric -Id charl').CompletionText | Should -Be @($cancelledJob.Id)
    }

    It 'keeps the quote the user opened' {
        (Get-Completion "Get-FineTuningJob -Id '$($runningJob.Id.Substring(0, 8))")[0].CompletionText | Should -Match "^'ftjob-[A-Za-z0-9]+'$"
        (Get-Completion "Get-FineTuningJob -Id `"bra")[0].CompletionText | Should -Be "`"$($pausedJob.Id)`""
    }

    It 'offers nothing when no job matches' {
        Get-Completion 'Get-FineTuningJob -Id ftjob-nothing-like-this' | Should -BeNullOrEmpty
    }

    It 'asks the service named by -Connection, not the session''s' {
        $c = $emu.Connection
        Connect-FineTuningService -BaseUri http://127.0.0.1:9/v1 -ApiKey 'sk-completion-test' -MaxRetries 0
        try {
            Get-Completion 'Get-FineTuningJob -Id ' | Should -BeNullOrEmpty
            (Get-Completion 'Get-FineTuningJob -Connection $c -Id ').CompletionText | Should -Contain $runningJob.Id
        }
        finally {
            Disconnect-FineTuningService
        }
    }
}

Describe 'Tab completion of file ids' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        $script:train = Add-FineTuningFile (New-TestDataset -Count 12 -Name 'train-words.jsonl')
        $script:valid = Add-FineTuningFile (New-TestDataset -Count 4 -Name 'valid-words.jsonl') -WarningAction SilentlyContinue
        $other = Join-Path $TestDrive 'requests.jsonl'
        Set-Content $other '{"custom_id":"1","method":"POST","url":"/v1/chat/completions","body":{}}'
        $script:batch = Add-FineTuningFile $other -Purpose batch
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'completes a file name to the id of the file' {
        $offered = Get-Completion 'New-FineTuningJob -Model gpt-4o-mini -TrainingFile train'
        $offered.CompletionText | Should -Be @($train.Id)
        $offered[0].ListItemText | Should -Be "$($train.Id) (train-words.jsonl)"
        $offered[0].ToolTip | Should -BeLike "train-words.jsonl, fine-tune, $($train.Bytes.ToString('N0', [cultureinfo]::InvariantCulture)) bytes, created *"
        (Get-Completion 'New-FineTuningJob -Model gpt-4o-mini -TrainingFile x -ValidationFile VALID').CompletionText | Should -Be @($valid.Id)
    }

    It 'offers only fine-tune files for a job, and every file to the file commands' {
        (Get-Completion 'New-FineTuningJob -Model gpt-4o-mini -TrainingFile ').CompletionText | Should -Not -Contain $batch.Id
        $all = (Get-Completion 'Get-FineTuningFile -Id ').CompletionText
        $all | Should -Contain $batch.Id
        $all | Should -Contain $train.Id
        (Get-Completion 'Remove-FineTuningFile req').CompletionText | Should -Be @($batch.Id)
        (Get-Completion "Save-FineTuningFile $($valid.Id.Substring(0, 10))").CompletionText | Should -Contain $valid.Id
    }
}

Describe 'Tab completion of fixed values' {
    It 'offers the statuses of jobs, the purposes of files and Azure api-versions' {
        (Get-Completion 'Get-FineTuningJob -Status run').CompletionText | Should -Be @('running')
        (Get-Completion 'Get-FineTuningFile -Purpose fine').CompletionText | Should -Be @('fine-tune', 'fine-tune-results')
        (Get-Completion "Get-FineTuningFile -Purpose 'batch").CompletionText | Should -Be @('batch', 'batch_output')
        (Get-Completion 'Connect-FineTuningService -Azure -Endpoint https://x.openai.azure.com -ApiVersion 20').CompletionText |
            Should -Be @('2024-10-21', '2025-04-01-preview')
    }
}

Describe 'Tab completion of models' {
    It 'offers snapshots, then aliases, without a connection' {
        Disconnect-FineTuningService
        $offered = Get-Completion 'New-FineTuningJob -Model gpt-4.1-m'
        $offered.CompletionText | Should -Be @('gpt-4.1-mini-2025-04-14', 'gpt-4.1-mini')
        $offered[1].ToolTip | Should -Be 'Alias of gpt-4.1-mini-2025-04-14; methods: Supervised, Dpo'
        (Get-Completion 'Test-FineTuningDataset x.jsonl -Model gpt-3').CompletionText | Should -Contain 'gpt-3.5-turbo-0125'
    }

    It 'offers the models of the method typed before' {
        (Get-Completion 'New-FineTuningJob -Method Reinforcement -Model ').CompletionText | Should -Be @('o4-mini-2025-04-16', 'o4-mini')
        (Get-Completion 'New-FineTuningJob -Method Dpo -Model gpt-4o').CompletionText | Should -Be @('gpt-4o-2024-08-06', 'gpt-4o')
        # No DPO model starts with gpt-3.5: the method's filter gives way rather than offer nothing.
        (Get-Completion 'New-FineTuningJob -Method Dpo -Model gpt-3.5-turbo-0').CompletionText | Should -Be @('gpt-3.5-turbo-0125')
    }

    It 'offers the reasoning efforts of a reinforcement job' {
        (Get-Completion 'New-FineTuningJob -Method Reinforcement -ReasoningEffort ').CompletionText | Sort-Object | Should -Be @('default', 'high', 'low', 'medium')
        (Get-Completion 'New-FineTuningJob -ReasoningEffort m').CompletionText | Should -Be @('medium')
    }

    It 'offers fine-tuned models of succeeded jobs after ft:' {
        $emu = Start-TestEmulator
        try {
            $train = Add-FineTuningFile (New-TestDataset -Count 12)
            $job = New-FineTuningJob -Model gpt-4o-mini -TrainingFile $train.Id -Suffix tuned
            $done = Step-Emulator $emu $job.Id -Status succeeded
            $offered = Get-Completion 'New-FineTuningJob -Model ft:'
            $offered.CompletionText | Should -Be @($done.FineTunedModel)
            $offered[0].ToolTip | Should -BeLike "Fine-tuned by $($job.Id) from gpt-4o-mini-2024-07-18 (supervised), *"
            Get-Completion 'New-FineTuningJob -Model ft:gpt-4.1' | Should -BeNullOrEmpty
        }
        finally {
            Stop-FineTuningEmulator
        }
    }
}

Describe 'Tab completion without a service' {
    BeforeAll {
        $script:saved = @{}
        foreach ($name in 'OPENAI_API_KEY', 'AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_API_KEY', 'OPENAI_BASE_URL') {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $null)
        }
    }
    AfterAll {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        Disconnect-FineTuningService
    }

    It 'offers nothing and writes no error when there is no connection' {
        Disconnect-FineTuningService
        $Error.Clear()
        Get-Completion 'Get-FineTuningJob -Id ' | Should -BeNullOrEmpty
        Get-Completion 'Get-FineTuningFile -Id ' | Should -BeNullOrEmpty
        $Error.Count | Should -Be 0
    }

    It 'offers nothing and writes no error when the service cannot be reached' {
        Connect-FineTuningService -BaseUri http://127.0.0.1:9/v1 -ApiKey 'sk-completion-test' -MaxRetries 0
        $Error.Clear()
        Get-Completion 'Stop-FineTuningJob ' | Should -BeNullOrEmpty
        # Base models need no service.
        (Get-Completion 'New-FineTuningJob -Model ft:').CompletionText | Should -BeNullOrEmpty
        (Get-Completion 'New-FineTuningJob -Model babb').CompletionText | Should -Be @('babbage-002')
        $Error.Count | Should -Be 0
    }
}
