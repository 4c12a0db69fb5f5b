using System;

namespace FineTuning.Client
{
    /// <summary>
    /// Turns what a user passes or pipes as a model into the model's name: a name, a model object, a job (its
    /// fine-tuned model) or a checkpoint (its checkpoint model).
    /// </summary>
    public static class ModelReference
    {
        /// <summary>The model name, or null with <paramref name="problem"/> saying why the value names no model.</summary>
        public static string? NameOf(object? value, out string? problem)
        {
            problem = null;
            switch (value)
            {
                case string s when !string.IsNullOrWhiteSpace(s):
                    return s.Trim();
                case FineTuningModel m when !string.IsNullOrEmpty(m.Id):
                    return m.Id;
                case FineTuningJob j when !string.IsNullOrEmpty(j.FineTunedModel):
                    return j.FineTunedModel;
                case FineTuningJob j:
                    problem = $"Job {j.Id} has no fine-tuned model (status {j.Status}); only a job that succeeded has one.";
                    return null;
                case FineTuningCheckpoint c when !string.IsNullOrEmpty(c.FineTunedModelCheckpoint):
                    return c.FineTunedModelCheckpoint;
                case null:
                    problem = "The model is null.";
                    return null;
                default:
                    problem = $"'{value}' is not a model: pass a model name, or a model, job or checkpoint object.";
                    return null;
            }
        }

        /// <summary>
        /// Why deleting <paramref name="value"/> is refused before any request, or null: base models cannot be deleted,
        /// whether named (a known snapshot or alias) or listed by the service as not fine-tuned.
        /// </summary>
        public static string? WhyNotDeletable(object? value, string name)
        {
            if (value is FineTuningModel m && !m.IsFineTuned)
                return $"{name} is not a fine-tuned model; only fine-tuned models can be deleted.";
            if (BaseModels.Find(name) != null)
                return $"{name} is a base model; only fine-tuned models can be deleted.";
            return null;
        }
    }
}
