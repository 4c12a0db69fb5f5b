<#
.SYNOPSIS
    Builds, tests and demonstrates the FineTuning module.
.DESCRIPTION
    Build  - compiles the module into out/FineTuning/<version>/ (manifest, assemblies, the format
             file with the default views, MAML and about help).
    Test   - Build, then the xunit suites and the Pester suite; ends with "N passed, N failed" and
             exits non-zero when anything failed.
    Demo   - Build, then runs examples/demo.ps1 against the embedded emulator.
    Bench  - Build, then runs the benchmarks under bench/ and rewrites docs/benchmarks.md.
    Docs   - Build, then brings docs/en-US in line with the cmdlets: a page for each new cmdlet and a section for
             each new parameter (metadata filled in, text left as '{{ Fill in }}'), then lists what is left to
             write; exits non-zero while anything is.
    Lint   - Build (Release: a compiler warning is an error), then PSScriptAnalyzer 1.25.0 with
             PSScriptAnalyzerSettings.psd1 over every PowerShell file, and `dotnet format --verify-no-changes`
             (layout per .editorconfig); exits non-zero on any finding at Warning or Error. PSScriptAnalyzer
             comes from the folder repository given by -ToolRepository or $env:FINETUNING_TOOL_REPOSITORY,
             else from the PowerShell Gallery; the task says what it tried when neither has it.
    Package - Build, then packs the module into out/packages/FineTuning.<version>.nupkg, the package a
             PowerShell repository serves (Install-PSResource / Install-Module from a feed or a folder), and the
             stand-alone emulator into out/packages/FineTuning.Emulator.<version>.nupkg, a .NET tool
             (dotnet tool install --add-source out/packages FineTuning.Emulator; command finetuning-emulator).
    Clean  - removes out/ and every bin/ and obj/ folder.
    Only the .NET SDK is needed: run it as `dotnet tool restore; dotnet pwsh ./build.ps1 <Task>`.
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '',
    Justification = 'A build script reports progress to the person at the console; its only output is the build.')]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '',
    Justification = 'The parameters are read by the task functions below, which the rule does not follow.')]
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Lint', 'Demo', 'Docs', 'Bench', 'Package', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Test: run only the Pester suite (the module is still built).
    [switch] $PesterOnly,

    # Test: run only the xunit suites.
    [switch] $XunitOnly,

    # Lint: a folder of .nupkg files to install PSScriptAnalyzer from (as ../shared/psrepo beside a clone).
    [string] $ToolRepository = $env:FINETUNING_TOOL_REPOSITORY
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = $PSScriptRoot
$manifestData = Import-PowerShellDataFile -Path (Join-Path $root 'FineTuning.psd1')
$version = $manifestData.ModuleVersion
$moduleOut = Join-Path $root "out/FineTuning/$version"
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Invoke-Dotnet {
    # A plain function on purpose: an advanced one would take dotnet's -v for -Verbose.
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    Write-Host "Building FineTuning $version ($Configuration)" -ForegroundColor Cyan
    $bin = Join-Path $root "out/obj/module"
    Invoke-Dotnet build (Join-Path $root 'src/FineTuning/FineTuning.csproj') -c $Configuration -nologo -v quiet "-p:OutDir=$bin/"

    if (Test-Path $moduleOut) { Remove-Item $moduleOut -Recurse -Force }
    New-Item -ItemType Directory -Path $moduleOut -Force | Out-Null
    Get-ChildItem $bin -File | Where-Object {
        $_.Extension -in '.dll', '.ps1xml' -and $_.Name -ne 'System.Management.Automation.dll'
    } | Copy-Item -Destination $moduleOut
    Copy-Item (Join-Path $root 'FineTuning.psd1') $moduleOut

    $helpBuilder = Join-Path $root 'tools/HelpBuilder.psm1'
    $docs = Join-Path $root 'docs/en-US'
    if (Test-Path $helpBuilder) {
        Import-Module $helpBuilder -Force
        $helpOut = Join-Path $moduleOut 'en-US'
        New-Item -ItemType Directory -Path $helpOut -Force | Out-Null
        ConvertTo-FineTuningMaml -SourcePath $docs -OutputPath $helpOut | Out-Null
    }
    Write-Host "Module: $moduleOut"
}

function Get-PesterPath {
    Invoke-Dotnet restore (Join-Path $root 'tools/restore/TestTools.csproj') -nologo -v quiet
    $cache = $env:NUGET_PACKAGES
    if (-not $cache) {
        $line = & dotnet nuget locals global-packages --list
        $cache = ($line -replace '^global-packages:\s*', '').Trim()
    }
    $pesterVersion = ([xml](Get-Content (Join-Path $root 'Directory.Packages.props') -Raw)).Project.ItemGroup.PackageVersion |
        Where-Object Include -eq 'Pester' | Select-Object -ExpandProperty Version
    $path = Join-Path $cache "pester/$pesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $path)) { throw "Pester $pesterVersion was restored but $path is missing." }
    $path
}

function Invoke-Xunit {
    $results = Join-Path $root 'out/test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    Write-Host 'Running xunit suites' -ForegroundColor Cyan
    & dotnet test (Join-Path $root 'FineTuning.slnx') -c $Configuration -nologo --logger 'trx' --results-directory $results | Out-Host
    $exit = $LASTEXITCODE
    $passed = 0; $failed = 0; $total = 0
    # Suites that finish in the same second get names such as 'x[1].trx': brackets are wildcards to
    # PowerShell's path parameters, so the files are read by their literal names.
    $trxFiles = @(Get-ChildItem -LiteralPath $results -Filter *.trx -Recurse -ErrorAction SilentlyContinue)
    foreach ($trx in $trxFiles) {
        $counters = ([xml][System.IO.File]::ReadAllText($trx.FullName)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $total += [int]$counters.total
    }
    $suites = @(Get-ChildItem -LiteralPath (Join-Path $root 'tests') -Filter *.Tests.csproj -Recurse).Count
    if ($trxFiles.Count -lt $suites) {
        # A suite whose results cannot be read must not vanish from the count.
        $failed += $suites - $trxFiles.Count
        Write-Host "Only $($trxFiles.Count) of $suites xunit result files were found." -ForegroundColor Red
    }
    if ($exit -ne 0 -and $failed -eq 0) {
        # The run broke before or outside the tests (a build error, a crashed host): count it as a failure.
        $failed = 1
        Write-Host "dotnet test exited with $exit." -ForegroundColor Red
    }
    [pscustomobject]@{ Passed = $passed; Failed = $failed }
}

function Invoke-PesterSuite {
    # The suites are written for the default (non-strict) mode of a user session.
    Set-StrictMode -Off
    $pester = Get-PesterPath
    Import-Module $pester -Force
    $env:FINETUNING_MODULE_PATH = $moduleOut
    $config = New-PesterConfiguration
    $config.Run.Path = Join-Path $root 'tests/Pester'
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Normal'
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputPath = Join-Path $root 'out/test-results/pester.xml'
    Write-Host 'Running Pester suite (emulator in process)' -ForegroundColor Cyan
    $result = Invoke-Pester -Configuration $config
    $passed = $result.PassedCount
    $failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount

    # The suites that drive the emulator run again with it on a loopback port, over real HTTP.
    $config = New-PesterConfiguration
    $config.Run.Path = @(Get-ChildItem (Join-Path $root 'tests/Pester') -Filter *.Tests.ps1 |
        Where-Object Name -notin 'Help.Tests.ps1', 'HelpTools.Tests.ps1', 'Interop.Tests.ps1', 'Azure.Tests.ps1', 'NetFramework.Tests.ps1', 'Conventions.Tests.ps1', 'Package.Tests.ps1', 'PlatyPS.Tests.ps1', 'HostileService.Tests.ps1', 'Readme.Tests.ps1', 'HelpExamples.Tests.ps1', 'Migration.Tests.ps1' | ForEach-Object FullName)
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Normal'
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputPath = Join-Path $root 'out/test-results/pester-loopback.xml'
    Write-Host 'Running Pester suite again (emulator on 127.0.0.1, real HTTP)' -ForegroundColor Cyan
    $env:FINETUNING_TEST_LOOPBACK = '1'
    try {
        $loopback = Invoke-Pester -Configuration $config
    } finally {
        Remove-Item Env:FINETUNING_TEST_LOOPBACK -ErrorAction SilentlyContinue
    }
    $passed += $loopback.PassedCount
    $failed += $loopback.FailedCount + $loopback.FailedBlocksCount + $loopback.FailedContainersCount
    [pscustomobject]@{ Passed = $passed; Failed = $failed }
}

function Invoke-Test {
    Invoke-Build
    $passed = 0; $failed = 0
    if (-not $PesterOnly) {
        $x = Invoke-Xunit
        Write-Host "xunit: $($x.Passed) passed, $($x.Failed) failed"
        $passed += $x.Passed; $failed += $x.Failed
    }
    if (-not $XunitOnly) {
        $p = Invoke-PesterSuite
        Write-Host "Pester: $($p.Passed) passed, $($p.Failed) failed"
        $passed += $p.Passed; $failed += $p.Failed
    }
    if ($env:FINETUNING_CI_LINT_FAILED) {
        # Set by .ci/run when ./build.ps1 Lint failed before the tests: said here too, next to the count.
        Write-Host 'Lint failed before the tests (its findings are above): this run fails whatever the count.' -ForegroundColor Red
    }
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Lint {
    Invoke-Build
    $failed = @()

    Import-Module (Join-Path $root 'tools/BuildTools.psm1') -Force
    try {
        $analyzer = Install-FineTuningBuildTool -Name PSScriptAnalyzer -Version '1.25.0' -Root $root -Repository $ToolRepository
    } catch {
        Write-Host "Lint cannot run: $($_.Exception.Message)" -ForegroundColor Red
        exit 1
    }
    Import-Module $analyzer -Force
    Write-Host "Running PSScriptAnalyzer $((Get-Module PSScriptAnalyzer).Version)" -ForegroundColor Cyan
    $settings = Join-Path $root 'PSScriptAnalyzerSettings.psd1'
    $rootManifest = Join-Path $root 'FineTuning.psd1'
    $files = @(Get-ChildItem -LiteralPath $root -Recurse -File -Include '*.ps1', '*.psm1', '*.psd1' | Where-Object {
            [System.IO.Path]::GetRelativePath($root, $_.FullName) -notmatch '^out[\\/]|(^|[\\/])(bin|obj|node_modules)[\\/]'
        })
    $findings = @(foreach ($file in $files) {
            # The manifest names the format file that the build generates, so the built copy is the one analysed.
            $path = if ($file.FullName -eq $rootManifest) { Join-Path $moduleOut 'FineTuning.psd1' } else { $file.FullName }
            foreach ($finding in Invoke-ScriptAnalyzer -Path $path -Settings $settings) {
                [pscustomobject]@{
                    Where    = '{0}:{1}:{2}' -f [System.IO.Path]::GetRelativePath($root, $file.FullName), $finding.Line, $finding.Column
                    Severity = $finding.Severity
                    Rule     = $finding.RuleName
                    Message  = $finding.Message
                }
            }
        })
    foreach ($finding in $findings) {
        $color = if ("$($finding.Severity)" -eq 'Information') { 'DarkGray' } else { 'Red' }
        Write-Host ('{0} {1} {2}: {3}' -f $finding.Where, $finding.Severity, $finding.Rule, $finding.Message) -ForegroundColor $color
    }
    $serious = @($findings | Where-Object { "$($_.Severity)" -in 'Warning', 'Error', 'ParseError' })
    Write-Host ('PSScriptAnalyzer: {0} files, {1} finding(s) at Warning or Error, {2} at Information' -f $files.Count, $serious.Count, ($findings.Count - $serious.Count))
    if ($serious.Count -gt 0) { $failed += "PSScriptAnalyzer ($($serious.Count) finding(s))" }

    Write-Host 'Running dotnet format --verify-no-changes' -ForegroundColor Cyan
    foreach ($project in 'FineTuning.slnx', 'tests/netfx/RuntimeCheck.csproj') {
        & dotnet format (Join-Path $root $project) --verify-no-changes | Out-Host
        if ($LASTEXITCODE -ne 0) { $failed += "dotnet format ($project; run 'dotnet format $project' to fix)" }
    }

    if ($failed.Count -gt 0) {
        Write-Host "Lint failed: $($failed -join ', ')." -ForegroundColor Red
        exit 1
    }
    Write-Host 'Lint: no findings.' -ForegroundColor Green
}

function Invoke-Demo {
    Invoke-Build
    $env:FINETUNING_MODULE_PATH = $moduleOut
    & (Join-Path $root 'examples/demo.ps1') -ModulePath $moduleOut
}

function Invoke-Bench {
    Invoke-Build
    $env:FINETUNING_MODULE_PATH = $moduleOut
    & (Join-Path $root 'bench/Run-Benchmarks.ps1') -ModulePath $moduleOut -OutFile (Join-Path $root 'docs/benchmarks.md')
}

function Invoke-Documentation {
    Invoke-Build
    $docs = Join-Path $root 'docs/en-US'
    Import-Module (Join-Path $root 'tools/HelpBuilder.psm1') -Force
    Import-Module (Join-Path $moduleOut 'FineTuning.psd1') -Force
    $written = @(Update-FineTuningHelpMarkdown -Module FineTuning -SourcePath $docs)
    foreach ($file in $written) { Write-Host "Wrote $file" }
    if ($written.Count -gt 0) {
        ConvertTo-FineTuningMaml -SourcePath $docs -OutputPath (Join-Path $moduleOut 'en-US') | Out-Null
    }
    $problems = @(Test-FineTuningHelpCoverage -Module FineTuning -SourcePath $docs)
    if ($problems.Count -gt 0) {
        $problems | Format-Table Command, Problem, Message -AutoSize -Wrap | Out-Host
        Write-Host "$($problems.Count) help problem(s) left in docs/en-US." -ForegroundColor Red
        exit 1
    }
    Write-Host 'The help covers every cmdlet and parameter.' -ForegroundColor Green
}

function Invoke-Package {
    Invoke-Build
    Import-Module (Join-Path $root 'tools/ModulePackage.psm1') -Force
    $package = New-FineTuningModulePackage -ModulePath $moduleOut -DestinationPath (Join-Path $root 'out/packages')
    Write-Host "Package: $($package.FullName)"
    # The stand-alone emulator as a .NET tool (command finetuning-emulator), for CI in any language.
    Invoke-Dotnet pack (Join-Path $root 'src/FineTuning.Emulator.Host/FineTuning.Emulator.Host.csproj') -c $Configuration -nologo -v quiet `
        -o (Join-Path $root 'out/packages')
    Write-Host "Tool package: $(Join-Path $root "out/packages/FineTuning.Emulator.$version.nupkg")"
}

function Invoke-Clean {
    $targets = @(Join-Path $root 'out') + @(Get-ChildItem $root -Directory -Recurse -Include bin, obj -ErrorAction SilentlyContinue |
        Where-Object { $_.FullName -notmatch '[\\/]node_modules[\\/]' } | ForEach-Object FullName)
    foreach ($t in $targets) { if (Test-Path $t) { Remove-Item $t -Recurse -Force } }
    Write-Host 'Clean.'
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Lint' { Invoke-Lint }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Docs' { Invoke-Documentation }
    'Package' { Invoke-Package }
    'Clean' { Invoke-Clean }
}
