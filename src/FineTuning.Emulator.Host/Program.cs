using System;
using System.Globalization;
using System.Threading;
using FineTuning.Emulator;

namespace FineTuning.Emulator.Host
{
    /// <summary>Runs the emulator as a local service on the loopback addresses (127.0.0.1 and [::1]) until Ctrl+C.</summary>
    public static class Program
    {
        private const string Usage =
            "finetuning-emulator [--port N] [--time-scale X] [--seed N] [--manual-clock] [--org ID] [--state-path DIR]\n" +
            "  --port N        TCP port on 127.0.0.1 and [::1] (default 5080; 0 picks a free one)\n" +
            "  --time-scale X  jobs run X times faster than on the service (default 60); reported times stay real\n" +
            "  --seed N        seed for ids and job seeds, for repeatable runs\n" +
            "  --manual-clock  time moves only through POST /_emulator/clock/advance (durations unscaled)\n" +
            "  --org ID        organization id shown in jobs and model names (default org-emulator)\n" +
            "  --state-path D  keep state in folder D across restarts (default: in memory)\n" +
            "  --limit N=V     change a limit of the HTTP edge (repeatable): a ServerLimits property, times in seconds,\n" +
            "                  e.g. --limit HeaderTimeout=30 --limit MaxConnections=200 (see docs/security.md)\n" +
            "The API key the emulator requires, if any, comes from FINETUNING_EMULATOR_API_KEY.";

        /// <summary>Sets one limit from "Name=Value": a ServerLimits property by name, a time in seconds.</summary>
        internal static void SetLimit(ServerLimits limits, string text)
        {
            var eq = text.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"--limit needs Name=Value, not '{text}'.");
            var name = text.Substring(0, eq).Trim();
            var value = text.Substring(eq + 1).Trim();
            var property = typeof(ServerLimits).GetProperty(name, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase);
            if (property is null)
            {
                var names = string.Join(", ", Array.ConvertAll(typeof(ServerLimits).GetProperties(), p => p.Name));
                throw new ArgumentException($"--limit: '{name}' is not a limit. The limits are {names}.");
            }
            object parsed;
            if (property.PropertyType == typeof(TimeSpan)) parsed = TimeSpan.FromSeconds(double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture));
            else if (property.PropertyType == typeof(int)) parsed = int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);
            else parsed = long.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);
            property.SetValue(limits, parsed);
        }

        public static int Main(string[] args)
        {
            var options = new EmulatorOptions { TimeScale = 60 };
            var port = 5080;
            try
            {
                for (var i = 0; i < args.Length; i++)
                {
                    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                    switch (args[i])
                    {
                        case "--port": port = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                        case "--time-scale": options.TimeScale = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                        case "--seed": options.Seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                        case "--manual-clock": options.ManualClock = true; break;
                        case "--org": options.OrganizationId = Next(); break;
                        case "--state-path": options.StatePath = Next(); break;
                        case "--limit": SetLimit(options.Limits, Next()); break;
                        case "-h":
                        case "--help":
                            Console.WriteLine(Usage);
                            return 0;
                        default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
                    }
                }
            }
            catch (Exception ex) when (ex is ArgumentException || ex is FormatException || ex is OverflowException)
            {
                Console.Error.WriteLine(ex.Message);
                Console.Error.WriteLine(Usage);
                return 2;
            }
            try
            {
                options.Limits.Validate();
            }
            catch (ArgumentOutOfRangeException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }
            var key = Environment.GetEnvironmentVariable("FINETUNING_EMULATOR_API_KEY");
            if (!string.IsNullOrEmpty(key)) options.ApiKey = key;

            FineTuningEmulator emulatorInstance;
            try
            {
                emulatorInstance = new FineTuningEmulator(options);
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException || ex is ArgumentException)
            {
                Console.Error.WriteLine(ex.Message);
                return 1;
            }
            using var emulator = emulatorInstance;
            Uri baseUri;
            try
            {
                baseUri = emulator.StartListener(port);
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"Could not listen on 127.0.0.1:{port}: {ex.Message}");
                return 1;
            }
            Console.WriteLine($"FineTuning emulator listening at {baseUri} (time scale {options.TimeScale.ToString(CultureInfo.InvariantCulture)}" +
                $"{(options.ManualClock ? ", manual clock" : string.Empty)}{(options.ApiKey is null ? string.Empty : ", API key required")}). Ctrl+C stops it.");
            using var stop = new ManualResetEventSlim();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Set(); };
            AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Set();
            stop.Wait();
            Console.WriteLine("Stopped.");
            return 0;
        }
    }
}
