# BuildTools: brings the PowerShell modules the build uses but does not ship (PSScriptAnalyzer for
# `./build.ps1 Lint`, platyPS for the help check) into out/tools/<Name>/<Version>, with PSResourceGet, at an
# exact version. Where they come from, in order:
#   1. out/tools already holds that version (an earlier run), or it is installed for the user;
#   2. the folder repository given by -Repository or the FINETUNING_TOOL_REPOSITORY environment variable
#      (a folder of .nupkg files, such as the one beside a clone on a machine without the internet);
#   3. the PowerShell Gallery, where it can be reached.
# When none has it, Install-FineTuningBuildTool says which places were tried and why each failed.

Set-StrictMode -Version 3.0

function Install-FineTuningBuildTool {
    <#
    .SYNOPSIS
        Makes a module of an exact version available under out/tools and returns its manifest's path.
    .OUTPUTS
        System.String: the path of <Name>.psd1. Throws when no source has the module.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $Version,
        # The folder out/tools is made in (the repository root).
        [Parameter(Mandatory)] [string] $Root,
        # A folder repository of .nupkg files; FINETUNING_TOOL_REPOSITORY when not given.
        [string] $Repository = $env:FINETUNING_TOOL_REPOSITORY
    )

    $tools = Join-Path $Root 'out/tools'
    $manifest = Join-Path $tools "$Name/$Version/$Name.psd1"
    if (Test-Path -LiteralPath $manifest) { return $manifest }
    $installed = @(Get-Module -ListAvailable -Name $Name | Where-Object { $_.Version -eq [version]$Version })
    if ($installed.Count -gt 0) { return $installed[0].Path }

    New-Item -ItemType Directory -Path $tools -Force | Out-Null
    $tried = New-Object System.Collections.Generic.List[string]
    if ($Repository) {
        if (-not (Test-Path -LiteralPath $Repository -PathType Container)) {
            $tried.Add("the folder repository '$Repository' (FINETUNING_TOOL_REPOSITORY or -ToolRepository): no such folder")
        } else {
            $folder = (Resolve-Path -LiteralPath $Repository).ProviderPath
            # [System.Uri]::new, not a [uri] cast: the cast leaves a Unix path such as /work/psrepo relative, with no AbsoluteUri.
            $uri = [System.Uri]::new($folder).AbsoluteUri.TrimEnd('/')
            # Reuse a registration of the same folder; otherwise register one for this call and remove it after.
            $known = @(Get-PSResourceRepository -ErrorAction SilentlyContinue | Where-Object { $_.Uri.AbsoluteUri.TrimEnd('/') -eq $uri })
            $repositoryName = if ($known.Count -gt 0) { $known[0].Name } else { "FineTuningBuildTools$PID" }
            try {
                if ($known.Count -eq 0) {
                    Register-PSResourceRepository -Name $repositoryName -Uri $folder -Trusted -ErrorAction Stop
                }
                Save-PSResource -Name $Name -Version $Version -Repository $repositoryName -TrustRepository -Path $tools -Quiet -ErrorAction Stop
            } catch {
                $tried.Add("the folder repository '$folder': $($_.Exception.Message)")
            } finally {
                if ($known.Count -eq 0) { Unregister-PSResourceRepository -Name $repositoryName -ErrorAction SilentlyContinue }
            }
            if (Test-Path -LiteralPath $manifest) { return $manifest }
        }
    }
    if (Get-PSResourceRepository -Name PSGallery -ErrorAction SilentlyContinue) {
        try {
            Save-PSResource -Name $Name -Version $Version -Repository PSGallery -TrustRepository -Path $tools -Quiet -ErrorAction Stop
        } catch {
            $tried.Add("the PowerShell Gallery: $($_.Exception.Message)")
        }
        if (Test-Path -LiteralPath $manifest) { return $manifest }
    } else {
        $tried.Add('the PowerShell Gallery: not registered (Get-PSResourceRepository PSGallery)')
    }
    if (-not $Repository) {
        $tried.Add('no folder repository: set FINETUNING_TOOL_REPOSITORY or pass -ToolRepository to use one')
    }
    throw "$Name $Version could not be installed. Tried $($tried -join '; ')."
}

Export-ModuleMember -Function Install-FineTuningBuildTool
