@{
    RootModule           = 'FineTuning.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = 'b467ea0f-a71c-4fd0-a69d-6a2a0b42c0cc'
    Author               = 'FineTuning contributors'
    CompanyName          = 'FineTuning'
    Copyright            = '(c) FineTuning contributors. MIT License.'
    Description          = 'Fine-tune language models from PowerShell: OpenAI, Azure OpenAI and compatible services, with a local emulator of the fine-tuning API for offline work and tests.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('FineTuning.Format.ps1xml')
    CmdletsToExport      = @(
        'Connect-FineTuningService'
        'Disconnect-FineTuningService'
        'Get-FineTuningConnection'
        'Test-FineTuningDataset'
        'Add-FineTuningFile'
        'Get-FineTuningFile'
        'Save-FineTuningFile'
        'Remove-FineTuningFile'
        'Import-FineTuningFile'
        'Get-FineTuningModel'
        'Remove-FineTuningModel'
        'Test-FineTuningGrader'
        'Invoke-FineTuningGrader'
        'Get-FineTuningCheckpointPermission'
        'Grant-FineTuningCheckpointPermission'
        'Revoke-FineTuningCheckpointPermission'
        'New-FineTuningJob'
        'ConvertTo-FineTuningJobSpec'
        'Export-FineTuningJob'
        'Compare-FineTuningJob'
        'Export-FineTuningReport'
        'Get-FineTuningJob'
        'Stop-FineTuningJob'
        'Suspend-FineTuningJob'
        'Resume-FineTuningJob'
        'Remove-FineTuningJob'
        'Wait-FineTuningJob'
        'Get-FineTuningEvent'
        'Get-FineTuningCheckpoint'
        'Get-FineTuningMetric'
        'Show-FineTuningMetric'
        'Start-FineTuningEmulator'
        'Stop-FineTuningEmulator'
        'Add-FineTuningEmulatorFault'
        'Clear-FineTuningEmulatorFault'
        'Step-FineTuningEmulatorClock'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('OpenAI', 'AzureOpenAI', 'FineTuning', 'LLM', 'Emulator', 'PSEdition_Core', 'PSEdition_Desktop')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'First release: jobs end to end (supervised, DPO, reinforcement) with waits in the console or in background jobs, files (the Uploads API, lifetimes, Azure imports from a URL), events, checkpoints, metrics, models, graders, checkpoint permissions, Azure job deletion, local dataset checks with exact token counts and cost estimates, tab completion, and a local emulator of the service.'
        }
    }
}
