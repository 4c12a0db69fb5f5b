using System;
using System.Collections.Generic;
using FineTuning.Client;

namespace FineTuning.Emulator
{
    /// <summary>A fault planted in the emulator (the client library's <see cref="EmulatorFault"/>) and how many answers it has left.</summary>
    internal sealed class PendingFault
    {
        public PendingFault(EmulatorFault fault)
        {
            Fault = fault;
            Remaining = fault.Count;
        }

        public EmulatorFault Fault { get; }
        public int Remaining;

        public bool Matches(string method, string path)
        {
            var pattern = Fault.Path;
            if (Fault.Method != null && !string.Equals(Fault.Method, method, StringComparison.OrdinalIgnoreCase)) return false;
            if (string.IsNullOrEmpty(pattern)) return true;
            if (pattern!.IndexOf('*') < 0) return path.IndexOf(pattern, StringComparison.OrdinalIgnoreCase) >= 0;
            var regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*") + "$";
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
        private readonly List<PendingFault> _rules = new List<PendingFault>();
        private readonly List<JobFailurePlan> _jobFailures = new List<JobFailurePlan>();

        /// <summary>Adds a fault; it answers its next <see cref="EmulatorFault.Count"/> matching requests.</summary>
        public void Add(EmulatorFault rule)
        {
            if (rule is null) throw new ArgumentNullException(nameof(rule));
            if (rule.Count < 1) throw new ArgumentOutOfRangeException(nameof(rule), rule.Count, "Count must be at least 1.");
            if (rule.StatusCode != 0 && (rule.StatusCode < 100 || rule.StatusCode > 599))
                throw new ArgumentOutOfRangeException(nameof(rule), rule.StatusCode, "StatusCode must be an HTTP status (100-599), or 0 to keep the real answer.");
            lock (_gate) _rules.Add(new PendingFault(rule));
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

        /// <summary>How many answers a planted fault has left: 0 once it is used up or cleared.</summary>
        public int Remaining(EmulatorFault fault)
        {
            lock (_gate)
            {
                foreach (var pending in _rules)
                {
                    if (ReferenceEquals(pending.Fault, fault)) return pending.Remaining;
                }
                return 0;
            }
        }

        /// <summary>Makes a job (or, with a null id, the next job created) fail when it reaches <paramref name="step"/>.</summary>
        public void FailJobAtStep(string? jobId, int step, string code, string message)
        {
            if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), step, "Step must be at least 1.");
            if (string.IsNullOrWhiteSpace(code)) throw new ArgumentException("An error code is required.", nameof(code));
            lock (_gate) _jobFailures.Add(new JobFailurePlan { JobId = jobId, Step = step, Code = code, Message = message ?? code });
        }

        internal EmulatorFault? Take(string method, string path)
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
                    return rule.Fault;
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
