using System;
using System.Collections.Generic;
using System.Linq;
using FineTuning.Datasets;

namespace FineTuning.Client
{
    /// <summary>A model snapshot the fine-tuning API accepts as a base, with the alias that resolves to it.</summary>
    public sealed class BaseModel
    {
        internal BaseModel(string alias, string snapshot, long created, params TrainingMethod[] methods)
        {
            Alias = alias;
            Snapshot = snapshot;
            Created = DateTimeOffset.FromUnixTimeSeconds(created);
            Methods = methods;
        }

        /// <summary>The short name (<c>gpt-4o-mini</c>); the same as the snapshot for models that have no alias.</summary>
        public string Alias { get; }

        /// <summary>The dated snapshot the service fine-tunes (<c>gpt-4o-mini-2024-07-18</c>).</summary>
        public string Snapshot { get; }

        /// <summary>When the snapshot was published (the <c>created</c> field of <c>GET /models</c>).</summary>
        public DateTimeOffset Created { get; }

        /// <summary>The training methods the service offers for this model.</summary>
        public IReadOnlyList<TrainingMethod> Methods { get; }

        public bool Supports(TrainingMethod method) => Methods.Contains(method);

        public override string ToString() => Snapshot;
    }

    /// <summary>
    /// The base models known to take fine-tuning, from the service's documentation. The list serves tab completion
    /// and the emulator; the module never refuses a model because it is missing here (the service decides).
    /// </summary>
    public static class BaseModels
    {
        private static readonly BaseModel[] All =
        {
            new BaseModel("gpt-4.1", "gpt-4.1-2025-04-14", 1744316542, TrainingMethod.Supervised, TrainingMethod.Dpo),
            new BaseModel("gpt-4.1-mini", "gpt-4.1-mini-2025-04-14", 1744317547, TrainingMethod.Supervised, TrainingMethod.Dpo),
            new BaseModel("gpt-4.1-nano", "gpt-4.1-nano-2025-04-14", 1744321707, TrainingMethod.Supervised, TrainingMethod.Dpo),
            new BaseModel("gpt-4o", "gpt-4o-2024-08-06", 1722814719, TrainingMethod.Supervised, TrainingMethod.Dpo),
            new BaseModel("gpt-4o-mini", "gpt-4o-mini-2024-07-18", 1721172741, TrainingMethod.Supervised),
            new BaseModel("o4-mini", "o4-mini-2025-04-16", 1744133506, TrainingMethod.Reinforcement),
            new BaseModel("gpt-3.5-turbo", "gpt-3.5-turbo-0125", 1706048358, TrainingMethod.Supervised),
            new BaseModel("gpt-3.5-turbo-1106", "gpt-3.5-turbo-1106", 1698959748, TrainingMethod.Supervised),
            new BaseModel("babbage-002", "babbage-002", 1692634615, TrainingMethod.Supervised),
            new BaseModel("davinci-002", "davinci-002", 1692634301, TrainingMethod.Supervised),
        };

        /// <summary>Every known base model, newest families first.</summary>
        public static IReadOnlyList<BaseModel> Known => All;

        /// <summary>The model whose snapshot or alias is <paramref name="name"/> (exact, as the service matches), or null.</summary>
        public static BaseModel? Find(string? name) =>
            name is null ? null : All.FirstOrDefault(m => m.Snapshot == name || m.Alias == name);
    }
}
