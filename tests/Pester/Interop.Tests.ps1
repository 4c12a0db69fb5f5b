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

    # The SDK script and the openai package from npm, in out/interop (installed once, reused by later runs).
    function Install-SdkScript {
        New-Item -ItemType Directory -Path $work -Force | Out-Null
        Copy-Item (Join-Path $interop 'package.json'), (Join-Path $interop 'openai-sdk.mjs') $work -Force
        if (-not (Test-Path (Join-Path $work 'node_modules/openai/package.json'))) {
            Push-Location $work
            try { & npm install --no-audit --no-fund --loglevel=error 2>&1 | Out-Host } finally { Pop-Location }
        }
    }

    # Runs the SDK's whole workflow against an emulator and checks that every one of its 16 checks passed.
    function Invoke-SdkWorkflow([string] $BaseUri, [string] $Key, [string] $TrainFile) {
        $env:EMULATOR_BASE_URL = $BaseUri
        $env:EMULATOR_API_KEY = $Key
        $env:TRAIN_FILE = $TrainFile
        try {
            $output = & node (Join-Path $work 'openai-sdk.mjs') 2>&1
            $exit = $LASTEXITCODE
        } finally {
            Remove-Item Env:EMULATOR_BASE_URL, Env:EMULATOR_API_KEY, Env:TRAIN_FILE -ErrorAction SilentlyContinue
        }
        $exit | Should -Be 0 -Because ($output | Out-String)
        $summary = ($output | Select-Object -Last 1) | ConvertFrom-Json
        $summary.ok | Should -BeTrue
        $summary.checks.Count | Should -Be 16
    }
}

Describe 'The openai npm SDK against the emulator' -Skip:(-not $haveNode) {
    BeforeAll {
        Install-SdkScript
        $script:key = 'sk-interop-' + [guid]::NewGuid().ToString('n')
        $script:emu = Start-FineTuningEmulator -Port 0 -ManualClock -Seed 4 -ApiKey (ConvertTo-SecureString $key -AsPlainText -Force)
        $script:train = New-TestDataset -Count 12
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'uploads, creates, lists, pauses, resumes, cancels, and reads events, checkpoints and results' {
        Invoke-SdkWorkflow -BaseUri $emu.BaseUri.AbsoluteUri -Key $key -TrainFile $train
    }
}

Describe 'The emulator as a .NET tool, installed from its package and driven by the openai npm SDK' -Skip:(-not $haveNode) {
    BeforeAll {
        # The package ./build.ps1 Package writes into out/packages, made here the same way into a folder of the test's own.
        $script:feed = Join-Path $TestDrive 'feed'
        $project = Join-Path $PSScriptRoot '../../src/FineTuning.Emulator.Host/FineTuning.Emulator.Host.csproj'
        $packed = & dotnet pack $project -c Release -nologo -v quiet -o $feed 2>&1
        if ($LASTEXITCODE -ne 0) { throw "dotnet pack failed: $($packed | Out-String)" }
        $script:package = Get-ChildItem $feed -Filter 'FineTuning.Emulator.*.nupkg' | Select-Object -First 1

        # Installed into a temporary tool path, through a package cache of the test's own, so a package left in the
        # user's cache by an earlier build never stands in for this one.
        $script:tools = Join-Path $TestDrive 'tools'
        $savedCache = $env:NUGET_PACKAGES
        $env:NUGET_PACKAGES = Join-Path $TestDrive 'nuget'
        try {
            $installed = & dotnet tool install --tool-path $tools --add-source $feed --ignore-failed-sources FineTuning.Emulator 2>&1
            $script:installExit = $LASTEXITCODE
            $script:installOutput = $installed | Out-String
        } finally {
            $env:NUGET_PACKAGES = $savedCache
        }

        Install-SdkScript
        $script:key = 'sk-tool-' + [guid]::NewGuid().ToString('n')
        $script:train = New-TestDataset -Count 12
    }

    It 'is packed as FineTuning.Emulator with the command finetuning-emulator' {
        $package | Should -Not -BeNullOrEmpty
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($package.FullName)
        try {
            $settings = $zip.Entries | Where-Object FullName -like 'tools/*/any/DotnetToolSettings.xml'
            $reader = [System.IO.StreamReader]::new($settings.Open())
            try { $xml = [xml]$reader.ReadToEnd() } finally { $reader.Dispose() }
            $xml.DotNetCliTool.Commands.Command.Name | Should -Be 'finetuning-emulator'
        } finally { $zip.Dispose() }
    }

    It 'installs with dotnet tool install and serves the whole SDK workflow' {
        $installExit | Should -Be 0 -Because $installOutput
        $command = Get-ChildItem $tools -Filter 'finetuning-emulator*' | Where-Object { $_.Name -in 'finetuning-emulator', 'finetuning-emulator.exe' } | Select-Object -First 1
        $command | Should -Not -BeNullOrEmpty

        $psi = [System.Diagnostics.ProcessStartInfo]::new($command.FullName)
        foreach ($a in '--port', '0', '--manual-clock', '--seed', '4') { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $psi.Environment['FINETUNING_EMULATOR_API_KEY'] = $key
        $process = [System.Diagnostics.Process]::Start($psi)
        try {
            $line = $process.StandardOutput.ReadLine()
            $baseUri = [regex]::Match([string]$line, 'http://\S+/v1').Value
            $baseUri | Should -Not -BeNullOrEmpty -Because "the tool's first line names its address: $line"
            $line | Should -BeLike '*API key required*'

            Invoke-SdkWorkflow -BaseUri $baseUri -Key $key -TrainFile $train
        } finally {
            if (-not $process.HasExited) { $process.Kill(); $process.WaitForExit() }
        }
    }
}
