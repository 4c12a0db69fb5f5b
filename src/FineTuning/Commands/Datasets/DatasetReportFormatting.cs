using System.Linq;
using FineTuning.Datasets;

namespace FineTuning.Commands
{
    /// <summary>How findings are shown in the default view: the first few of each code.</summary>
    public static class DatasetReportFormatting
    {
        public static string Summary(DatasetReport report, int perCode)
        {
            if (report.Findings.Count == 0) return "(none)";
            var sb = new System.Text.StringBuilder();
            foreach (var group in report.Findings.GroupBy(f => f.Code))
            {
                var total = report.FindingCounts.TryGetValue(group.Key, out var n) ? n : group.Count();
                sb.Append(group.First().Severity).Append(' ').Append(group.Key).Append(" (").Append(total).Append(")\n");
                foreach (var f in group.Take(perCode)) sb.Append("  ").Append(f).Append('\n');
                if (total > perCode) sb.Append("  ... ").Append(total - perCode).Append(" more; use -Detailed or .Findings\n");
            }
            return sb.ToString().TrimEnd('\n');
        }
    }
}
