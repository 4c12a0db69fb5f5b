using System;

namespace FineTuning.Emulator
{
    /// <summary>An error answer in the service's envelope.</summary>
    internal sealed class ApiError : Exception
    {
        public ApiError(int status, string message, string? param, string? code, string type = "invalid_request_error") : base(message)
        {
            Status = status;
            Param = param;
            Code = code;
            Type = type;
        }

        public int Status { get; }
        public string? Param { get; }
        public string? Code { get; }
        public string Type { get; }
    }
}
