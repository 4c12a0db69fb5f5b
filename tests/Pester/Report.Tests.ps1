# Export-FineTuningReport: one self-contained HTML page. The DOM is checked on the file itself (it is well-formed XML) and,
# where Chromium is installed, as a real browser builds it (--dump-dom), and rendered to a PNG.
BeforeDiscovery {
    $script:chromium = @('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable') |
        ForEach-Object { Get-Command $_ -CommandType Application -ErrorAction SilentlyContinue } | Select-Object -First 1 -ExpandProperty Source
    if ($env:FINETUNING_CHROMIUM) { $script:chromium = $env:FINETUNING_CHROMIUM }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:browser = @('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable') |
        ForEach-Object { Get-Command $_ -CommandType Application -ErrorAction SilentlyContinue } | Select-Object -First 1 -ExpandProperty Source
    if ($env:FINETUNING_CHROMIUM) { $script:browser = $env:FINETUNING_CHROMIUM }
    function Read-Report([string] $Path) {
        # The page is XHTML: read it as XML, without the doctype line.
        $text = (Get-Content $Path -Raw) -replace '^<!DOCTYPE html>\s*', ''
        $doc = [xml]$text
        $ns = [System.Xml.XmlNamespaceManager]::new($doc.NameTable)
        $ns.AddNamespace('h', 'http://www.w3.org/1999/xhtml')
        $ns.AddNamespace('s', 'http://www.w3.org/2000/svg')
        @{ Doc = $doc; Ns = $ns; Text = $text }
    }
    function Select-XmlNode($Report, [string] $XPath) { @($Report.Doc.SelectNodes($XPath, $Report.Ns)) }
}

Describe 'Export-FineTuningReport' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        $train = Add-FineTuningFile (New-TestDataset -Count 12)
        $valid = Add-FineTuningFile (New-TestDataset -Count 10)
        $script:jobs = foreach ($n in 2, 3) {
            $j = $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -ValidationFile $valid -Epochs $n -Suffix "run$n"
            Step-Emulator $emu $j.Id -Status succeeded
        }
        Add-FineTuningEmulatorFault -FailAtStep 3 -ErrorCode server_error -ErrorMessage 'Simulated <failure> & stop.'
        $f = $train | New-FineTuningJob -Model gpt-4o-mini-2024-07-18 -Suffix broken
        $script:failed = Step-Emulator $emu $f.Id -Status failed
        $script:all = @($jobs) + $failed
        $script:datasetPath = New-TestDataset -Count 12
        $script:dataset = Test-FineTuningDataset $datasetPath -PricePerMillionTokens 3
        $script:path = Join-Path $TestDrive 'report.html'
        $script:file = $all | Export-FineTuningReport -Path $path -Dataset $dataset
        $script:report = Read-Report $path
    }
    AfterAll { Stop-FineTuningEmulator }

    It 'writes one self-contained HTML file: no script, nothing from the network' {
        $file | Should -BeOfType System.IO.FileInfo
        $file.FullName | Should -Be $path
        $report.Text | Should -Not -Match '<script'
        $report.Text | Should -Not -Match '(src|href)\s*=\s*"(https?:)?//'
        $report.Text | Should -Not -Match '@import|url\('
        Select-XmlNode $report '//h:style' | Should -HaveCount 1
    }

    It 'draws one curve per job and series on the shared loss and accuracy axes, with checkpoints marked' {
        foreach ($chart in 'chart-loss', 'chart-accuracy') {
            $svg = Select-XmlNode $report "//h:figure[@id='$chart']/s:svg"
            $svg | Should -HaveCount 1
            foreach ($job in $all) {
                $train = Select-XmlNode $report "//h:figure[@id='$chart']//s:path[@data-job='$($job.Id)'][@data-series='train']"
                $train | Should -HaveCount 1
                $expectValid = $null -ne $job.ValidationFile
                @(Select-XmlNode $report "//h:figure[@id='$chart']//s:path[@data-job='$($job.Id)'][@data-series='valid']").Count | Should -Be ([int]$expectValid)
            }
            # One color per job, the same in both series.
            $colors = foreach ($job in $all) { @(Select-XmlNode $report "//h:figure[@id='$chart']//s:path[@data-job='$($job.Id)']" | ForEach-Object stroke | Sort-Object -Unique) }
            $colors | Should -HaveCount $all.Count
            ($colors | Sort-Object -Unique) | Should -HaveCount $all.Count
            @(Select-XmlNode $report "//h:figure[@id='$chart']//s:text[contains(@class,'tick') and contains(@class,'x')]").Count | Should -BeGreaterOrEqual 3
            @(Select-XmlNode $report "//h:figure[@id='$chart']//s:text[contains(@class,'tick') and contains(@class,'y')]").Count | Should -BeGreaterOrEqual 3
        }
        # The loss curve of a job has one point per step it reported.
        $metrics = @(Get-FineTuningMetric $jobs[0].Id)
        $d = @(Select-XmlNode $report "//h:figure[@id='chart-loss']//s:path[@data-job='$($jobs[0].Id)'][@data-series='train']")[0].GetAttribute('d')
        ([regex]::Matches($d, '[ML]')).Count | Should -Be $metrics.Count
        foreach ($job in $jobs) {
            $steps = @(Get-FineTuningCheckpoint $job.Id).StepNumber | Sort-Object
            @(Select-XmlNode $report "//h:figure[@id='chart-loss']//s:circle[@class='checkpoint'][@data-job='$($job.Id)']" | ForEach-Object { [long]$_.'data-step' } | Sort-Object) | Should -Be $steps
        }
    }

    It 'has a legend with every job, and the comparison table with a row per job' {
        @(Select-XmlNode $report "//h:ul[@class='legend']/h:li[@class='legend-job']").'data-job' | Should -Be $all.Id
        $rows = Select-XmlNode $report "//h:table[@class='comparison']/h:tbody/h:tr"
        $rows.'data-job' | Should -Be $all.Id
        $expected = $jobs[1] | Compare-FineTuningJob
        $cells = @($rows[1].td | ForEach-Object InnerText)
        $cells[4] | Should -Be '3'
        $cells[7] | Should -Be $expected.TrainedTokens.ToString('N0', [cultureinfo]::InvariantCulture)
        $cells[12] | Should -Be $expected.BestValidLoss.ToString('0.####', [cultureinfo]::InvariantCulture)
        $cells[13] | Should -Be "$($expected.BestValidLossStep)"
    }

    It "gives each job its settings, timeline and errors, with the service's text encoded" {
        $sections = Select-XmlNode $report "//h:section[@class='job']"
        $sections.'data-job' | Should -Be $all.Id
        $broken = $sections[2]
        $broken.InnerText | Should -Match 'Simulated <failure> & stop\.'      # decoded text equals the service's
        $report.Text | Should -Match 'Simulated &lt;failure&gt; &amp; stop\.'
        @(Select-XmlNode $report "//h:section[@data-job='$($failed.Id)']//h:ul[@class='errors']/h:li").Count | Should -BeGreaterOrEqual 1
        @(Select-XmlNode $report "//h:section[@data-job='$($jobs[0].Id)']//h:ol[@class='timeline']/h:li").Count | Should -BeGreaterOrEqual 3
        @(Select-XmlNode $report "//h:section[@data-job='$($jobs[0].Id)']//h:dl[@class='settings']")[0].InnerText | Should -Match 'n_epochs=2'
    }

    It 'adds the dataset''s token statistics and findings with -Dataset' {
        $section = @(Select-XmlNode $report "//h:section[@class='dataset']")
        $section | Should -HaveCount 1
        $section[0].InnerText | Should -Match ([regex]::Escape($dataset.Tokens.Total.ToString('N0', [cultureinfo]::InvariantCulture)))
        $section[0].InnerText | Should -Match ([regex]::Escape($dataset.EstimatedCost.ToString('0.00##', [cultureinfo]::InvariantCulture)))
    }

    It 'refuses to overwrite without -Force, writes nothing with -WhatIf, and reports an unknown job' {
        { $jobs[0] | Export-FineTuningReport -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'FileExists,*'
        $other = Join-Path $TestDrive 'whatif.html'
        $jobs[0] | Export-FineTuningReport -Path $other -WhatIf
        Test-Path $other | Should -BeFalse
        $one = Join-Path $TestDrive 'one.html'
        $out = Export-FineTuningReport $jobs[0].Id, 'ftjob-nothere' -Path $one -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'JobNotFound,*'
        $out.FullName | Should -Be $one
        { Export-FineTuningReport 'ftjob-nothere' -Path (Join-Path $TestDrive 'none.html') -ErrorAction Stop } | Should -Throw
        Test-Path (Join-Path $TestDrive 'none.html') | Should -BeFalse
    }

    Context 'in a real browser' {
        It 'renders to a PNG, and the browser''s DOM has the curves, ticks, legend and table' -Skip:(-not $script:chromium) {
            $png = Join-Path $TestDrive 'report.png'
            $browserProfile = Join-Path $TestDrive 'chromium-profile'
            $url = [Uri]::new($path).AbsoluteUri
            $common = @('--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--hide-scrollbars', "--user-data-dir=$browserProfile")
            & $script:browser @common "--screenshot=$png" '--window-size=1200,1400' $url 2>&1 | Out-Null
            Test-Path $png | Should -BeTrue
            $bytes = [System.IO.File]::ReadAllBytes($png)
            [BitConverter]::ToString($bytes, 0, 8) | Should -Be '89-50-4E-47-0D-0A-1A-0A'
            $bytes.Length | Should -BeGreaterThan 20000
            $dom = (& $script:browser @common '--dump-dom' $url 2>$null) -join "`n"
            foreach ($job in $all) {
                ([regex]::Matches($dom, "<path class=""series train"" data-job=""$($job.Id)""")).Count | Should -Be 2
            }
            ([regex]::Matches($dom, '<path class="series valid"')).Count | Should -Be (2 * $jobs.Count)
            ([regex]::Matches($dom, '<text class="tick x"')).Count | Should -BeGreaterOrEqual 6
            ([regex]::Matches($dom, '<text class="tick y"')).Count | Should -BeGreaterOrEqual 6
            ([regex]::Matches($dom, '<li class="legend-job"')).Count | Should -Be $all.Count
            ([regex]::Matches($dom, '<tr data-job=')).Count | Should -Be $all.Count
            $dom | Should -Not -Match '<parsererror'
        }
        It 'is skipped where Chromium is not installed' -Skip:([bool]$script:chromium) {
            Set-ItResult -Skipped -Because 'Chromium is not installed (Debian package chromium; .ci/run installs it with apt-get where it can); the DOM checks above ran on the file'
        }
    }
}
