# The module's libraries on .NET Framework, the runtime of Windows PowerShell 5.1. Where Windows is not at
# hand, Mono stands in for it: tests/netfx/RuntimeCheck runs the dataset checks, the client and the
# emulator on both runtimes and prints what they computed and answered; the transcripts must match line
# for line. Needs `mono`; skipped with a reason when it is absent.
BeforeDiscovery {
    $script:haveMono = [bool](Get-Command mono -ErrorAction SilentlyContinue)
}

BeforeAll {
    $script:project = Join-Path $PSScriptRoot '../netfx/RuntimeCheck.csproj'
    $script:bin = Join-Path $PSScriptRoot '../netfx/bin/Release'
    $script:train = Join-Path $PSScriptRoot '../../examples/data/train.jsonl'
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ("ft-runtimes-" + [guid]::NewGuid().ToString('n'))
}

Describe 'The libraries on .NET Framework (Mono) and on .NET' -Skip:(-not $haveMono) {
    BeforeAll {
        $build = & dotnet build $project -c Release -nologo -v quiet 2>&1
        if ($LASTEXITCODE -ne 0) { throw "Building RuntimeCheck failed:`n$($build | Out-String)" }
        $script:onFramework = @(& mono (Join-Path $bin 'net472/RuntimeCheck.exe') $train (Join-Path $work 'framework') 2>&1 | ForEach-Object { "$_" })
        $script:frameworkExit = $LASTEXITCODE
        $script:onCore = @(& dotnet (Join-Path $bin 'net10.0/RuntimeCheck.dll') $train (Join-Path $work 'core') 2>&1 | ForEach-Object { "$_" })
        $script:coreExit = $LASTEXITCODE
    }
    AfterAll { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }

    It 'runs to the end on both runtimes' {
        $frameworkExit | Should -Be 0 -Because ($onFramework | Out-String)
        $coreExit | Should -Be 0 -Because ($onCore | Out-String)
        $onFramework[0] | Should -BeLike 'Runtime: Mono*'
        $onCore[0] | Should -BeLike 'Runtime: .NET*'
    }

    It 'gets the same reports, jobs, events and errors on both' {
        $onCore.Count | Should -BeGreaterThan 50
        # A whole job, in process and over a real socket, with the same events both ways.
        $counts = foreach ($mode in 'in-process', 'listener') {
            [int](($onCore | Where-Object { $_ -like "[[]$mode] * events" }) -replace '^\[[^\]]+\] (\d+) events$', '$1')
        }
        $counts[0] | Should -BeGreaterThan 10
        $counts[1] | Should -Be $counts[0]
        ($onCore | Where-Object { $_ -like '*job ftjob-* succeeded*' }).Count | Should -Be 2
        ($onCore | Where-Object { $_ -like '*missing job: 404 *' }).Count | Should -Be 2
        # Azure's own calls: a file imported from a URL, a job deleted; OpenAI refuses the deletion.
        $onCore | Where-Object { $_ -like '[[]azure] imported imported.jsonl * same=True' } | Should -HaveCount 1
        $onCore | Where-Object { $_ -eq '[azure] job cancelled, deleted=True object=fine_tuning.job' } | Should -HaveCount 1
        $onCore | Where-Object { $_ -like '[[]openai] delete job: *Nothing was sent.' } | Should -HaveCount 1
        $onCore | Where-Object { $_ -like 'dataset train.jsonl: * cost=0.*' } | Should -HaveCount 1
        $differences = Compare-Object ($onFramework | Select-Object -Skip 1) ($onCore | Select-Object -Skip 1) -SyncWindow 0 -CaseSensitive
        $differences | Should -BeNullOrEmpty -Because ($differences | Out-String)
    }
}
