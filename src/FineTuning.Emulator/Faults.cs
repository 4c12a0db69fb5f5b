using System;
using System.Collections.Generic;

namespace FineTuning.Emulator
{
    /// <summary>A fault to inject: the next matching requests get this answer instead of the real one.</summary>
    public sealed class FaultRule
    {
        /// <summary>HTTP method to match (GET, POST...), or null for any.</summary>
        public string? Method { get; set; }
        /// <summary>Path to match: a substring of the request path, or a pattern with * wildcards; null for any.</summary>
        public string? PathPattern { get; set; }
        /// <summary>How many requests the fault answers before it is used up.</summary>
        public int Count { get; set; } = 1;
        /// <summary>The status to answer with; 0 keeps the real answer (useful with Latency).</summary>
        public int StatusCode { get; set; } = 500;
        /// <summary>The body to send; null sends the service's error envelope for the status.</summary>
        public string? Body { get; set; }
        /// <summary>A Retry-After to send with the answer.</summary>
        public TimeSpan? RetryAfter { get; set; }
        /// <summary>Delay (real time) before answering.</summary>
        public TimeSpan? Latency { get; set; }
        /// <summary>Drop the connection instead of answering.</summary>
        public bool DropConnection { get; set; }

        internal int Remaining;

        internal bool Matches(string method, string path)
        {
            if (Method != null && !string.Equals(Method, method, StringComparison.OrdinalIgnoreCase)) return false;
            if (string.IsNullOrEmpty(PathPattern)) return true;
            if (PathPattern!.IndexOf('*') < 0) return path.IndexOf(PathPattern, StringComparison.OrdinalIgnoreCase) >= 0;
            var regex = "^" + System.Text.RegularExpressions.Regex.Escape(PathPattern).Replace("\\*", ".*") + "$";
            return System.Text.RegularExpressions.Regex.IsMatch(path, regex, System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        }
    }

    /// <summary>A planned job failure: the job fails when it reaches the step.</summary>
    public sealed class JobFailurePlan
    {
        public string? JobId { get; set; }
        public int Step { get; set; }
        public string Code { get; set; } = "server_error";
        public string Message { get; set; } = "The job failed due to an internal error.";
    }

    /// <summary>Faults waiting to be injected into requests and jobs.</summary>
    public sealed class FaultInjector
    {
        private readonly object _gate = new object();
        private readonly List<FaultRule> _rules = new List<FaultRule>();
        private readonly List<JobFailurePlan> _jobFailures = new List<JobFailurePlan>();

        /// <summary>Adds a rule; it answers its next <see cref="FaultRule.Count"/> matching requests.</summary>
        public void Add(FaultRule rule)
        {
            if (rule is null) throw new ArgumentNullException(nameof(rule));
            if (rule.Count < 1) throw new ArgumentOutOfRangeException(nameof(rule), rule.Count, "Count must be at least 1.");
            if (rule.StatusCode != 0 && (rule.StatusCode < 100 || rule.StatusCode > 599))
                throw new ArgumentOutOfRangeException(nameof(rule), rule.StatusCode, "StatusCode must be an HTTP status (100-599), or 0 to keep the real answer.");
            lock (_gate)
            {
                rule.Remaining = rule.Count;
                _rules.Add(rule);
            }
        }

        /// <summary>Removes every pending fault, request and job ones alike.</summary>
        public void Clear()
        {
            lock (_gate)
            {
                _rules.Clear();
                _jobFailures.Clear();
            }
        }

        /// <summary>Rules still waiting to fire.</summary>
        public int Pending
        {
            get { lock (_gate) return _rules.Count + _jobFailures.Count; }
        }

        /// <summary>Makes a job (or, with a null id, the next job created) fail when it reaches <paramref name="step"/>.</summary>
        public void FailJobAtStep(string? jobId, int step, string code, string message)
        {
            if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), step, "Step must be at least 1.");
            if (string.IsNullOrWhiteSpace(code)) throw new ArgumentException("An error code is required.", nameof(code));
            lock (_gate) _jobFailures.Add(new JobFailurePlan { JobId = jobId, Step = step, Code = code, Message = message ?? code });
        }

        internal FaultRule? Take(string method, string path)
        {
            // The control paths are how faults are planted and cleared: a fault never answers them.
            if (path.StartsWith("/_emulator", StringComparison.Ordinal)) return null;
            lock (_gate)
            {
                for (var i = 0; i < _rules.Count; i++)
                {
                    var rule = _rules[i];
                    if (!rule.Matches(method, path)) continue;
                    if (--rule.Remaining <= 0) _rules.RemoveAt(i);
                    return rule;
                }
                return null;
            }
        }

        /// <summary>Claims the failure plan for a newly created job, if any.</summary>
        internal JobFailurePlan? ClaimForNewJob(string jobId)
        {
            lock (_gate)
            {
                for (var i = 0; i < _jobFailures.Count; i++)
                {
                    var plan = _jobFailures[i];
                    if (plan.JobId == null || plan.JobId == jobId)
                    {
                        _jobFailures.RemoveAt(i);
                        plan.JobId = jobId;
                        return plan;
                    }
                }
                return null;
            }
        }

        internal JobFailurePlan? ClaimForJob(string jobId)
        {
            lock (_gate)
            {
                for (var i = 0; i < _jobFailures.Count; i++)
                {
                    if (_jobFailures[i].JobId == jobId)
                    {
                        var plan = _jobFailures[i];
                        _jobFailures.RemoveAt(i);
                        return plan;
                    }
                }
                return null;
            }
        }
    }
}
