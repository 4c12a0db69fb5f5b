BeforeAll { . (Join-Path $PSScriptRoot 'Common.ps1') }

Describe 'Add-FineTuningFile and Get-FineTuningFile' {
    BeforeEach { $script:emu = Start-TestEmulator }
    AfterEach { Stop-FineTuningEmulator }

    It 'uploads a file and returns it' {
        $path = New-TestDataset -Count 10 -Name 'my train file.jsonl'
        $file = Add-FineTuningFile $path
        $file | Should -BeOfType ([FineTuning.Client.FineTuningFile])
        $file.Filename | Should -Be 'my train file.jsonl'
        $file.Purpose | Should -Be 'fine-tune'
        $file.Bytes | Should -Be (Get-Item $path).Length
    }

    It 'uploads files piped from Get-ChildItem' {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'piped') -Force
        Move-Item (New-TestDataset -Count 10 -Name a.jsonl) $folder
        Move-Item (New-TestDataset -Count 10 -Name b.jsonl) $folder
        $files = Get-ChildItem $folder -Filter *.jsonl | Add-FineTuningFile
        $files.Count | Should -Be 2
        $emu.Emulator.FileCount | Should -Be 2
    }

    It 'expands wildcards in -Path, in name order, and reports a pattern that matches no file' {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'wild') -Force
        Move-Item (New-TestDataset -Count 10 -Name 'train-b.jsonl') $folder
        Move-Item (New-TestDataset -Count 10 -Name 'train-a.jsonl') $folder
        Move-Item (New-TestDataset -Count 10 -Name 'other.jsonl') $folder
        New-Item -ItemType Directory -Path (Join-Path $folder 'train-dir.jsonl') | Out-Null   # a folder the pattern matches
        $files = Add-FineTuningFile (Join-Path $folder 'train-*.jsonl')
        $files.Filename | Should -Be @('train-a.jsonl', 'train-b.jsonl')
        Add-FineTuningFile (Join-Path $folder 'none-*.jsonl') -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
        $e[0].Exception.Message | Should -BeLike "No file matches '*none-``*.jsonl'."
        $emu.Emulator.FileCount | Should -Be 2
    }

    It 'takes -LiteralPath as written, brackets included, and binds file objects to it' {
        $path = New-TestDataset -Count 10 -Name 'set[1].jsonl'
        (Add-FineTuningFile -LiteralPath $path).Filename | Should -Be 'set[1].jsonl'
        (Get-Item -LiteralPath $path | Add-FineTuningFile).Filename | Should -Be 'set[1].jsonl'
        (Test-FineTuningDataset -LiteralPath $path).Examples | Should -Be 10
        $emu.Emulator.FileCount | Should -Be 2
    }

    It 'sends nothing with -WhatIf' {
        Add-FineTuningFile (New-TestDataset -Count 10) -WhatIf | Should -BeNullOrEmpty
        $emu.Emulator.FileCount | Should -Be 0
    }

    It 'reports a missing file and a directory as errors, uploading nothing' {
        Add-FineTuningFile (Join-Path $TestDrive 'nope.jsonl') -ErrorVariable e1 -ErrorAction SilentlyContinue
        $e1[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Add-FineTuningFile $TestDrive -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'PathIsDirectory,*'
        $emu.Emulator.FileCount | Should -Be 0
    }

    It 'gets files by id and lists them, filtered by purpose' {
        $a = Add-FineTuningFile (New-TestDataset -Count 10)
        $b = Add-FineTuningFile (New-TestDataset -Count 10) -Purpose batch
        (Get-FineTuningFile $a.Id).Id | Should -Be $a.Id
        ($a | Get-FineTuningFile).Filename | Should -Be $a.Filename
        @(Get-FineTuningFile).Count | Should -Be 2
        (Get-FineTuningFile -Purpose batch).Id | Should -Be $b.Id
        @(Get-FineTuningFile -First 1).Count | Should -Be 1
    }

    It 'sends a file through the Uploads API with -UseUploadApi' {
        $path = New-TestDataset -Count 40
        $file = Add-FineTuningFile $path -UseUploadApi
        $file.Bytes | Should -Be (Get-Item $path).Length
        $emu.Emulator.UploadCount('completed') | Should -Be 1
        $copy = Save-FineTuningFile $file.Id -OutFile (Join-Path $TestDrive 'roundtrip.jsonl')
        (Get-FileHash $copy.FullName).Hash | Should -Be (Get-FileHash $path).Hash
    }

    It 'cancels the upload on the service when a part keeps failing' {
        Add-FineTuningEmulatorFault -StatusCode 500 -Path '*/parts' -Count 10
        Add-FineTuningFile (New-TestDataset -Count 20) -UseUploadApi -ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ServiceUnavailable,*'
        $emu.Emulator.UploadCount('cancelled') | Should -Be 1
        $emu.Emulator.FileCount | Should -Be 0
    }

    It 'writes ObjectNotFound for an unknown file id' {
        Get-FineTuningFile file-missing -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e[0].TargetObject | Should -Be 'file-missing'
    }
}

Describe 'Add-FineTuningFile -ExpiresAfterSec' {
    BeforeEach { $script:emu = Start-TestEmulator }
    AfterEach { Stop-FineTuningEmulator }

    It 'has the service delete the file when its lifetime has passed' {
        $kept = Add-FineTuningFile (New-TestDataset -Count 10)
        $brief = Add-FineTuningFile (New-TestDataset -Count 10) -ExpiresAfterSec 7200
        $parted = Add-FineTuningFile (New-TestDataset -Count 10) -ExpiresAfterSec 7200 -UseUploadApi
        $kept.ExpiresAt | Should -BeNullOrEmpty
        $brief.ExpiresAt | Should -Be $brief.CreatedAt.AddHours(2)
        $parted.ExpiresAt | Should -Be $parted.CreatedAt.AddHours(2)
        Step-FineTuningEmulatorClock -By '02:00:00'
        Get-FineTuningFile $brief.Id -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'FileNotFound,*'
        (Get-FineTuningFile).Id | Should -Be @($kept.Id)
    }

    It 'refuses a lifetime the service would refuse, naming the parameter, before checking or sending anything' {
        $before = $emu.Emulator.FileCount
        $err = $null
        try { Add-FineTuningFile (New-TestDataset -Count 10) -ExpiresAfterSec 60 -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidExpiresAfterSec,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match '3600 seconds \(1 hour\) to 2592000 seconds \(30 days\)'
        $emu.Emulator.FileCount | Should -Be $before
    }
}
