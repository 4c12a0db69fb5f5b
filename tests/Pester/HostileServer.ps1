# A hostile service for the tests of the module as a client: dot-source this in BeforeAll, then
# $server = Start-HostileServer; $server.Json('GET', '/v1/fine_tuning/jobs/ftjob-x', (New-HostileJob ...))
# and connect with Connect-FineTuningService -BaseUri "$($server.BaseUri)/v1". See HostileServer.cs.
if (-not ('FineTuningTests.HostileServer' -as [type])) {
    Add-Type -Path (Join-Path $PSScriptRoot 'HostileServer.cs')
}

function Start-HostileServer {
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'A test helper: the server lives in the test session only.')]
    param()
    [FineTuningTests.HostileServer]::new()
}

function New-HostileJob {
    # The JSON of a fine-tuning job with the given fields replaced (a hashtable of JSON names to values).
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'Returns JSON text and changes nothing.')]
    param([string] $Id = 'ftjob-hostile', [hashtable] $Set = @{})
    $job = [ordered]@{
        object = 'fine_tuning.job'; id = $Id; model = 'gpt-4o-mini-2024-07-18'; created_at = 1735689600
        finished_at = 1735693200; fine_tuned_model = 'ft:gpt-4o-mini-2024-07-18:org::abc123'; organization_id = 'org-x'
        result_files = @(); status = 'succeeded'; validation_file = $null; training_file = 'file-train'
        hyperparameters = @{ n_epochs = 3; batch_size = 1; learning_rate_multiplier = 1.8 }; trained_tokens = 1000
        error = $null; seed = 1; estimated_finish = $null; integrations = @(); metadata = $null
        method = @{ type = 'supervised'; supervised = @{ hyperparameters = @{ n_epochs = 3; batch_size = 1; learning_rate_multiplier = 1.8 } } }
    }
    foreach ($k in $Set.Keys) { $job[$k] = $Set[$k] }
    $job | ConvertTo-Json -Depth 10 -Compress
}

function New-HostileFile {
    # The JSON of a file object whose filename (and id) the test chooses.
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'Returns JSON text and changes nothing.')]
    param([string] $Id = 'file-hostile', [AllowEmptyString()] [string] $Filename = 'results.csv', [string] $Purpose = 'fine-tune-results')
    [ordered]@{ object = 'file'; id = $Id; bytes = 40; created_at = 1735689600; filename = $Filename; purpose = $Purpose; status = 'processed' } |
        ConvertTo-Json -Compress
}

function New-HostileList {
    # The JSON of a list page of the given items (JSON texts).
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'Returns JSON text and changes nothing.')]
    param([string[]] $Items = @(), [switch] $HasMore)
    '{"object":"list","data":[' + ($Items -join ',') + '],"has_more":' + $(if ($HasMore) { 'true' } else { 'false' }) + '}'
}
