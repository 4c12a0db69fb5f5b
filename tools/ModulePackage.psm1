# ModulePackage: turns a built module folder (out/FineTuning/<version>) into the .nupkg that PowerShell
# repositories serve (a private feed, a file share, the Gallery), after checking that the folder is one
# worth shipping. The packing itself is PSResourceGet's Compress-PSResource, which writes the same
# package Publish-PSResource would upload.

Set-StrictMode -Version 2.0

# Files a build may leave beside the assemblies that must never reach users.
$script:Unwanted = @('*.pdb', '*.deps.json', '*.runtimeconfig.json', 'System.Management.Automation.dll')

function Test-FineTuningModuleFolder {
    <#
    .SYNOPSIS
        The problems that keep a built module folder from being packaged, one string each (none: ready).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [string] $ModulePath)

    $manifestPath = Join-Path $ModulePath 'FineTuning.psd1'
    if (-not (Test-Path -LiteralPath $manifestPath)) {
        return "No FineTuning.psd1 in '$ModulePath': build the module first (./build.ps1 Build)."
    }
    # Files the manifest names come first: Test-ModuleManifest reports a missing root module only as an invalid manifest.
    $data = Import-PowerShellDataFile -LiteralPath $manifestPath
    $named = @($data['RootModule']) + @($data['FormatsToProcess']) + @($data['TypesToProcess']) + @($data['RequiredAssemblies'])
    $missing = @(foreach ($name in $named) {
            if ($name -and -not (Test-Path -LiteralPath (Join-Path $ModulePath $name))) {
                "The manifest names '$name' but the folder has no such file."
            }
        })
    if ($missing.Count -gt 0) { return $missing }
    # Test-ModuleManifest also checks that the folder is named after the manifest's version, as PowerShell
    # needs to find the module by name.
    try {
        $null = Test-ModuleManifest -Path $manifestPath -ErrorAction Stop -WarningAction SilentlyContinue
    }
    catch {
        return "The manifest '$manifestPath' is not valid: $($_.Exception.Message)"
    }
    if (-not (Test-Path -LiteralPath (Join-Path $ModulePath 'en-US/FineTuning.dll-Help.xml'))) {
        "The folder has no en-US/FineTuning.dll-Help.xml: Get-Help would show no help. The build writes it from docs/en-US."
    }
    foreach ($pattern in $script:Unwanted) {
        foreach ($file in @(Get-ChildItem -LiteralPath $ModulePath -Recurse -File -Filter $pattern)) {
            "'$($file.Name)' is build output that must not be shipped."
        }
    }
}

function New-FineTuningModulePackage {
    <#
    .SYNOPSIS
        Packs a built module folder into <DestinationPath>/FineTuning.<version>.nupkg and returns the file.
        With -WhatIf it checks the folder and says which package it would write, and writes nothing.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([System.IO.FileInfo])]
    param(
        [Parameter(Mandatory)] [string] $ModulePath,
        [Parameter(Mandatory)] [string] $DestinationPath
    )

    if (-not (Get-Command Compress-PSResource -ErrorAction SilentlyContinue)) {
        throw 'Packaging needs Compress-PSResource from Microsoft.PowerShell.PSResourceGet 1.1 or later, which PowerShell 7.4 and later include: run the build with `dotnet pwsh`.'
    }
    $ModulePath = (Resolve-Path -LiteralPath $ModulePath -ErrorAction Stop).Path
    $problems = @(Test-FineTuningModuleFolder -ModulePath $ModulePath)
    if ($problems.Count -gt 0) {
        throw "The module in '$ModulePath' cannot be packaged:`n  - $($problems -join "`n  - ")"
    }
    $version = (Import-PowerShellDataFile -LiteralPath (Join-Path $ModulePath 'FineTuning.psd1')).ModuleVersion
    $target = Join-Path $DestinationPath "FineTuning.$version.nupkg"
    if (-not $PSCmdlet.ShouldProcess($target, 'Write the module package')) { return }
    New-Item -ItemType Directory -Path $DestinationPath -Force | Out-Null
    # Compress-PSResource will not replace a package; an old one of the same version is stale by definition.
    if (Test-Path -LiteralPath $target) { Remove-Item -LiteralPath $target -Force }
    Compress-PSResource -Path $ModulePath -DestinationPath $DestinationPath
    if (-not (Test-Path -LiteralPath $target)) {
        throw "Compress-PSResource reported no error but '$target' was not written."
    }
    Get-Item -LiteralPath $target
}

Export-ModuleMember -Function Test-FineTuningModuleFolder, New-FineTuningModulePackage
