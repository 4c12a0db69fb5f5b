BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'Results: Get-FineTuningMetric, Save-FineTuningFile, Remove-FineTuningFile' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        $script:train = Add-FineTuningFile (New-TestDataset -Count 12)
        $script:valid = Add-FineTuningFile (New-TestDataset -Count 4 -Name valid.jsonl) -WarningAction SilentlyContinue
        $job = $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -ValidationFile $valid -Epochs 3 -BatchSize 4
        $script:done = Step-Emulator $emu $job.Id -Status succeeded
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'reads one typed row per step from the result file, matching the metrics events' {
        $rows = $done | Get-FineTuningMetric
        $rows.Count | Should -Be 9
        $rows | Should -BeOfType ([FineTuning.Client.MetricRow])
        $rows.Step | Should -Be (1..9)
        $events = Get-FineTuningEvent $done.Id | Where-Object Type -eq 'metrics' | Sort-Object Step
        for ($i = 0; $i -lt 9; $i++) {
            [math]::Round($rows[$i].TrainLoss, 4) | Should -Be ([math]::Round($events[$i].TrainLoss, 4))
        }
        $rows[0].ValidLoss | Should -Not -BeNullOrEmpty
        ($rows | Measure-Object TrainLoss -Average).Average | Should -BeGreaterThan 0
        $csv = Join-Path $TestDrive 'metrics.csv'
        $rows | Export-Csv $csv -NoTypeInformation
        (Import-Csv $csv).Count | Should -Be 9
    }

    It 'chains from upload to metrics in one pipeline' {
        Stop-FineTuningEmulator
        $script:emu = Start-FineTuningEmulator -TimeScale 20000 -Seed 2
        $rows = Add-FineTuningFile (New-TestDataset -Count 10) |
            New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Epochs 2 -BatchSize 5 -Wait |
            Get-FineTuningMetric
        $rows.Count | Should -Be 4
    }

    It 'falls back to metrics events while a job has no result file' {
        Stop-FineTuningEmulator
        $script:emu = Start-TestEmulator
        $f = Add-FineTuningFile (New-TestDataset -Count 12)
        $j = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $f.Id -Epochs 3 -BatchSize 4
        Step-Emulator $emu $j.Id -Status running | Out-Null
        while (-not (Get-FineTuningEvent $j.Id | Where-Object Type -eq 'metrics')) { $emu.Emulator.Clock.Advance([TimeSpan]::FromSeconds(5)) }
        $rows = Get-FineTuningMetric $j.Id
        $rows.Count | Should -BeGreaterThan 0
        $rows[0].Step | Should -Be 1
    }

    It 'saves a result file decoded from base64, and a training file byte for byte' {
        Stop-FineTuningEmulator
        $script:emu = Start-TestEmulator
        $path = New-TestDataset -Count 10
        $f = Add-FineTuningFile $path
        $j = New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $f.Id -Epochs 1 -BatchSize 5
        $j = Step-Emulator $emu $j.Id -Status succeeded
        $saved = Save-FineTuningFile $j.ResultFiles[0] -Path (Join-Path $TestDrive 'results.csv')
        $saved | Should -BeOfType ([System.IO.FileInfo])
        (Get-Content $saved.FullName -TotalCount 1) | Should -Be 'step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy'
        (Import-Csv $saved.FullName).Count | Should -Be 2

        $raw = Save-FineTuningFile $j.ResultFiles[0] -Path (Join-Path $TestDrive 'results.b64') -Raw
        (Get-Content $raw.FullName -Raw) | Should -Not -Match '^step'

        $copy = $f | Save-FineTuningFile -OutFile (Join-Path $TestDrive 'copy.jsonl')
        (Get-FileHash $copy.FullName).Hash | Should -Be (Get-FileHash $path).Hash
    }

    It 'takes -Path as PowerShell''s Save- cmdlets do, keeping -OutFile as an alias' {
        $parameter = (Get-Command Save-FineTuningFile).Parameters['Path']
        $parameter | Should -Not -BeNullOrEmpty
        $parameter.Aliases | Should -Contain 'OutFile'
        $saved = Save-FineTuningFile -Id $train.Id -Path (Join-Path $TestDrive 'by-path.jsonl')
        $saved.Name | Should -Be 'by-path.jsonl'
    }

    It 'returns the saved file as Get-Item does, so its default view has no blank columns' {
        $saved = Save-FineTuningFile -Id $train.Id -Path (Join-Path $TestDrive 'view.jsonl')
        $item = Get-Item (Join-Path $TestDrive 'view.jsonl')
        $expected = ($item | Out-String -Width 120) -split "`r?`n" | Where-Object { $_ -match 'view\.jsonl' }
        $shown = ($saved | Out-String -Width 120) -split "`r?`n" | Where-Object { $_ -match 'view\.jsonl' }
        $shown | Should -Be $expected
        $shown | Should -Match ('\s' + $item.Length + '\s+view\.jsonl$')
        ($saved | Out-String -Width 120) | Should -Match ([regex]::Escape("Directory: $($item.DirectoryName)"))
    }

    It 'refuses to overwrite without -Force and writes nothing with -WhatIf' {
        $target = Join-Path $TestDrive 'exists.jsonl'
        Set-Content $target 'keep me'
        Save-FineTuningFile $train.Id -Path $target -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'FileExists,*'
        Get-Content $target | Should -Be 'keep me'
        $whatIf = Join-Path $TestDrive 'never.jsonl'
        Save-FineTuningFile $train.Id -OutFile $whatIf -WhatIf
        Test-Path $whatIf | Should -BeFalse
    }

    It 'removes files, with confirmation bypassed, and reports unknown ids' {
        Stop-FineTuningEmulator
        $script:emu = Start-TestEmulator
        $a = Add-FineTuningFile (New-TestDataset -Count 10)
        $b = Add-FineTuningFile (New-TestDataset -Count 10)
        Remove-FineTuningFile $a.Id -WhatIf
        $emu.Emulator.FileCount | Should -Be 2
        $result = $a, $b | Remove-FineTuningFile -Confirm:$false -PassThru
        $result.Deleted | Should -Be @($true, $true)
        $emu.Emulator.FileCount | Should -Be 0
        Remove-FineTuningFile file-gone -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'removes without a prompt with -Force, and -WhatIf still wins over -Force' {
        $c = Add-FineTuningFile (New-TestDataset -Count 10)
        Remove-FineTuningFile $c.Id -Force -WhatIf
        $emu.Emulator.FileCount | Should -Be 1
        # ConfirmImpact High would prompt here; -Force must not, even with $ConfirmPreference at its strictest.
        $ConfirmPreference = 'Low'
        (Remove-FineTuningFile $c.Id -Force -PassThru).Deleted | Should -BeTrue
        $emu.Emulator.FileCount | Should -Be 0
    }
}

Describe 'Show-FineTuningMetric' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        $train = Add-FineTuningFile (New-TestDataset -Count 12)
        $valid = Add-FineTuningFile (New-TestDataset -Count 10 -Name valid.jsonl)
        $a = $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -ValidationFile $valid -Epochs 3 -BatchSize 4
        $b = $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Epochs 2 -BatchSize 6
        $script:withValid = Step-Emulator $emu $a.Id -Status succeeded
        $script:trainOnly = Step-Emulator $emu $b.Id -Status succeeded
        $script:rows = @($withValid | Get-FineTuningMetric)
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'draws the rows of a job as a chart of the width and height asked for, with the loss range and the steps' {
        $lines = @($rows | Show-FineTuningMetric -Width 60 -Height 8)
        $lines | Should -HaveCount (1 + 8 + 2)
        $lines[0] | Should -Be "$($withValid.Id)  * TrainLoss  o ValidLoss"
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 60 }
        $top = @($rows.TrainLoss + $rows.ValidLoss | Where-Object { $null -ne $_ } | Measure-Object -Maximum).Maximum
        $bottom = @($rows.TrainLoss + $rows.ValidLoss | Where-Object { $null -ne $_ } | Measure-Object -Minimum).Minimum
        $lines[1].TrimStart() | Should -BeLike ("{0} |*" -f $top.ToString('0.####', [cultureinfo]::InvariantCulture))
        $lines[8].TrimStart() | Should -BeLike ("{0} |*" -f $bottom.ToString('0.####', [cultureinfo]::InvariantCulture))
        $lines[-1] | Should -Match "step 1\s+$($rows.Count)$"
        ($lines[1..8] -join '') | Should -Match '[*#]'
        ($lines[1..8] -join '') | Should -Match '[o#]'
    }

    It 'draws the metrics asked for, leaving out those without values, one chart per job' {
        $lines = @(@($withValid, $trainOnly) | Get-FineTuningMetric | Show-FineTuningMetric TrainAccuracy, ValidLoss -Width 50 -Height 5)
        $lines[0] | Should -Be "$($withValid.Id)  * TrainAccuracy  o ValidLoss"
        $lines | Should -Contain ''
        $lines | Should -Contain "$($trainOnly.Id)  * TrainAccuracy"
    }

    It 'warns, and draws nothing, when no row has a value for the metrics' {
        $lines = @($trainOnly | Get-FineTuningMetric | Show-FineTuningMetric ValidLoss -WarningVariable warned -WarningAction SilentlyContinue)
        $lines | Should -BeNullOrEmpty
        $warned[0].Message | Should -Match "$($trainOnly.Id) had no values for ValidLoss"
    }
}

Describe 'A job piped into the file cmdlets' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        $script:train = Add-FineTuningFile (New-TestDataset -Count 10)
        $job = $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Epochs 1 -BatchSize 5
        $script:done = Step-Emulator $emu $job.Id -Status succeeded
        $script:running = $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'Save-FineTuningFile saves the job''s result files, decoded' {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'results') -Force
        $saved = @($done | Save-FineTuningFile -OutFile $folder.FullName)
        $saved | Should -HaveCount @($done.ResultFiles).Count
        $saved[0].Name | Should -Be (Get-FineTuningFile $done.ResultFiles[0]).Filename
        (Get-Content $saved[0].FullName -TotalCount 1) | Should -Match '^step,train_loss'
        (Import-Csv $saved[0].FullName).Count | Should -Be @($done | Get-FineTuningMetric).Count
    }

    It 'Save-FineTuningFile says a job that has not finished has no result files yet' {
        $running | Save-FineTuningFile -OutFile $TestDrive -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'JobHasNoResultFiles,*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $errs[0].Exception.Message | Should -Match $running.Id
    }

    It 'Get- and Remove-FineTuningFile refuse the job''s own id as a file id, saying where its files are, before any request' {
        $before = $emu.Emulator.FileCount
        $done | Remove-FineTuningFile -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $done | Get-FineTuningFile -ErrorVariable errs2 -ErrorAction SilentlyContinue
        foreach ($e in @($errs[0], $errs2[0])) {
            $e.FullyQualifiedErrorId | Should -BeLike 'InvalidId,*'
            $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $e.TargetObject | Should -Be $done.Id
            $e.Exception.Message | Should -Match 'ResultFiles'
        }
        $emu.Emulator.FileCount | Should -Be $before
    }
}
