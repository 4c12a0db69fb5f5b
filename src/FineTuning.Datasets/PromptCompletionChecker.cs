using System.Text.Json;
using static FineTuning.Datasets.LineContext;

namespace FineTuning.Datasets
{
    /// <summary>A legacy prompt/completion example: two strings, <c>prompt</c> and a non-empty <c>completion</c>, and nothing else.</summary>
    internal static class PromptCompletionChecker
    {
        private static readonly string[] PromptCompletionKeys = { "prompt", "completion" };

        public static void Check(LineContext ctx, JsonElement root)
        {
            int tokens = 0, trained = 0;
            bool prompt = false, completion = false;
            foreach (var p in root.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "prompt":
                        prompt = true;
                        if (p.Value.ValueKind == JsonValueKind.String) tokens += ctx.CountString(p.Value);
                        else ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidPromptCompletion,
                            $"'prompt' must be a string, not {Describe(p.Value.ValueKind)}.", "prompt");
                        break;
                    case "completion":
                        completion = true;
                        if (p.Value.ValueKind == JsonValueKind.String)
                        {
                            var s = p.Value.GetString();
                            int n = ctx.Count(s);
                            tokens += n; trained += n;
                            if (string.IsNullOrEmpty(s))
                                ctx.Add(FindingScope.All, FindingSeverity.Warning, FindingCodes.EmptyContent,
                                    "'completion' is empty, so the example trains nothing. Write the ideal completion.", "completion");
                        }
                        else ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidPromptCompletion,
                            $"'completion' must be a string, not {Describe(p.Value.ValueKind)}.", "completion");
                        break;
                    default:
                        ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.UnrecognizedKey,
                            $"Unrecognized key '{p.Name}'.{Suggestions.DidYouMean(p.Name, PromptCompletionKeys)} A prompt/completion example holds only prompt and completion; remove it.", p.Name);
                        break;
                }
            }
            if (!prompt)
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidPromptCompletion,
                    "The example has 'completion' but no 'prompt'. Add \"prompt\": \"...\".", "prompt");
            if (!completion)
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidPromptCompletion,
                    "The example has 'prompt' but no 'completion'. Add \"completion\": \"...\".", "completion");
            ctx.Info.Tokens = tokens;
            ctx.Info.Trained = trained;
        }
    }
}
