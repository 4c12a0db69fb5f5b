using System;
using System.Globalization;

namespace FineTuning.Client
{
    /// <summary>
    /// A hyperparameter as the service writes it: the word "auto" (or another word, such as a reasoning
    /// effort) until training starts, then a number.
    /// </summary>
    public readonly struct HyperparameterValue : IEquatable<HyperparameterValue>
    {
        private HyperparameterValue(double? number, string? text)
        {
            Number = number;
            Text = text;
        }

        public static HyperparameterValue Auto => new HyperparameterValue(null, "auto");

        public static HyperparameterValue FromNumber(double value) => new HyperparameterValue(value, null);

        public static HyperparameterValue FromText(string text) => new HyperparameterValue(null, text);

        /// <summary>The number, when the value is numeric.</summary>
        public double? Number { get; }

        /// <summary>The word, when the value is not numeric ("auto", "medium", ...).</summary>
        public string? Text { get; }

        public bool IsAuto => Number is null && string.Equals(Text, "auto", StringComparison.OrdinalIgnoreCase);

        public override string ToString() =>
            Number.HasValue ? Number.Value.ToString("R", CultureInfo.InvariantCulture) : (Text ?? string.Empty);

        public bool Equals(HyperparameterValue other) => Number == other.Number && string.Equals(Text, other.Text, StringComparison.Ordinal);

        public override bool Equals(object? obj) => obj is HyperparameterValue o && Equals(o);

        public override int GetHashCode() => Number.HasValue ? Number.Value.GetHashCode() : (Text ?? string.Empty).GetHashCode();

        public static implicit operator HyperparameterValue(double value) => FromNumber(value);
    }
}
