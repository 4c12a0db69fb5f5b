// Counts a chat JSONL file's tokens with tiktoken, by the same rule as Test-FineTuningDataset (3 tokens per
// message plus role and content, 1 more plus the name when named, 3 per example), streaming line by line.
// node count-tiktoken.mjs <path> [encoding]; prints one JSON line with seconds, tokens and peak memory.
import fs from 'node:fs';
import readline from 'node:readline';
import { get_encoding } from 'tiktoken';

const [path, encodingName = 'o200k_base'] = process.argv.slice(2);
const enc = get_encoding(encodingName);
const count = (text) => (typeof text === 'string' && text.length ? enc.encode_ordinary(text).length : 0);
const started = process.hrtime.bigint();
let tokens = 0, examples = 0;
const lines = readline.createInterface({ input: fs.createReadStream(path), crlfDelay: Infinity });
for await (const line of lines) {
  if (!line) continue;
  const example = JSON.parse(line);
  let n = 3;
  for (const m of example.messages) {
    n += 3 + count(m.role) + count(typeof m.content === 'string' ? m.content : '');
    if (m.name) n += 1 + count(m.name);
  }
  tokens += n;
  examples++;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
let peak = process.memoryUsage().rss;
try {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  if (m) peak = Number(m[1]) * 1024;
} catch { }
console.log(JSON.stringify({ seconds, tokens, examples, peakBytes: peak, bytes: fs.statSync(path).size }));
enc.free();
