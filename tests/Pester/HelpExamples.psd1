# How the help pages' examples (docs/en-US) run in HelpExamples.Tests.ps1. Every example runs, as written, against the
# emulator, unless it is in NotRun with the reason it cannot run here. An entry names its page, number and title; a
# title that no longer matches fails the suite, so neither list can go stale.
#
# Run entries say how an example is set up and what it must show (an example without an entry runs on the fixture and
# must only end without an error):
#   Fixture  OpenAI (the default), Azure (the same state created through an Azure OpenAI connection), Ticking (the
#            fixture, with a clock that moves a minute every 20 ms while the example runs, for examples that wait;
#            Tick = 5 makes it 5 seconds, for an example that must find the running job still running first),
#            None (no emulator). An example that starts an emulator itself never gets one.
#   Ids      the fixture's object a placeholder stands for in this example, where it is not the usual one (see
#            Get-Substitution in HelpExamples.Runner.ps1: ftjob-abc123 is the succeeded job support-v1, ftjob-def456 the
#            succeeded sweep-1, file-abc123 the training file, ...). Roles: Succeeded, Succeeded2, Succeeded3, Running,
#            Paused, Cancelled, Failed, TrainingFile, ValidationFile, RftTrain, RftValid, Checkpoint, Permission.
#   Given    code run first in the example's session, for a variable the page takes as known ($key, $ids).
#   Errors   the ErrorIds (wildcards) of the errors the example means to show; any other error fails it.
#   Expect   a regular expression the example's console text must match (output at 120 columns, then what went to
#            the host, warnings and verbose messages).
#   Check    PowerShell run after the example in its session; it must return only $true. $Output holds what the
#            example wrote, $Text its console text.
@{
    NotRun = @(
        @{ Page = 'Connect-FineTuningService'; Example = 1; Title = 'Connect to OpenAI with a key typed at the prompt'
            Reason = 'Lists the jobs of a project on OpenAI''s own service (api.openai.com) with a real key.' }
        @{ Page = 'Connect-FineTuningService'; Example = 2; Title = 'Connect to Azure OpenAI with a key from the environment'
            Reason = 'Reads the key from a SecretManagement vault (Get-Secret), which is not installed here, for a real Azure OpenAI resource.' }
        @{ Page = 'Connect-FineTuningService'; Example = 3; Title = 'Use the classic Azure URL form with an Entra ID token'
            Reason = 'Needs a Microsoft Entra ID sign-in (Get-AzAccessToken, from Az.Accounts).' }
        @{ Page = 'Disconnect-FineTuningService'; Example = 1; Title = 'Forget the connection at the end of a script'
            Reason = 'Connects to OpenAI''s own service (api.openai.com) with a real key and lists its jobs.' }
        @{ Page = 'Show-FineTuningMetric'; Example = 3; Title = 'Watch a running job''s curve'
            Reason = 'Clears the console and redraws the chart every 30 seconds until the job ends; example 1 runs the same pipeline once.' }
    )

    Run = @(
        @{ Page = 'about_FineTuning'; Example = 1; Title = 'Every cmdlet writes typed objects (FineTuning.Client.FineTuningJob, FineTuningFile, FineTuningEvent, FineTuningCheckpoint, FineTuningModel) and ids bind from the pipeline, so the commands chain'; Fixture = 'Ticking'
            Check = '$Output[0].Status -eq ''succeeded'' -and $Output[-1].Message -eq ''The job has successfully completed''' }
        @{ Page = 'about_FineTuning'; Example = 2; Title = 'Run a complete job offline'
            Expect = '(?s)Status\s+: succeeded.*FineTunedModel\s+: ft:gpt-4o-mini-2024-07-18:[^:]+:demo:.*TrainedTokens\s+: \d+' }
        @{ Page = 'about_FineTuning'; Example = 3; Title = 'Cancel every running job of a project after seeing which ones'
            Check = '$Text -match ''What if: .*"ftjob-RUNNING"'' -and $Output.Count -eq 1 -and $Output[0].Status -eq ''cancelled'''; Ids = @{ 'ftjob-RUNNING' = 'Running' } }
        @{ Page = 'about_FineTuning'; Example = 4; Title = 'See how a job learned, as curves drawn in the console'
            Expect = '\* TrainLoss\s+o ValidLoss' }
        @{ Page = 'about_FineTuning'; Example = 5; Title = 'Archive every job, with its data, and re-create one on Azure OpenAI from its archived spec (docs/migrating-to-azure.md in the repository walks the whole way)'
            Given = '$azure = Connect-FineTuningService -Azure -Endpoint https://contoso-ai.openai.azure.com -ApiKey (ConvertTo-SecureString ''azure-key'' -AsPlainText -Force) -PassThru'
            Check = '(Test-Path ./archive/ftjob-abc123/spec.psd1) -and @($Output | Where-Object Complete).Count -ge 3 -and $Output[-1].UserProvidedSuffix -eq ''support-v1''' }
        @{ Page = 'about_FineTuning'; Example = 6; Title = 'Keep the console free while a job trains; collect the result later'; Fixture = 'Ticking'
            Check = '$job.Status -eq ''succeeded'' -and $job.FineTunedModel -like ''ft:gpt-4o-mini*''' }
        @{ Page = 'about_FineTuning'; Example = 7; Title = 'Handle a failed job in automation'
            Check = '$job.Status -eq ''succeeded'' -and -not $waitErrors' }

        @{ Page = 'Add-FineTuningEmulatorFault'; Example = 1; Title = 'See the retries at work'
            Expect = '(?s)429 Too Many Requests.*retry 1 of 2 in 1 s.*retry 2 of 2 in 1 s.*200 OK'; Check = '$Text -notmatch ''WARNING''' }
        @{ Page = 'Add-FineTuningEmulatorFault'; Example = 2; Title = 'Test that a script reports a failed job'; Fixture = 'Ticking'; Errors = @('JobFailed,*')
            Check = '$job.Status -eq ''failed'' -and $job.Error.Code -eq ''server_error'' -and $failure[0].FullyQualifiedErrorId -like ''JobFailed,*''' }
        @{ Page = 'Add-FineTuningEmulatorFault'; Example = 3; Title = 'Simulate a network failure'
            Check = '"$($Output[0])" -eq ''ConnectionError'' -and $problem[0].FullyQualifiedErrorId -like ''ConnectionFailed,*''' }
        @{ Page = 'Add-FineTuningEmulatorFault'; Example = 4; Title = 'Fail requests of an emulator in another process'
            Check = 'Get-FineTuningFile -ErrorAction SilentlyContinue -ErrorVariable failed; $failed[0].FullyQualifiedErrorId -like ''ServiceUnavailable,*''' }

        @{ Page = 'Add-FineTuningFile'; Example = 1; Title = 'Upload training data and start a job from it'
            Check = '$Output[0].Status -eq ''succeeded'' -and $Output[0].FineTunedModel -like ''ft:gpt-4o-mini-2024-07-18:*''' }
        @{ Page = 'Add-FineTuningFile'; Example = 2; Title = 'Upload every JSONL file of a folder'
            Expect = '(?s)Id\s+Filename\s+Bytes.*file-\S+\s+train\.jsonl\s+\d+.*validation\.jsonl' }
        @{ Page = 'Add-FineTuningFile'; Example = 3; Title = 'A large file, in parts'
            Expect = '(?s)Created upload upload_\S+ for big-train\.jsonl.*uploads/upload_\S+/complete -> 200' }
        @{ Page = 'Add-FineTuningFile'; Example = 4; Title = 'See what would be uploaded'
            Check = '$Text -match ''What if: .*train\.jsonl \(6,622 bytes\)'' -and $Text -match ''What if: .*valid\.jsonl'' -and @(Get-FineTuningFile -Purpose fine-tune).Count -eq 5' }
        @{ Page = 'Add-FineTuningFile'; Example = 5; Title = 'Training data that deletes itself after a week'
            Check = '[math]::Round(($file.ExpiresAt - $file.CreatedAt).TotalDays, 3) -eq 7' }

        @{ Page = 'Clear-FineTuningEmulatorFault'; Example = 1; Title = 'Reset faults between Pester tests' }
        @{ Page = 'Clear-FineTuningEmulatorFault'; Example = 2; Title = 'Clear the faults of an emulator kept in a variable'
            Check = '$null -eq (Get-FineTuningJob -Connection $emulator.Connection -ErrorAction Stop)' }
        @{ Page = 'Clear-FineTuningEmulatorFault'; Example = 3; Title = 'Clear the faults of the stand-alone emulator'
            Given = 'Add-FineTuningEmulatorFault 503 -Count 5'; Check = '@(Get-FineTuningJob -ErrorAction Stop).Count -eq 7' }

        @{ Page = 'Compare-FineTuningJob'; Example = 1; Title = 'Compare two runs that differ in their epochs'
            Check = '$rows = @($Output | Where-Object JobId); $rows.Count -eq 2 -and $rows[1].Epochs -eq 4 -and $rows[1].TrainedTokens -gt $rows[0].TrainedTokens -and $rows[1].FinalTrainLoss -lt $rows[0].FinalTrainLoss' }
        @{ Page = 'Compare-FineTuningJob'; Example = 2; Title = 'Find the best job of a sweep and check two jobs'' settings'
            Check = '$rows.Count -eq 2 -and $Output[0].JobId -in $rows.JobId -and @($Output | Where-Object SideIndicator).Count -eq 2' }

        @{ Page = 'Connect-FineTuningService'; Example = 4; Title = 'Point the module at an OpenAI-compatible server and keep the connection in a variable'
            Check = '$Output.Count -eq 1 -and $Output[0].Id -eq ''ftjob-RUNNING'' -and $local.MaxRetries -eq 5'; Ids = @{ 'ftjob-RUNNING' = 'Running' } }

        @{ Page = 'ConvertTo-FineTuningJobSpec'; Example = 1; Title = 'Re-create a job with one setting changed'
            Check = '$second = $Output[-1]; $second.UserProvidedSuffix -eq ''second'' -and "$($second.Hyperparameters)" -match ''n_epochs=4\b'' -and $second.Seed -eq $job.Seed -and $second.TrainingFile -eq $file.Id' }
        @{ Page = 'ConvertTo-FineTuningJobSpec'; Example = 2; Title = 'Keep the specs of every succeeded job in source control'
            Check = '@(Get-ChildItem ./specs -Filter *.psd1).Count -eq 3 -and (Import-PowerShellDataFile ./specs/ftjob-abc123.psd1).Suffix -eq ''support-v1''' }

        @{ Page = 'Disconnect-FineTuningService'; Example = 2; Title = 'Keep using a saved connection after disconnecting'
            Given = '$azureKey = ConvertTo-SecureString ''azure-key'' -AsPlainText -Force'
            Check = '$Output[-1].Status -eq ''running'' -and $azure.Kind -eq ''Azure'' -and -not (Get-FineTuningConnection -ErrorAction SilentlyContinue)' }

        @{ Page = 'Export-FineTuningJob'; Example = 1; Title = 'Archive a job with its data'
            Check = '($Output | Where-Object JobId).Complete -and ($Output.FullName -match ''spec\.psd1$'') -and ($Output.FullName -match ''data[\\/]training-file-'')' }
        @{ Page = 'Export-FineTuningJob'; Example = 2; Title = 'Keep every job of the account before a service winds down'
            Check = '@(Get-ChildItem ./fine-tuning-archive -Directory).Count -eq 7' }
        @{ Page = 'Export-FineTuningJob'; Example = 3; Title = 'See what would be written'
            Check = '-not (Test-Path ./archive) -and @([regex]::Matches($Text, ''What if: .*spec\.psd1'')).Count -eq 3' }

        @{ Page = 'Export-FineTuningReport'; Example = 1; Title = 'Report on two runs'
            Check = '$html = Get-Content ./report.html -Raw; $jobs.Count -eq 2 -and $html.Contains($jobs[0].Id) -and $html.Contains($jobs[1].Id) -and $html -match ''<svg''' }
        @{ Page = 'Export-FineTuningReport'; Example = 2; Title = 'Add the dataset''s statistics and attach the page to a ticket'
            Check = '$html = Get-Content ./support-runs.html -Raw; $html.Contains(''Support model runs'') -and $html.Contains(''ftjob-abc123'') -and $html.Contains(''train.jsonl'')' }

        @{ Page = 'Get-FineTuningCheckpoint'; Example = 1; Title = 'List the checkpoints of a job'
            Check = '$Output.Count -eq 3 -and $Text -match ''Step\s+TrainLoss\s+ValidLoss\s+Checkpoint'' -and $Text -match '':ckpt-step-20''' }
        @{ Page = 'Get-FineTuningCheckpoint'; Example = 2; Title = 'Pick the checkpoint with the lowest validation loss'
            Check = '$all = Get-FineTuningCheckpoint ftjob-abc123; "$Output" -eq ($all | Sort-Object { $_.Metrics.ValidLoss } | Select-Object -First 1).FineTunedModelCheckpoint' }

        @{ Page = 'Get-FineTuningCheckpointPermission'; Example = 1; Title = 'Who can use a checkpoint'
            Check = '$Output.Count -eq 1 -and $Output[0].ProjectId -eq ''proj_sales''' }
        @{ Page = 'Get-FineTuningCheckpointPermission'; Example = 2; Title = 'Every permission on the checkpoints of a job'
            Expect = 'Checkpoint\s+ProjectId\s+CreatedAt[\s-]+ft:gpt-4o-mini-2024-07-18:\S+\s+proj_sales' }

        @{ Page = 'Get-FineTuningConnection'; Example = 1; Title = 'See where requests go'
            Expect = 'Emulator\s+http://localhost/v1' }
        @{ Page = 'Get-FineTuningConnection'; Example = 2; Title = 'Check which key and project a script will use'; Fixture = 'None'
            Check = '$Text -match ''Source\s+: Environment'' -and $Text -match ''Project\s+: proj_abc123'' -and $Text -notmatch ''sk-proj''' }
        @{ Page = 'Get-FineTuningConnection'; Example = 3; Title = 'Fail early in automation when no service is configured'
            Expect = 'VERBOSE: Using http://127\.0\.0\.1:\d+/v1' }

        @{ Page = 'Get-FineTuningEvent'; Example = 1; Title = 'Show the latest events of a job'
            Check = '$Output.Count -eq 5 -and $Output[0].Message -eq ''The job has successfully completed''' }
        @{ Page = 'Get-FineTuningEvent'; Example = 2; Title = 'Watch a job from upload to the end'
            Check = '$Output[0].Message -like ''Created fine-tuning job*'' -and $Output[-1].Message -eq ''The job has successfully completed''' }
        @{ Page = 'Get-FineTuningEvent'; Example = 3; Title = 'Chart the training loss'
            Check = '$Output.Count -eq 60 -and $Output[0].Step -eq 1 -and $Output[-1].Step -eq 60 -and $Output[-1].TrainLoss -gt 0' }

        @{ Page = 'Get-FineTuningFile'; Example = 1; Title = 'List the fine-tuning files'
            Check = '$Output.Count -eq 5 -and @($Output | Where-Object Purpose -ne ''fine-tune'').Count -eq 0' }
        @{ Page = 'Get-FineTuningFile'; Example = 2; Title = 'Get the training file of a job'
            Expect = 'Filename\s+: train\.jsonl\s+Bytes\s+: 6622\s+Status\s+: processed' }
        @{ Page = 'Get-FineTuningFile'; Example = 3; Title = 'Get the result files of the latest succeeded jobs'
            Check = '$Output.Count -eq 3 -and @($Output | Where-Object Purpose -eq ''fine-tune-results'').Count -eq 3' }

        @{ Page = 'Get-FineTuningJob'; Example = 1; Title = 'Show the latest jobs'
            Check = '$Output.Count -eq 7 -and $Text -match ''Id\s+Status\s+FineTunedModel[\s-]+ftjob-\S+\s+running'' -and ($Output[0] | Format-List -View Details | Out-String) -match ''Model\s+: gpt-4o-mini-2024-07-18''' }
        @{ Page = 'Get-FineTuningJob'; Example = 2; Title = 'Cancel every running job of a project, after a preview'
            Check = '$Text -match ''What if: .*"ftjob-RUNNING"'' -and $Output.Count -eq 1 -and $Output[0].Status -eq ''cancelled'''; Ids = @{ 'ftjob-RUNNING' = 'Running' } }
        @{ Page = 'Get-FineTuningJob'; Example = 3; Title = 'Follow a job found by id'
            Check = '$Output.Count -eq 5' }
        @{ Page = 'Get-FineTuningJob'; Example = 4; Title = 'Find failed jobs and why they failed'
            Check = '$Output.Count -eq 1 -and $Output[0].Code -eq ''invalid_n_examples''' }
        @{ Page = 'Get-FineTuningJob'; Example = 5; Title = 'The running jobs of one family of models'
            Check = '$Output.Count -eq 1 -and $Output[0].UserProvidedSuffix -eq ''support-v3''' }
        @{ Page = 'Get-FineTuningJob'; Example = 6; Title = 'What was started in the last day'
            Expect = '(?s)Id\s+Status\s+UserProvidedSuffix\s+CreatedAt.*running\s+support-v3' }

        @{ Page = 'Get-FineTuningMetric'; Example = 1; Title = 'Show the last steps of a job'
            Check = '$Output.Count -eq 5 -and $Output[-1].Step -eq 60 -and $Text -match ''Step\s+TrainLoss\s+TrainAccuracy\s+ValidLoss\s+ValidAccuracy\s+JobId''' }
        @{ Page = 'Get-FineTuningMetric'; Example = 2; Title = 'Compare the final loss of several jobs'
            Expect = '(?s)JobId\s+Step\s+TrainLoss\s+ValidLoss.*ftjob-\S+\s+80\s.*ftjob-\S+\s+40\s.*ftjob-abc123\s+60\s' }

        @{ Page = 'Get-FineTuningModel'; Example = 1; Title = 'List your fine-tuned models'
            Check = '$Output.Count -eq 3 -and @($Output | Where-Object OwnedBy).Count -eq 3' }
        @{ Page = 'Get-FineTuningModel'; Example = 2; Title = 'The model a job produced'
            Expect = 'Id\s+: ft:gpt-4o-mini-2024-07-18:[^:]+:support-v1:\S+\s+BaseModel\s+: gpt-4o-mini-2024-07-18\s+Suffix\s+: support-v1' }
        @{ Page = 'Get-FineTuningModel'; Example = 3; Title = 'Find models by pattern'
            Check = '$Output.Count -eq 1 -and $Output[0].Id -like ''*:support-v1:*''' }

        @{ Page = 'Grant-FineTuningCheckpointPermission'; Example = 1; Title = 'Share the last checkpoint of a job with two projects'
            Check = '$Output.Count -eq 2 -and ($Output.ProjectId -join '','') -eq ''proj_support,proj_sales''' }
        @{ Page = 'Grant-FineTuningCheckpointPermission'; Example = 2; Title = 'Share the model a job made'
            Check = '$Text -match ''What if: .*proj_support'' -and -not (Get-FineTuningCheckpointPermission (Get-FineTuningJob ftjob-abc123).FineTunedModel -ProjectId proj_support)' }

        @{ Page = 'Import-FineTuningFile'; Example = 1; Title = 'Import training data from a blob'
            Check = '$file.Filename -eq ''train.jsonl'' -and $file.Bytes -eq 6622 -and $Output[-1].TrainingFile -eq $file.Id -and $Output[-1].UserProvidedSuffix -eq ''blob''' }
        @{ Page = 'Import-FineTuningFile'; Example = 2; Title = 'Import under another name, and preview first'; Fixture = 'Azure'
            Given = '$sas = ''https://mydata.blob.core.windows.net/training/train.jsonl?sv=2024-05-04&sp=r&se=2026-12-31&sig=secret'''
            Check = '$Text -match ''What if: .*/training/train\.jsonl'' -and $Text -notmatch ''sig='' -and $Output.Count -eq 1 -and $Output[0].Filename -eq ''support-2026-12.jsonl''' }
        @{ Page = 'Import-FineTuningFile'; Example = 3; Title = 'Import several blobs listed in a CSV file'; Fixture = 'Azure'
            Check = '($Output.Filename -join '','') -eq ''support-train.jsonl,support-valid.jsonl'' -and $Output[1].Bytes -eq 3199' }
        @{ Page = 'Invoke-FineTuningGrader'; Example = 1; Title = 'Score one answer'
            Check = '$Output[0].Reward -eq 1' }
        @{ Page = 'Invoke-FineTuningGrader'; Example = 2; Title = 'Score a set of answers and average the rewards'
            Check = '$Output[0].Count -eq 2 -and $Output[0].Average -gt 0.5 -and $Output[0].Average -lt 1' }

        @{ Page = 'New-FineTuningJob'; Example = 1; Title = 'Upload a file and train on it, waiting for the result'
            Check = '$Output[0].Status -eq ''succeeded'' -and $Output[0].FineTunedModel -like ''ft:gpt-4o-mini-2024-07-18:*''' }
        @{ Page = 'New-FineTuningJob'; Example = 2; Title = 'Set hyperparameters, a suffix and metadata'
            Check = '$Output[0].UserProvidedSuffix -eq ''support-bot'' -and $Output[0].Seed -eq 42 -and $Output[0].Metadata[''owner''] -eq ''data-team'' -and (Get-FineTuningJob -Metadata @{ project = ''support'' }).Id -contains $Output[0].Id' }
        @{ Page = 'New-FineTuningJob'; Example = 3; Title = 'Preview a DPO job without creating it'
            Check = '$Text -match ''What if: .*Dpo job on model ''''gpt-4\.1-mini-2025-04-14'''' with training file'' -and @(Get-FineTuningJob).Count -eq 7' }
        @{ Page = 'New-FineTuningJob'; Example = 4; Title = 'Reinforcement fine-tuning with a string-check grader'
            Check = '$Output[0].Method.Type -eq ''reinforcement'' -and $Output[0].Model -eq ''o4-mini-2025-04-16''' }
        @{ Page = 'New-FineTuningJob'; Example = 5; Title = 'Start a job and keep working while it trains'; Fixture = 'Ticking'
            Check = '$job.Status -eq ''succeeded'' -and "$($Output[-1])" -like ''ft:gpt-4o-mini-2024-07-18:*:nightly:*'' -and $Output[0].Name -eq $job.Id' }
        @{ Page = 'New-FineTuningJob'; Example = 6; Title = 'Create a job from a spec file, uploading its data'
            Check = '$Output[-1].UserProvidedSuffix -eq ''from-spec'' -and $Output[-1].ValidationFile -and $Output[-1].Metadata[''team''] -eq ''docs''' }
        @{ Page = 'New-FineTuningJob'; Example = 7; Title = 'Refuse a job over budget'
            Check = '$Output[0].UserProvidedSuffix -eq ''budget''' }

        @{ Page = 'Remove-FineTuningFile'; Example = 1; Title = 'Delete one file'
            Check = '$Text -match ''\[Confirm\]'' -and -not (Get-FineTuningFile | Where-Object Id -eq ''file-abc123'')' }
        @{ Page = 'Remove-FineTuningFile'; Example = 2; Title = 'Delete old training files after a preview'
            Check = '@($old).Count -eq 0 -and @(Get-FineTuningFile -Purpose fine-tune).Count -eq 5' }   # the fixture's files are new: none goes

        @{ Page = 'Remove-FineTuningJob'; Example = 1; Title = 'Delete a cancelled job'; Fixture = 'Azure'
            Check = '$Text -match ''\[Confirm\]'' -and -not (Get-FineTuningJob -Status cancelled)' }
        @{ Page = 'Remove-FineTuningJob'; Example = 2; Title = 'Clear out failed and cancelled jobs after a preview'; Fixture = 'Azure'
            Check = '@([regex]::Matches($Text, ''What if: '')).Count -eq 2 -and $Output.Count -eq 2 -and @(Get-FineTuningJob).Count -eq 5' }
        @{ Page = 'Remove-FineTuningJob'; Example = 3; Title = 'Cancel a running job, then delete it'; Fixture = 'Azure'; Ids = @{ 'ftjob-0123456789abcdef0123456789abcdef' = 'Running' }
            Check = '@(Get-FineTuningJob).Count -eq 6 -and -not (Get-FineTuningJob -Status running)' }

        @{ Page = 'Remove-FineTuningModel'; Example = 1; Title = 'Delete the model a job made'
            Check = '$Text -match ''\[Confirm\]'' -and @(Get-FineTuningModel -FineTuned).Count -eq 2 -and (Get-FineTuningJob ftjob-abc123).Status -eq ''succeeded''' }
        @{ Page = 'Remove-FineTuningModel'; Example = 2; Title = 'Clear out old fine-tuned models after a preview'
            Check = '@($old).Count -eq 0 -and @(Get-FineTuningModel -FineTuned).Count -eq 3' }   # the fixture's models are new: none goes

        @{ Page = 'Resume-FineTuningJob'; Example = 1; Title = 'Resume a job and wait for it to finish'; Fixture = 'Ticking'; Ids = @{ 'ftjob-abc123' = 'Paused' }
            Check = '$Output.Count -eq 1 -and $Output[0].Status -eq ''succeeded''' }
        @{ Page = 'Resume-FineTuningJob'; Example = 2; Title = 'Resume every paused job'
            Check = '$Text -match ''What if: .*Resume fine-tuning job'' -and $Output.Count -eq 1 -and $Output[0].Status -ne ''paused''' }

        @{ Page = 'Revoke-FineTuningCheckpointPermission'; Example = 1; Title = 'Revoke one permission'
            Check = '$Text -match ''\[Confirm\]'' -and -not (Get-FineTuningCheckpointPermission ''ft:gpt-4o-mini-2024-07-18:my-org:weather:B7R9VjQd:ckpt-step-20'')' }
        @{ Page = 'Revoke-FineTuningCheckpointPermission'; Example = 2; Title = 'Stop sharing a checkpoint with one project'
            Given = '$checkpoint = ''ft:gpt-4o-mini-2024-07-18:my-org:weather:B7R9VjQd:ckpt-step-20'''
            Check = '$Output.Count -eq 1 -and $Output[0].Deleted -and -not (Get-FineTuningCheckpointPermission $checkpoint)' }

        @{ Page = 'Save-FineTuningFile'; Example = 1; Title = 'Save the metrics of a finished job'
            Check = '$saved.Name -eq ''step_metrics.csv'' -and $Output.Count -eq 3 -and $Output[-1].step -eq ''60'' -and $Output[-1].train_loss' }
        @{ Page = 'Save-FineTuningFile'; Example = 2; Title = 'Download every training file into a folder'
            Check = '@(Get-ChildItem ./backup -File).Count -eq 5 -and (Get-FileHash ./backup/train.jsonl).Hash -eq (Get-FileHash ./train.jsonl).Hash' }

        @{ Page = 'Show-FineTuningMetric'; Example = 1; Title = 'The loss curves of a finished job'
            Expect = 'ftjob-abc123\s+\* TrainLoss\s+o ValidLoss' }
        @{ Page = 'Show-FineTuningMetric'; Example = 2; Title = 'Compare the accuracy of two jobs, in a file'
            Check = '$chart = Get-Content ./accuracy.txt; $text = $chart -join "`n"; $text.Contains(''ftjob-abc123'') -and $text.Contains(''ftjob-def456'') -and ($chart | Measure-Object Length -Maximum).Maximum -le 100' }
        @{ Page = 'Show-FineTuningMetric'; Example = 4; Title = 'Overlay the training loss of several runs'
            Expect = '\* ftjob-\S+\s+o ftjob-' }

        @{ Page = 'Start-FineTuningEmulator'; Example = 1; Title = 'Run a whole job offline'
            Check = '$Output[-1].Status -eq ''succeeded'' -and $Output[-1].FineTunedModel -like ''*:demo:*'' -and $Output[-1].TrainedTokens -gt 0' }
        @{ Page = 'Start-FineTuningEmulator'; Example = 2; Title = 'Serve the emulator over HTTP to other tools'
            Check = '$Output[0].object -eq ''list'' -and $emulator.RequiresApiKey' }
        @{ Page = 'Start-FineTuningEmulator'; Example = 3; Title = 'Reproducible emulator for Pester tests' }

        @{ Page = 'Step-FineTuningEmulatorClock'; Example = 1; Title = 'Bring a job to the running state in a test'
            Check = '"$($Output[-1])" -eq ''running''' }
        @{ Page = 'Step-FineTuningEmulatorClock'; Example = 2; Title = 'Finish every job at once'
            Check = '$Output[0] -is [DateTimeOffset] -and -not (Get-FineTuningJob -Status running, queued, validating_files)' }
        @{ Page = 'Step-FineTuningEmulatorClock'; Example = 3; Title = 'Drive the clock of an emulator in another process'
            Check = '$Output[0] -is [DateTimeOffset] -and (Get-FineTuningJob ftjob-RUNNING).Status -eq ''succeeded'''; Ids = @{ 'ftjob-RUNNING' = 'Running' } }

        @{ Page = 'Stop-FineTuningEmulator'; Example = 1; Title = 'Clean up after a test run'
            Check = '$Output[0].Status -eq ''succeeded'' -and -not (Get-FineTuningConnection -ErrorAction SilentlyContinue)' }
        @{ Page = 'Stop-FineTuningEmulator'; Example = 2; Title = 'Go back to the real service'
            Check = '$connection = Get-FineTuningConnection; $connection.Kind -eq ''OpenAI'' -and $connection.BaseUri -eq ''https://api.openai.com/v1'' -and $connection.MaskedKey -like ''*ompt''' }

        @{ Page = 'Stop-FineTuningJob'; Example = 1; Title = 'Cancel one job'; Ids = @{ 'ftjob-abc123' = 'Running' }
            Check = '$Text -match ''\[Confirm\]'' -and $Output[0].Status -eq ''cancelled''' }
        @{ Page = 'Stop-FineTuningJob'; Example = 2; Title = 'Cancel every running job tagged with a project, showing them first'
            Check = '$Text -match ''What if: .*Cancel fine-tuning job'' -and $Output.Count -eq 1 -and $Output[0].Status -eq ''cancelled''' }
        @{ Page = 'Stop-FineTuningJob'; Example = 3; Title = 'Cancel jobs from a script without a prompt and collect the failures'
            Given = '$ids = ''ftjob-RUNNING'', ''ftjob-abc123'', ''ftjob-PAUSED'''; Ids = @{ 'ftjob-RUNNING' = 'Running'; 'ftjob-PAUSED' = 'Paused' }; Errors = @('InvalidJobState,*')
            Check = '$Output.Count -eq 1 -and $Output[0] -like ''ftjob-abc123: InvalidJobState,*'' -and -not (Get-FineTuningJob -Status running, paused)' }

        @{ Page = 'Suspend-FineTuningJob'; Example = 1; Title = 'Pause a job and look at its checkpoints'; Ids = @{ 'ftjob-abc123' = 'Running' }
            Check = '$Output[0].Status -eq ''paused''' }
        @{ Page = 'Suspend-FineTuningJob'; Example = 2; Title = 'Pause every running job of the account'
            Check = '$Text -match ''\[Confirm\]'' -and $Output.Count -eq 1 -and $Output[0].Status -eq ''paused''' }

        @{ Page = 'Test-FineTuningDataset'; Example = 1; Title = 'Check a training file before uploading it'
            Check = '$Output[0].IsValid -and $Output[0].Format -eq ''Chat'' -and $Output[0].EstimatedBilledTokens -gt 0' }
        @{ Page = 'Test-FineTuningDataset'; Example = 2; Title = 'List every problem, one row per finding'
            Check = '$Output.Count -eq 0 -and (Test-FineTuningDataset .\train.jsonl).IsValid' }   # the example data has no error to list
        @{ Page = 'Test-FineTuningDataset'; Example = 3; Title = 'Check preference data for a DPO job, and show all findings'
            Check = '$Output[0].Format -eq ''Preference'' -and $Output[0].FitsMethod' }
        @{ Page = 'Test-FineTuningDataset'; Example = 4; Title = 'Check a folder and keep the files that pass'
            Check = '$Output.Count -eq 2 -and "$($Output[0])" -like ''*datasets*train.jsonl''' }
        @{ Page = 'Test-FineTuningDataset'; Example = 5; Title = 'Estimate what the job will cost'
            Check = '$Output[0].EstimatedBilledTokens -gt 0 -and [math]::Abs($Output[0].EstimatedCost - $Output[0].EstimatedBilledTokens * 3 / 1e6) -lt 1e-9' }

        @{ Page = 'Test-FineTuningGrader'; Example = 1; Title = 'Check a grader before creating a job'
            Check = '$Output[-1].Method.Type -eq ''reinforcement''' }
        @{ Page = 'Test-FineTuningGrader'; Example = 2; Title = 'Check every grader kept in a folder'
            Check = '$Output.Count -eq 2 -and ($Output | Where-Object File -eq ''answer.json'').Valid -and -not ($Output | Where-Object File -eq ''no-operation.json'').Valid -and ($Output | Where-Object File -eq ''no-operation.json'').Why -match ''operation''' }

        @{ Page = 'Wait-FineTuningJob'; Example = 1; Title = 'Wait for a job and use its model'; Fixture = 'Ticking'; Ids = @{ 'ftjob-abc123' = 'Running' }
            Check = '$job.Status -eq ''succeeded'' -and "$($Output[-1])" -like ''ft:gpt-4o-mini-2024-07-18:*:support-v3:*''' }
        @{ Page = 'Wait-FineTuningJob'; Example = 2; Title = 'Wait at most an hour, and stop the script if the job failed'; Fixture = 'Ticking'; Ids = @{ 'ftjob-abc123' = 'Running' }
            Check = '$job.Status -eq ''succeeded''' }
        @{ Page = 'Wait-FineTuningJob'; Example = 3; Title = 'Wait for every running job'; Fixture = 'Ticking'; Tick = 5
            Expect = 'Id\s+Status\s+FineTunedModel\s+TrainedTokens[\s-]+ftjob-\S+\s+succeeded\s+ft:gpt-4o-mini-2024-07-18:\S+:support-v3:\S+\s+\d+' }
        @{ Page = 'Wait-FineTuningJob'; Example = 4; Title = 'Wait in the background, then collect the results'; Fixture = 'Ticking'; Tick = 5
            Check = '@($finished).Count -eq 1 -and $finished[0].Status -eq ''succeeded'' -and -not $failures' }
    )
}
