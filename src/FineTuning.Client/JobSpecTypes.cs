using System;

namespace FineTuning.Client
{
    /// <summary>What is wrong with a job spec, and where: the spec (its path) and the key.</summary>
    public enum JobSpecProblem
    {
        /// <summary>An unknown key, a value of the wrong kind, or a value the service would refuse.</summary>
        Invalid,
        /// <summary>A data file the spec names does not exist.</summary>
        FileNotFound,
        /// <summary>A setting the target service has no equivalent for (a model name, a method).</summary>
        NotOnTarget,
    }

    /// <summary>A job spec breaks a rule; <see cref="Key"/> names the key and <see cref="Source"/> the spec.</summary>
    public sealed class JobSpecException : ArgumentException
    {
        private readonly string _message;

        public JobSpecException(string source, string? key, string message, JobSpecProblem problem = JobSpecProblem.Invalid, string? suggestion = null)
            : base(message, key)
        {
            SpecSource = source;
            Key = key;
            Problem = problem;
            Suggestion = suggestion;
            Reason = message;
            _message = key is null ? $"Job spec {source}: {message}" : $"Job spec {source}, key '{key}': {message}";
        }

        /// <summary>The spec's path, or "the spec hashtable".</summary>
        public string SpecSource { get; }

        /// <summary>What is wrong, without the spec and the key.</summary>
        public string Reason { get; }

        public override string Message => _message;

        /// <summary>The key at fault; null when the spec as a whole is at fault (it does not parse).</summary>
        public string? Key { get; }

        public JobSpecProblem Problem { get; }

        /// <summary>What to change in the spec, when there is an obvious change.</summary>
        public string? Suggestion { get; }

    }

    /// <summary>A data file of a spec: a local path (uploaded before the job is made) or a file id the service has.</summary>
    public sealed class JobSpecFile
    {
        private JobSpecFile(string? path, string? id)
        {
            Path = path;
            Id = id;
        }

        /// <summary>The full path of a local file, or null.</summary>
        public string? Path { get; }

        /// <summary>The id of an uploaded file, or null.</summary>
        public string? Id { get; }

        public bool IsLocal => Path != null;

        public static JobSpecFile Local(string path) => new JobSpecFile(path, null);

        public static JobSpecFile Remote(string id) => new JobSpecFile(null, id);

        public override string ToString() => Path ?? Id ?? string.Empty;
    }
}
