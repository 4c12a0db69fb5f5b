# The rules the project's PowerShell is held to: `./build.ps1 Lint` runs PSScriptAnalyzer with this file over
# every .ps1, .psm1 and .psd1 outside out/, bin/ and obj/, and fails on any finding at Warning or Error.
# Editors with the PowerShell extension pick this file up from the root too.
#
# The default rule set applies in full. A finding that is right for one line and not for the rule as a whole
# is suppressed on that line's function or script with [Diagnostics.CodeAnalysis.SuppressMessageAttribute()]
# and a Justification, never here.
#
# The formatting rules below are the ones the code already follows: opening braces on the same line,
# four-space indentation, spaces around braces, parentheses, pipes and after commas. Two habits of the code
# are deliberately not enforced: `} else {` and `}` + newline + `else` both occur (PSPlaceCloseBrace can only
# require one), and `=` is aligned in some hashtables and not in others (PSAlignAssignmentStatement,
# CheckOperator).
@{
    Severity     = @('Error', 'Warning', 'Information')

    IncludeDefaultRules = $true

    Rules        = @{
        PSPlaceOpenBrace                   = @{
            Enable             = $true
            OnSameLine         = $true
            NewLineAfter       = $true
            IgnoreOneLineBlock = $true
        }
        PSUseConsistentIndentation         = @{
            Enable              = $true
            Kind                = 'space'
            IndentationSize     = 4
            # A pipeline continued on the next line is indented as the author sees fit.
            PipelineIndentation = 'None'
        }
        PSUseConsistentWhitespace          = @{
            Enable                                  = $true
            CheckInnerBrace                         = $true
            CheckOpenBrace                          = $true
            CheckOpenParen                          = $true
            CheckOperator                           = $false
            CheckPipe                               = $true
            CheckPipeForRedundantWhitespace         = $true
            CheckSeparator                          = $true
            CheckParameter                          = $true
            IgnoreAssignmentOperatorInsideHashTable = $true
        }
        PSAvoidSemicolonsAsLineTerminators = @{ Enable = $true }
        PSUseLiteralInitializerForHashtable = @{ Enable = $true }
    }
}
