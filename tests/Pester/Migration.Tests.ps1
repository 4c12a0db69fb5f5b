# The migration path: archive a job from the emulator's OpenAI dialect, re-create it from the archive on its Azure dialect,
# compare the two jobs; settings without an equivalent on the target fail before any upload. Also runs docs/migrating-to-azure.md.
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '',
    Justification = 'The keys are made up by the test for the emulator; the cmdlets take them as SecureString.')]
param()

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Moving a job from OpenAI to Azure OpenAI' {
    BeforeAll {
        $script:emu = FineTuning\Start-FineTuningEmulator -Port 0 -ManualClock -Seed 3
        $script:openai = Get-FineTuningConnection
        $script:azure = Connect-FineTuningService -Azure -Endpoint "http://127.0.0.1:$($emu.Port)" -ApiKey (ConvertTo-SecureString 'k' -AsPlainText -Force) -ApiVersion 2025-04-01-preview -PassThru
        $train = Add-FineTuningFile (New-TestDataset -Count 12) -Connection $openai
        $valid = Add-FineTuningFile (New-TestDataset -Count 10) -Connection $openai
        $created = $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -ValidationFile $valid -Epochs 2 -BatchSize 2 -LearningRateMultiplier 0.4 -Suffix moved -Connection $openai
        for ($i = 0; $i -lt 400 -and (Get-FineTuningJob $created.Id -Connection $openai).Status -ne 'succeeded'; $i++) { $emu.Emulator.Clock.Advance([TimeSpan]::FromSeconds(15)) }
        $script:job = Get-FineTuningJob $created.Id -Connection $openai
        $script:archive = Export-FineTuningJob $job.Id -Path (Join-Path $TestDrive 'archive') -IncludeData -Connection $openai
        $script:specPath = Join-Path $archive.Path 'spec.psd1'
        function Get-AzureFileCount { @(Get-FineTuningFile -Connection $script:azure).Count }
    }
    AfterAll {
        Disconnect-FineTuningService
        FineTuning\Stop-FineTuningEmulator
    }

    It 're-creates the archived job on the Azure dialect with the same settings' {
        $job.Status | Should -Be 'succeeded'
        $archive.Complete | Should -BeTrue
        $moved = New-FineTuningJob -Spec $specPath -Connection $azure
        $moved.Id | Should -Match '^ftjob-[0-9a-f]{32}$'   # made by the Azure dialect
        for ($i = 0; $i -lt 400 -and (Get-FineTuningJob $moved.Id -Connection $azure).Status -ne 'succeeded'; $i++) { $emu.Emulator.Clock.Advance([TimeSpan]::FromSeconds(15)) }
        $before = Compare-FineTuningJob $job.Id -Connection $openai
        $after = Compare-FineTuningJob $moved.Id -Connection $azure
        $after.Status | Should -Be 'succeeded'
        [FineTuning.Client.JobComparisonRow]::SettingDifferences($before, $after) | Should -BeNullOrEmpty
        $after.Epochs | Should -Be 2
        $after.BatchSize | Should -Be 2
        $after.LearningRateMultiplier | Should -Be 0.4
        $after.Seed | Should -Be $job.Seed
        $after.FineTunedModel | Should -Match '^gpt-4o-mini-2024-07-18\.ft-[0-9a-f]{32}-moved$'
        $after.TrainedTokens | Should -Be $before.TrainedTokens
        (Get-FineTuningFile $after.TrainingFile -Connection $azure).Bytes | Should -Be (Get-FineTuningFile $job.TrainingFile -Connection $openai).Bytes
    }

    It 'refuses <Case> on Azure before any upload, naming the setting and the change' -ForEach @(
        @{ Case = "OpenAI's model alias"; Change = @{ Model = 'gpt-4o-mini' }; Setting = 'Model'; Hint = "Set Model = 'gpt-4o-mini-2024-07-18' in the spec." }
        @{ Case = 'a model fine-tuned on OpenAI'; Change = @{ Model = 'ft:gpt-4o-mini-2024-07-18:org::abc12345' }; Setting = 'Model'; Hint = "Set Model = 'gpt-4o-mini-2024-07-18' in the spec." }
        @{ Case = "gpt-3.5's OpenAI name"; Change = @{ Model = 'gpt-3.5-turbo-0125' }; Setting = 'Model'; Hint = "Set Model = 'gpt-35-turbo-0125' in the spec." }
        @{ Case = 'a method the model does not offer'; Change = @{ Method = 'Dpo' }; Setting = 'Method'; Hint = "*'gpt-4.1-2025-04-14'*" }
        @{ Case = 'a suffix Azure does not take'; Change = @{ Suffix = 'team run 7' }; Setting = 'Suffix'; Hint = "Set Suffix = 'team-run-7' in the spec." }
    ) {
        $spec = Import-PowerShellDataFile $specPath
        $spec.TrainingFile = Join-Path $archive.Path $spec.TrainingFile
        $spec.ValidationFile = Join-Path $archive.Path $spec.ValidationFile
        foreach ($k in $Change.Keys) { $spec[$k] = $Change[$k] }
        $files = Get-AzureFileCount
        $err = $null
        try { New-FineTuningJob -Spec $spec -Connection $azure } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'SettingNotOnTarget,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Key | Should -Be $Setting
        $err.Exception.Message | Should -BeLike "*key '$Setting'*Nothing was uploaded*"
        if ($Hint -like '*`**') { $err.ErrorDetails.RecommendedAction | Should -BeLike $Hint } else { $err.ErrorDetails.RecommendedAction | Should -Be $Hint }
        Get-AzureFileCount | Should -Be $files
    }

    It 'refuses reinforcement on a dated Azure API version that has none, and the same check guards -Model' {
        $err = $null
        try { New-FineTuningJob -Model gpt-4o-mini -TrainingFile file-abc -Connection $azure } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'SettingNotOnTarget,*'
        $err.ErrorDetails.RecommendedAction | Should -Be "Use -Model 'gpt-4o-mini-2024-07-18'."
        $grader = @{ type = 'string_check'; name = 'g'; input = '{{sample.output_text}}'; reference = '{{item.answer}}'; operation = 'eq' }
        $err = $null
        try { New-FineTuningJob -Model o4-mini-2025-04-16 -Method Reinforcement -Grader $grader -TrainingFile file-a -ValidationFile file-b -Connection $azure } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'SettingNotOnTarget,*'
        $err.Exception.Message | Should -BeLike '*2025-04-01-preview*v1 API*'
    }

    It "refuses Azure's names on the OpenAI dialect, for the way back" {
        $err = $null
        try { New-FineTuningJob -Spec @{ Model = 'gpt-35-turbo-0125'; TrainingFile = 'file-abc' } -Connection $openai } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'SettingNotOnTarget,*'
        $err.ErrorDetails.RecommendedAction | Should -Be "Set Model = 'gpt-3.5-turbo-0125' in the spec."
    }
}

Describe 'docs/migrating-to-azure.md' {
    It 'runs as written, from an OpenAI job to the same job on Azure OpenAI' {
        $page = Join-Path $PSScriptRoot '../../docs/migrating-to-azure.md'
        $blocks = [regex]::Matches((Get-Content $page -Raw), '(?ms)^```powershell\r?\n(.*?)^```') | ForEach-Object { $_.Groups[1].Value }
        $blocks.Count | Should -BeGreaterOrEqual 5
        $work = Join-Path $TestDrive 'walkthrough'
        New-Item -ItemType Directory -Path (Join-Path $work 'examples') | Out-Null
        Copy-Item -Recurse (Join-Path $PSScriptRoot '../../examples/data') (Join-Path $work 'examples/data')
        $script = Join-Path $work 'walkthrough.ps1'
        $prelude = "`$ErrorActionPreference = 'Stop'`nImport-Module '$(Join-Path $script:ModuleFolder 'FineTuning.psd1')'`nSet-Location '$work'`n"
        Set-Content $script ($prelude + ($blocks -join "`n"))
        $self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        $prefix = @()
        if ([System.IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { $prefix = @([System.Reflection.Assembly]::GetEntryAssembly().Location) }
        $output = & $self @prefix -NoProfile -NonInteractive -File $script 2>&1 | ForEach-Object { "$_" }
        $text = ($output -join "`n") -replace '\e\[[0-9;]*m'
        $LASTEXITCODE | Should -Be 0 -Because $text
        $text | Should -Match 'Status\s*:\s*succeeded'
        ($text -replace '\n\s+', '') | Should -Match 'FineTunedModel\s*:\s*gpt-4o-mini-2024-07-18\.ft-[0-9a-f]{32}-support'   # a list wraps long values
        $text | Should -Match 'SettingNotOnTarget,FineTuning\.Commands\.NewFineTuningJobCommand'
        $text | Should -Match "Set Model = 'gpt-4o-mini-2024-07-18' in the spec\."
        $text | Should -Not -Match 'WARNING|ERROR'
        @(Get-ChildItem (Join-Path $work 'ft-archive') -Directory) | Should -HaveCount 1
    }
}
