using System;
using System.Collections.Generic;
using System.Threading;

namespace FineTuning.Emulator
{
    /// <summary>How an emulator behaves: speed of its clock, seed, the key it requires.</summary>
    public sealed class EmulatorOptions
    {
        /// <summary>How many times faster than the service jobs run (60 makes a one-hour job take a minute); timestamps stay real times.</summary>
        public double TimeScale { get; set; } = 1.0;

        /// <summary>When set, time stands still until <see cref="EmulatorClock.Advance"/> moves it, and durations are the service's own.</summary>
        public bool ManualClock { get; set; }

        /// <summary>Seed of the emulator's own randomness (ids, seeds of jobs created without one).</summary>
        public int? Seed { get; set; }

        /// <summary>When set, requests must carry this key as a bearer token or an api-key header.</summary>
        public string? ApiKey { get; set; }

        /// <summary>The organization that owns everything the emulator creates; it appears in model names.</summary>
        public string OrganizationId { get; set; } = "org-emulator";

        /// <summary>A folder to keep state in across restarts; null keeps it in memory.</summary>
        public string? StatePath { get; set; }

        /// <summary>What the HTTP edge accepts from a client (sizes, times, connections); see docs/security.md.</summary>
        public ServerLimits Limits { get; set; } = new ServerLimits();

        /// <summary>A copy without the key: what the emulator shows of its options.</summary>
        internal EmulatorOptions WithoutKey()
        {
            var copy = (EmulatorOptions)MemberwiseClone();
            copy.ApiKey = null;
            return copy;
        }
    }

    /// <summary>
    /// The emulator's clock. Every time it reports is a wall-clock time: a running clock is the real time (plus whatever
    /// <see cref="Advance"/> added), and the time scale shortens the service's durations instead (<see cref="Scale"/>), so
    /// a job that takes ten minutes on the service ends a second later at a scale of 600 and says so in real times. A
    /// manual clock stands still at its start time until <see cref="Advance"/> moves it, and then moves every timestamp
    /// with it; its durations are the service's own, unscaled.
    /// </summary>
    public sealed class EmulatorClock
    {
        private readonly object _gate = new object();
        private readonly DateTimeOffset _origin;
        private readonly System.Diagnostics.Stopwatch _real = System.Diagnostics.Stopwatch.StartNew();
        private readonly double _scale;
        private readonly bool _manual;
        private TimeSpan _offset;

        /// <param name="scale">How many times faster than the service the emulator's jobs run.</param>
        /// <param name="manual">Time moves only through <see cref="Advance"/>.</param>
        /// <param name="savedNow">After a restart: the time the state was saved at; the clock never reads earlier.</param>
        /// <param name="savedOffset">After a restart: how far <see cref="Advance"/> had moved the clock.</param>
        internal EmulatorClock(double scale, bool manual, DateTimeOffset? savedNow = null, TimeSpan? savedOffset = null)
        {
            if (!(scale > 0) || double.IsInfinity(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "TimeScale must be a positive number.");
            _scale = scale;
            _manual = manual;
            var start = DateTimeOffset.UtcNow;
            if (manual)
            {
                // A manual clock starts on a whole second, or where the saved state left it.
                _origin = savedNow?.ToUniversalTime() ?? new DateTimeOffset(start.Ticks - start.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
                _offset = savedOffset ?? TimeSpan.Zero;
                if (savedNow.HasValue) _origin -= _offset;
            }
            else
            {
                _origin = start;
                _offset = savedOffset ?? TimeSpan.Zero;
                // The wall clock may have been set back while the emulator was stopped: time still never runs backwards.
                if (savedNow is DateTimeOffset saved && start + _offset < saved) _offset = saved - start;
            }
        }

        /// <summary>The current time: the wall clock's (plus advances), or a manual clock's.</summary>
        public DateTimeOffset Now
        {
            get
            {
                lock (_gate) return _origin + (_manual ? TimeSpan.Zero : _real.Elapsed) + _offset;
            }
        }

        /// <summary>How far <see cref="Advance"/> has moved the clock in all.</summary>
        public TimeSpan Offset
        {
            get { lock (_gate) return _offset; }
        }

        /// <summary>The time a duration of the service takes here: <paramref name="serviceDuration"/> divided by the time scale.</summary>
        public TimeSpan Scale(TimeSpan serviceDuration) =>
            _manual ? serviceDuration : TimeSpan.FromTicks((long)Math.Ceiling(serviceDuration.Ticks / _scale));

        /// <summary>Moves time forward; jobs catch up on their next use, and every later timestamp moves with it.</summary>
        public void Advance(TimeSpan by)
        {
            if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), by, "The clock only moves forward.");
            lock (_gate) _offset += by;
            Advanced?.Invoke();
        }

        /// <summary>Called after every <see cref="Advance"/> (the emulator saves the clock's new position).</summary>
        internal Action? Advanced { get; set; }
    }

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
