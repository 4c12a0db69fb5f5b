# The emulator driven by the official openai npm SDK over loopback HTTP. Needs node and npm (the SDK
# is installed from npm into out/interop by this test); skipped with a reason when they are absent.
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingConvertToSecureStringWithPlainText', '',
    Justification = 'The keys are made up by the test for the emulator; the cmdlets take them as SecureString.')]
param()

BeforeDiscovery {
    $script:haveNode = [bool](Get-Command node -ErrorAction SilentlyContinue) -and [bool](Get-Command npm -ErrorAction SilentlyContinue)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:interop = Join-Path $PSScriptRoot '../interop'
    $script:work = Join-Path $PSScriptRoot '../../out/interop'
}

Describe 'The openai npm SDK against the emulator' -Skip:(-not $haveNode) {
    BeforeAll {
        New-Item -ItemType Directory -Path $work -Force | Out-Null
        Copy-Item (Join-Path $interop 'package.json'), (Join-Path $interop 'openai-sdk.mjs') $work -Force
        if (-not (Test-Path (Join-Path $work 'node_modules/openai/package.json'))) {
            Push-Location $work
            try { & npm install --no-audit --no-fund --loglevel=error 2>&1 | Out-Host } finally { Pop-Location }
        }
        $script:key = 'sk-interop-' + [guid]::NewGuid().ToString('n')
        $script:emu = Start-FineTuningEmulator -Port 0 -ManualClock -Seed 4 -ApiKey (ConvertTo-SecureString $key -AsPlainText -Force)
        $script:train = New-TestDataset -Count 12
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'uploads, creates, lists, pauses, resumes, cancels, and reads events, checkpoints and results' {
        $env:EMULATOR_BASE_URL = $emu.BaseUri.AbsoluteUri
        $env:EMULATOR_API_KEY = $key
        $env:TRAIN_FILE = $train
        try {
            $output = & node (Join-Path $work 'openai-sdk.mjs') 2>&1
            $exit = $LASTEXITCODE
        } finally {
            Remove-Item Env:EMULATOR_BASE_URL, Env:EMULATOR_API_KEY, Env:TRAIN_FILE -ErrorAction SilentlyContinue
        }
        $text = ($output | Out-String)
        $exit | Should -Be 0 -Because $text
        $summary = ($output | Select-Object -Last 1) | ConvertFrom-Json
        $summary.ok | Should -BeTrue
        $summary.checks.Count | Should -Be 16
    }
}
