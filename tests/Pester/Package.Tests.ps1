#Requires -Version 7.4
# The package ./build.ps1 Package makes (tools/ModulePackage.psm1): what it holds, what it tells a repository,
# and that a PowerShell with nothing else installed gets a working module from it through a local repository.

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $script:ModuleFolder = if ($env:FINETUNING_MODULE_PATH) { $env:FINETUNING_MODULE_PATH } else {
        Get-ChildItem (Join-Path $script:Repo 'out/FineTuning') -Directory | Sort-Object Name | Select-Object -Last 1 -ExpandProperty FullName
    }
    Import-Module (Join-Path $script:Repo 'tools/ModulePackage.psm1') -Force -ErrorAction Stop
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $script:Manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $script:ModuleFolder 'FineTuning.psd1')
    $script:Version = $script:Manifest.ModuleVersion

    $script:Feed = Join-Path $TestDrive 'feed'
    $script:Package = New-FineTuningModulePackage -ModulePath $script:ModuleFolder -DestinationPath $script:Feed

    function Get-PackageEntry([string] $Path) {
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Path)
        try { @($zip.Entries | ForEach-Object FullName) } finally { $zip.Dispose() }
    }

    function Get-Nuspec([string] $Path) {
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Path)
        try {
            $entry = $zip.Entries | Where-Object FullName -eq 'FineTuning.nuspec'
            $reader = [System.IO.StreamReader]::new($entry.Open())
            try { [xml]$reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        finally { $zip.Dispose() }
    }

    function Copy-ModuleFolder([string] $Name) {
        # A copy of the built module under TestDrive, in a folder named after its version, to spoil on purpose.
        $copy = Join-Path $TestDrive "$Name/FineTuning/$script:Version"
        New-Item -ItemType Directory -Path $copy -Force | Out-Null
        Copy-Item -Path (Join-Path $script:ModuleFolder '*') -Destination $copy -Recurse
        $copy
    }

    function Invoke-CleanPowerShell([string] $ScriptPath, [string[]] $Arguments) {
        # Runs a script in a new PowerShell of the same version whose user data (PSResourceGet's repository list,
        # the user's module folder) lives under TestDrive: the machine's own settings are neither read nor changed.
        $self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        $prefix = @()
        if ([System.IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') {
            $prefix = @([System.Reflection.Assembly]::GetEntryAssembly().Location)
        }
        $userData = Join-Path $TestDrive 'home'
        $saved = @{}
        foreach ($name in 'HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'PSModulePath') {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        }
        try {
            if (-not $IsWindows) {
                # NuGet's package folder stays where it is: it holds the PowerShell tool this process runs on.
                if (-not $env:NUGET_PACKAGES) { $saved['NUGET_PACKAGES'] = $null; $env:NUGET_PACKAGES = Join-Path $HOME '.nuget/packages' }
                $env:HOME = $userData
                $env:XDG_DATA_HOME = Join-Path $userData '.local/share'
                $env:XDG_CONFIG_HOME = Join-Path $userData '.config'
                $env:XDG_CACHE_HOME = Join-Path $userData '.cache'
                # .NET reports a user folder that does not exist as '', and PSResourceGet would then keep its
                # repository list relative to the working directory.
                foreach ($dir in $env:XDG_DATA_HOME, $env:XDG_CONFIG_HOME, $env:XDG_CACHE_HOME) { New-Item -ItemType Directory -Path $dir -Force | Out-Null }
            }
            # Only PowerShell's own modules: nothing the developer has installed can stand in for the package.
            $env:PSModulePath = Join-Path $PSHOME 'Modules'
            $output = & $self @prefix -NoProfile -NonInteractive -File $ScriptPath @Arguments 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
            $stray = Join-Path (Get-Location).ProviderPath 'PSResourceGet'
            if (Test-Path -LiteralPath $stray) { throw "The child PowerShell wrote its settings to '$stray' instead of under TestDrive." }
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }
}

Describe 'New-FineTuningModulePackage' {
    It 'writes FineTuning.<version>.nupkg, named after the manifest''s version' {
        $script:Package.Name | Should -Be "FineTuning.$script:Version.nupkg"
        $script:Package.Length | Should -BeGreaterThan 0
    }

    It 'holds every file of the module folder and nothing of its own beyond the package metadata' {
        $expected = @(Get-ChildItem -LiteralPath $script:ModuleFolder -Recurse -File |
            ForEach-Object { [System.IO.Path]::GetRelativePath($script:ModuleFolder, $_.FullName).Replace('\', '/') } | Sort-Object)
        $metadata = '^(_rels/|package/|\[Content_Types\]\.xml$|FineTuning\.nuspec$)'
        $actual = @(Get-PackageEntry $script:Package.FullName | Where-Object { $_ -notmatch $metadata } |
            ForEach-Object { [uri]::UnescapeDataString($_) } | Sort-Object)
        $actual | Should -Be $expected
        $actual | Should -Contain 'FineTuning.psd1'
        $actual | Should -Contain 'en-US/FineTuning.dll-Help.xml'
        $actual | Should -Contain 'en-US/about_FineTuning.help.txt'
        $actual | Where-Object { $_ -like '*.pdb' -or $_ -like '*.deps.json' -or $_ -eq 'System.Management.Automation.dll' } | Should -BeNullOrEmpty
    }

    It 'tells a repository the manifest''s id, version, description and tags' {
        $meta = (Get-Nuspec $script:Package.FullName).package.metadata
        $meta.id | Should -Be 'FineTuning'
        $meta.version | Should -Be $script:Version
        $meta.description | Should -Be $script:Manifest.Description
        $meta.authors | Should -Be $script:Manifest.Author
        $tags = $meta.tags -split ' '
        $tags | Should -Contain 'PSModule'
        $tags | Should -Contain 'PSEdition_Core'
        $tags | Should -Contain 'PSEdition_Desktop'
    }

    It 'installs from a folder repository into a PowerShell that has nothing else, and works there by name' {
        $modules = Join-Path $TestDrive 'installed'
        $script = Join-Path $TestDrive 'install.ps1'
        Set-Content -LiteralPath $script -Value @'
param([string] $Feed, [string] $Modules, [string] $Data)
$ErrorActionPreference = 'Stop'
$repository = 'FineTuningTest' + [guid]::NewGuid().ToString('n').Substring(0, 8)
Register-PSResourceRepository -Name $repository -Uri $Feed -Trusted
New-Item -ItemType Directory -Path $Modules -Force | Out-Null
try {
    $found = Find-PSResource -Name FineTuning -Repository $repository
    Save-PSResource -Name FineTuning -Repository $repository -Path $Modules -TrustRepository
}
finally {
    Unregister-PSResourceRepository -Name $repository
}
$env:PSModulePath = $Modules + [System.IO.Path]::PathSeparator + $env:PSModulePath
Import-Module FineTuning
$module = Get-Module FineTuning
$null = Start-FineTuningEmulator -TimeScale 100000
$report = Test-FineTuningDataset -Path $Data
$job = Add-FineTuningFile -Path $Data | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Suffix packaged
$job = Wait-FineTuningJob -Id $job.Id -TimeoutSec 120
Stop-FineTuningEmulator
[pscustomobject]@{
    Found          = "$($found.Name) $($found.Version)"
    ModuleBase     = $module.ModuleBase
    Commands       = @($module.ExportedCmdlets.Keys).Count
    HelpExamples   = @((Get-Help New-FineTuningJob -Examples).examples.example).Count
    About          = [bool](Get-Help about_FineTuning -ErrorAction SilentlyContinue)
    ValidExamples  = $report.ValidExamples
    Valid          = $report.IsValid
    Status         = "$($job.Status)"
    FineTunedModel = $job.FineTunedModel
} | ConvertTo-Json -Compress
'@
        $data = Join-Path $TestDrive 'train.jsonl'
        $lines = foreach ($i in 1..12) {
            '{"messages":[{"role":"user","content":"Say ' + $i + '"},{"role":"assistant","content":"' + $i + '"}]}'
        }
        [System.IO.File]::WriteAllLines($data, [string[]]$lines)

        $run = Invoke-CleanPowerShell $script @($script:Feed, $modules, $data)
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        $result = $run.Output[-1] | ConvertFrom-Json
        $result.Found | Should -Be "FineTuning $script:Version"
        $result.ModuleBase | Should -Be (Join-Path $modules "FineTuning/$script:Version")
        $result.Commands | Should -Be @($script:Manifest.CmdletsToExport).Count
        $result.About | Should -BeTrue
        $result.Valid | Should -BeTrue
        $result.ValidExamples | Should -Be 12
        $result.HelpExamples | Should -BeGreaterOrEqual 2
        $result.Status | Should -Be 'succeeded'
        $result.FineTunedModel | Should -Match '^ft:gpt-4o-mini-2024-07-18:.+:packaged:'
    }

    It 'refuses a folder that holds build output that must not ship, naming the file, and writes nothing' {
        $copy = Copy-ModuleFolder 'with-pdb'
        Set-Content -LiteralPath (Join-Path $copy 'FineTuning.Client.pdb') -Value 'x'
        $out = Join-Path $TestDrive 'refused-pdb'
        { New-FineTuningModulePackage -ModulePath $copy -DestinationPath $out } | Should -Throw "*'FineTuning.Client.pdb' is build output*"
        @(Get-ChildItem $out -ErrorAction SilentlyContinue) | Should -HaveCount 0
    }

    It 'refuses a folder without the compiled help' {
        $copy = Copy-ModuleFolder 'without-help'
        Remove-Item -LiteralPath (Join-Path $copy 'en-US') -Recurse -Force
        { New-FineTuningModulePackage -ModulePath $copy -DestinationPath (Join-Path $TestDrive 'refused-help') } |
            Should -Throw '*no en-US/FineTuning.dll-Help.xml*'
    }

    It 'refuses a folder whose name is not the manifest''s version' {
        $copy = Copy-ModuleFolder 'renamed'
        $renamed = Join-Path (Split-Path $copy) '9.9.9'
        Rename-Item -LiteralPath $copy -NewName '9.9.9'
        { New-FineTuningModulePackage -ModulePath $renamed -DestinationPath (Join-Path $TestDrive 'refused-name') } |
            Should -Throw "*'$script:Version' which does not match its version folder name*"
    }

    It 'checks the folder but writes nothing with -WhatIf' {
        $out = Join-Path $TestDrive 'what-if'
        New-FineTuningModulePackage -ModulePath $script:ModuleFolder -DestinationPath $out -WhatIf | Should -BeNullOrEmpty
        Test-Path -LiteralPath $out | Should -BeFalse
        { New-FineTuningModulePackage -ModulePath $TestDrive -DestinationPath $out -WhatIf } | Should -Throw '*No FineTuning.psd1*'
    }

    It 'refuses a folder that is not a built module, and says how to build one' {
        { New-FineTuningModulePackage -ModulePath $TestDrive -DestinationPath (Join-Path $TestDrive 'refused-empty') } |
            Should -Throw '*No FineTuning.psd1*./build.ps1 Build*'
    }
}
