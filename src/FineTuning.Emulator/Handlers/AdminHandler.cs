using System;
using System.Text.Json;
using System.Text.Json.Nodes;
using FineTuning.Client;
using static FineTuning.Emulator.Wire;

namespace FineTuning.Emulator
{
    /// <summary><c>/_emulator/...</c>: the test controls (injected faults, planned job failures, the clock), over HTTP like everything else.</summary>
    internal sealed class AdminHandler
    {
        private readonly FaultInjector _faults;
        private readonly EmulatorClock _clock;

        public AdminHandler(FaultInjector faults, EmulatorClock clock)
        {
            _faults = faults;
            _clock = clock;
        }

        public void Register(RouteTable routes)
        {
            routes.Admin("POST", "faults", (r, _) => AddFault(r))
                .Admin("DELETE", "faults", (_, _) =>
                {
                    _faults.Clear();
                    return Json(200, new JsonObject { ["object"] = "emulator.fault", ["pending"] = 0 });
                })
                .Admin("POST", "job_failures", (r, _) => AddJobFailure(r))
                .Admin("POST", "clock/advance", (r, _) => Advance(r))
                .Admin("GET", "clock", (_, _) => Json(200, ClockNode()));
        }

        private EmulatorResponse AddFault(EmulatorRequest request)
        {
            var root = ParseBody(request);
            var rule = new EmulatorFault
            {
                Method = OptionalString(root, "method"),
                Path = OptionalString(root, "path"),
                Count = OptionalInt(root, "count") ?? 1,
                StatusCode = OptionalInt(root, "status") ?? 500,
                Body = OptionalString(root, "body"),
                DropConnection = root.TryGetProperty("drop_connection", out var drop) && drop.ValueKind == JsonValueKind.True,
            };
            if (OptionalDouble(root, "retry_after_seconds") is double ra) rule.RetryAfter = TimeSpan.FromSeconds(ra);
            if (OptionalDouble(root, "latency_ms") is double lat) rule.Latency = TimeSpan.FromMilliseconds(lat);
            try
            {
                _faults.Add(rule);
            }
            catch (ArgumentException e)
            {
                throw new ApiError(400, e.Message, "status", null);
            }
            return Json(200, new JsonObject { ["object"] = "emulator.fault", ["pending"] = _faults.Pending });
        }

        private EmulatorResponse AddJobFailure(EmulatorRequest request)
        {
            var root = ParseBody(request);
            var step = OptionalInt(root, "step") ?? throw new ApiError(400, "'step' is required.", "step", null);
            try
            {
                _faults.FailJobAtStep(OptionalString(root, "job_id"), step, OptionalString(root, "code") ?? "server_error",
                    OptionalString(root, "message") ?? "The job failed due to an internal error.");
            }
            catch (ArgumentException e)
            {
                throw new ApiError(400, e.Message, "step", null);
            }
            return Json(200, new JsonObject { ["object"] = "emulator.fault", ["pending"] = _faults.Pending });
        }

        private EmulatorResponse Advance(EmulatorRequest request)
        {
            var root = ParseBody(request);
            var seconds = OptionalDouble(root, "seconds") ?? throw new ApiError(400, "'seconds' is required.", "seconds", null);
            if (seconds < 0) throw new ApiError(400, "'seconds' cannot be negative: the clock only moves forward.", "seconds", null);
            _clock.Advance(TimeSpan.FromSeconds(seconds));
            return Json(200, ClockNode());
        }

        private JsonObject ClockNode() => new JsonObject { ["object"] = "emulator.clock", ["now"] = _clock.Now.ToUnixTimeSeconds() };
    }
}
