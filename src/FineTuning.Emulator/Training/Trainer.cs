using System;
using System.Collections.Generic;

namespace FineTuning.Emulator
{
    /// <summary>What one training step measured.</summary>
    internal struct StepResult
    {
        public int Step;
        public double TrainLoss;
        public double TrainAccuracy;
        public double? ValidLoss;
        public double? ValidAccuracy;
        public double? FullValidLoss;
        public double? FullValidAccuracy;
        public int BatchTokens;
        public bool EpochEnd;
        public int Epoch;
    }

    /// <summary>
    /// A small model really trained on the job's data: a token bigram model that backs off to a unigram
    /// model, which in turn backs off to the token frequencies of the whole training file (standing in for
    /// what a base model already knows). Each step first measures the batch's cross-entropy and next-token
    /// accuracy on the trained tokens, then learns them with a step size set by the learning rate
    /// multiplier. Losses therefore fall as training goes on, respond to epochs, batch size and learning
    /// rate, and are the same for the same data, parameters and seed. DPO scores the preferred output
    /// against the rejected one relative to the untrained model, scaled by beta.
    /// </summary>
    internal sealed class Trainer
    {
        private const double BaseStep = 1.0;
        private const double BigramBackoff = 4.0;
        private const double UnigramBackoff = 50.0;
        /// <summary>How many trained tokens of one pass the base model's knowledge weighs, at least (see <see cref="_baseWeight"/>).</summary>
        private const double BaseWeightPerToken = 12.0;
        private const double PriorPseudoCount = 0.05;
        /// <summary>How many validation examples each step scores at least (more with a larger batch).</summary>
        private const int ValidationSampleSize = 8;

        private readonly List<TrainingExample> _train;
        private readonly List<TrainingExample> _valid;
        private readonly int _batchSize;
        private readonly double _lr;
        private readonly double _beta;
        private readonly bool _dpo;
        private readonly int _seed;
        private readonly int _vocabulary;

        private readonly Dictionary<int, int> _prior = new Dictionary<int, int>();
        private readonly long _priorTotal;
        private readonly Dictionary<long, double> _bigram = new Dictionary<long, double>();
        private readonly Dictionary<int, double> _rowTotal = new Dictionary<int, double>();
        private readonly Dictionary<int, KeyValuePair<int, double>> _rowBest = new Dictionary<int, KeyValuePair<int, double>>();
        private readonly Dictionary<int, double> _unigram = new Dictionary<int, double>();
        /// <summary>Distinct tokens seen after each token: contexts followed by many different tokens keep more mass for new ones.</summary>
        private readonly Dictionary<int, int> _rowTypes = new Dictionary<int, int>();
        /// <summary>
        /// The weight of the base model's knowledge against what training taught, in trained tokens: a pass over the data
        /// (times the step size) at least, so that a few passes shift the model toward the data without wiping out what it
        /// knew of other text; many passes over few examples still do.
        /// </summary>
        private double _baseWeight = UnigramBackoff;
        private double _unigramTotal;
        private int _unigramBest = -1;

        private int[] _order = Array.Empty<int>();
        private int _orderEpoch = -1;
        /// <summary>The validation examples every step scores: the same ones each time, so the curve shows the model changing, not the sample.</summary>
        private readonly List<TrainingExample> _validSample = new List<TrainingExample>();
        private readonly Dictionary<TrainingExample, double[]> _reference = new Dictionary<TrainingExample, double[]>();

        public Trainer(List<TrainingExample> train, List<TrainingExample>? valid, int epochs, int batchSize, double learningRateMultiplier,
            double beta, bool dpo, int seed, int vocabulary)
        {
            _train = train;
            _valid = valid ?? new List<TrainingExample>();
            Epochs = epochs;
            _batchSize = batchSize;
            _lr = learningRateMultiplier;
            _beta = beta;
            _dpo = dpo;
            _seed = seed;
            _vocabulary = vocabulary;
            StepsPerEpoch = (train.Count + batchSize - 1) / batchSize;
            if (_valid.Count > 0)
            {
                // A fixed sample of the validation file, drawn once from the seed (all of it when it is small).
                var order = new int[_valid.Count];
                for (var i = 0; i < order.Length; i++) order[i] = i;
                var random = new Random(unchecked(seed * 17 + 5));
                for (var i = order.Length - 1; i > 0; i--)
                {
                    var j = random.Next(i + 1);
                    var tmp = order[i]; order[i] = order[j]; order[j] = tmp;
                }
                var size = Math.Min(_valid.Count, Math.Max(ValidationSampleSize, batchSize));
                for (var i = 0; i < size; i++) _validSample.Add(_valid[order[i]]);
            }
            foreach (var ex in train) TokensPerEpoch += ex.Tokens.Length + (ex.Rejected?.Length ?? 0);
            long trainedPerEpoch = 0;
            foreach (var ex in train) foreach (var t in ex.Trained) if (t) trainedPerEpoch++;
            _baseWeight = Math.Max(UnigramBackoff, BaseWeightPerToken * BaseStep * learningRateMultiplier * trainedPerEpoch);
            TotalSteps = StepsPerEpoch * epochs;
            foreach (var ex in train)
            {
                foreach (var t in ex.Tokens) { _prior.TryGetValue(t, out var c); _prior[t] = c + 1; _priorTotal++; }
            }
            if (dpo)
            {
                foreach (var ex in train) _reference[ex] = new[] { OutputLogProb(ex.Tokens, ex.ContextLength), OutputLogProb(ex.Rejected!, -1, ex) };
            }
        }

        public int Epochs { get; }
        public int StepsPerEpoch { get; }
        public int TotalSteps { get; }
        public int StepsDone { get; private set; }
        /// <summary>The tokens one pass over the training examples feeds the model (both outputs of a preference pair).</summary>
        public long TokensPerEpoch { get; }
        public bool HasValidation => _valid.Count > 0;

        /// <summary>The trained tokens the next step will see (for its duration).</summary>
        public int NextBatchTokens()
        {
            var batch = Batch(StepsDone);
            var n = 0;
            foreach (var i in batch) n += _train[i].Tokens.Length;
            return n;
        }

        public StepResult Step()
        {
            if (StepsDone >= TotalSteps) throw new InvalidOperationException("Training is complete.");
            var step = StepsDone;
            var batch = Batch(step);
            double lossSum = 0, hits = 0;
            long count = 0;
            var batchTokens = 0;
            if (_dpo)
            {
                foreach (var i in batch)
                {
                    var ex = _train[i];
                    batchTokens += ex.Tokens.Length + ex.Rejected!.Length;
                    var reference = _reference[ex];
                    var chosen = OutputLogProb(ex.Tokens, ex.ContextLength) - reference[0];
                    var rejected = OutputLogProb(ex.Rejected, -1, ex) - reference[1];
                    var margin = _beta * (chosen - rejected);
                    lossSum += Math.Log(1 + Math.Exp(-margin)); // -log(sigmoid(margin))
                    hits += margin > 0 ? 1 : 0;
                    count++;
                }
            }
            else
            {
                foreach (var i in batch)
                {
                    var ex = _train[i];
                    batchTokens += ex.Tokens.Length;
                    Score(ex.Tokens, ex.Trained, ref lossSum, ref hits, ref count);
                }
            }
            var result = new StepResult
            {
                Step = step + 1,
                TrainLoss = count == 0 ? 0 : lossSum / count,
                TrainAccuracy = count == 0 ? 0 : hits / count,
                BatchTokens = batchTokens,
                Epoch = step / StepsPerEpoch + 1,
                EpochEnd = (step + 1) % StepsPerEpoch == 0,
            };
            foreach (var i in batch) Learn(_train[i]);
            StepsDone++;

            if (_valid.Count > 0)
            {
                // Each step measures the same fixed sample of the validation set; an epoch's end measures all of it.
                double vLoss = 0, vHits = 0;
                long vCount = 0;
                foreach (var ex in _validSample) Score(ex.Tokens, ex.Trained, ref vLoss, ref vHits, ref vCount);
                if (vCount > 0)
                {
                    result.ValidLoss = vLoss / vCount;
                    result.ValidAccuracy = vHits / vCount;
                }
                if (result.EpochEnd)
                {
                    double fLoss = 0, fHits = 0;
                    long fCount = 0;
                    foreach (var ex in _valid) Score(ex.Tokens, ex.Trained, ref fLoss, ref fHits, ref fCount);
                    if (fCount > 0)
                    {
                        result.FullValidLoss = fLoss / fCount;
                        result.FullValidAccuracy = fHits / fCount;
                    }
                }
            }
            return result;
        }

        private List<int> Batch(int step)
        {
            var epoch = step / StepsPerEpoch;
            if (epoch != _orderEpoch)
            {
                _order = new int[_train.Count];
                for (var i = 0; i < _order.Length; i++) _order[i] = i;
                var random = new Random(unchecked(_seed * 31 + epoch));
                for (var i = _order.Length - 1; i > 0; i--)
                {
                    var j = random.Next(i + 1);
                    var tmp = _order[i]; _order[i] = _order[j]; _order[j] = tmp;
                }
                _orderEpoch = epoch;
            }
            var first = (step % StepsPerEpoch) * _batchSize;
            var list = new List<int>(_batchSize);
            for (var i = first; i < Math.Min(first + _batchSize, _order.Length); i++) list.Add(_order[i]);
            return list;
        }

        private void Score(int[] tokens, bool[] trained, ref double lossSum, ref double hits, ref long count)
        {
            for (var i = 0; i < tokens.Length; i++)
            {
                if (!trained[i]) continue;
                var prev = i == 0 ? -1 : tokens[i - 1];
                lossSum -= Math.Log(Probability(prev, tokens[i]));
                if (Predict(prev) == tokens[i]) hits++;
                count++;
            }
        }

        /// <summary>Mean log-probability of the output tokens: after the context for chosen outputs, after the example's context for rejected ones.</summary>
        private double OutputLogProb(int[] tokens, int contextLength, TrainingExample? owner = null)
        {
            double sum = 0;
            var n = 0;
            if (owner != null)
            {
                var prev = owner.ContextLength > 0 ? owner.Tokens[owner.ContextLength - 1] : -1;
                for (var i = 0; i < tokens.Length; i++)
                {
                    sum += Math.Log(Probability(prev, tokens[i]));
                    prev = tokens[i];
                    n++;
                }
            }
            else
            {
                for (var i = Math.Max(0, contextLength); i < tokens.Length; i++)
                {
                    sum += Math.Log(Probability(i == 0 ? -1 : tokens[i - 1], tokens[i]));
                    n++;
                }
            }
            return n == 0 ? 0 : sum / n;
        }

        private void Learn(TrainingExample ex)
        {
            var step = BaseStep * _lr;
            for (var i = 0; i < ex.Tokens.Length; i++)
            {
                if (!ex.Trained[i]) continue;
                var prev = i == 0 ? -1 : ex.Tokens[i - 1];
                var next = ex.Tokens[i];
                var key = ((long)prev << 32) | (uint)next;
                _bigram.TryGetValue(key, out var c);
                if (c == 0) { _rowTypes.TryGetValue(prev, out var types); _rowTypes[prev] = types + 1; }
                c += step;
                _bigram[key] = c;
                _rowTotal.TryGetValue(prev, out var row);
                _rowTotal[prev] = row + step;
                if (!_rowBest.TryGetValue(prev, out var best) || c > best.Value) _rowBest[prev] = new KeyValuePair<int, double>(next, c);
                _unigram.TryGetValue(next, out var u);
                _unigram[next] = u + step;
                _unigramTotal += step;
                if (_unigramBest < 0 || UnigramScore(next) > UnigramScore(_unigramBest)) _unigramBest = next;
            }
        }

        private double Prior(int token)
        {
            // Every token of the vocabulary keeps a little mass, so unseen text is unlikely but possible.
            _prior.TryGetValue(token, out var c);
            return (c + PriorPseudoCount) / (_priorTotal + PriorPseudoCount * _vocabulary);
        }

        private double UnigramScore(int token)
        {
            _unigram.TryGetValue(token, out var u);
            return u + _baseWeight * Prior(token);
        }

        private double Unigram(int token) => UnigramScore(token) / (_unigramTotal + _baseWeight);

        private double Probability(int prev, int next)
        {
            _bigram.TryGetValue(((long)prev << 32) | (uint)next, out var c);
            _rowTotal.TryGetValue(prev, out var row);
            // Witten-Bell style: the mass left for tokens never seen after prev grows with how many different ones were.
            _rowTypes.TryGetValue(prev, out var types);
            var backoff = BigramBackoff + BaseStep * _lr * types;
            return (c + backoff * Unigram(next)) / (row + backoff);
        }

        private int Predict(int prev)
        {
            var fallback = _unigramBest >= 0 ? _unigramBest : MostFrequentPrior();
            if (_rowBest.TryGetValue(prev, out var best) && Probability(prev, best.Key) >= Probability(prev, fallback)) return best.Key;
            return fallback;
        }

        private int _priorBest = int.MinValue;

        private int MostFrequentPrior()
        {
            if (_priorBest != int.MinValue) return _priorBest;
            var bestCount = -1;
            var best = -1;
            foreach (var kv in _prior)
            {
                if (kv.Value > bestCount || (kv.Value == bestCount && kv.Key < best)) { best = kv.Key; bestCount = kv.Value; }
            }
            return _priorBest = best;
        }
    }
}
