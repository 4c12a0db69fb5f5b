using System.Threading;
using System.Threading.Tasks;
using FineTuning.Client.Json;

namespace FineTuning.Client
{
    /// <summary>Models (<c>/models</c>): the base models and fine-tuned models the account can use; deleting a fine-tuned one.</summary>
    public sealed class ModelsClient : ApiResource
    {
        internal ModelsClient(ApiSender sender) : base(sender) { }

        /// <summary>Every model the account can use: base models and its fine-tuned models (the service does not page this list).</summary>
        public Task<ListPage<FineTuningModel>> ListAsync(CancellationToken ct = default) =>
            GetJsonAsync("/models", null, ClientJsonContext.Default.ListPageFineTuningModel, ct);

        public Task<FineTuningModel> GetAsync(string model, CancellationToken ct = default) =>
            GetJsonAsync("/models/" + Segment(model), null, ClientJsonContext.Default.FineTuningModel, ct);

        /// <summary>Deletes a fine-tuned model (the service refuses base models; OpenAI asks for the Owner role).</summary>
        public Task<DeletionResult> DeleteAsync(string model, CancellationToken ct = default) =>
            DeleteJsonAsync("/models/" + Segment(model), ClientJsonContext.Default.DeletionResult, ct);
    }
}
