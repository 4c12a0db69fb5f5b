using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTuning.Client.Json;

namespace FineTuning.Client
{
    /// <summary>Graders (<c>/fine_tuning/alpha/graders</c>): check a grader, and run one on a sample as a reinforcement job would.</summary>
    public sealed class GradersClient : ApiResource
    {
        internal GradersClient(ApiSender sender) : base(sender) { }

        /// <summary>Asks the service whether a grader is well formed; a 400 names what is wrong.</summary>
        public Task<ValidateGraderResponse> ValidateAsync(JsonElement grader, CancellationToken ct = default)
        {
            GraderCheck.Require(grader, "Grader");
            return PostJsonAsync("/fine_tuning/alpha/graders/validate", new ValidateGraderRequest { Grader = grader }, ClientJsonContext.Default.ValidateGraderRequest,
                ClientJsonContext.Default.ValidateGraderResponse, ct, logBody: true);
        }

        /// <summary>Runs a grader on one model output (and the dataset line it answers) and returns the reward.</summary>
        public Task<GraderResult> RunAsync(RunGraderRequest request, CancellationToken ct = default)
        {
            GraderCheck.Require(request.Grader, "Grader");
            return PostJsonAsync("/fine_tuning/alpha/graders/run", request, ClientJsonContext.Default.RunGraderRequest, ClientJsonContext.Default.GraderResult, ct, logBody: true);
        }
    }
}
