// Counts a chat JSONL file's tokens with tiktoken, by the same rule as Test-FineTuningDataset (3 tokens per
// message plus role and content, 1 more plus the name when named, 3 per example), as fast as tiktoken goes:
// the file is read in 64 MB chunks (cut at line breaks), each line parsed once, and encode_ordinary called once
// per string. Roles repeat, so their counts are remembered (a Map lookup, not a call into wasm).
// node count-tiktoken.mjs <path> [encoding] [full|tokenizer]
//   full       reading, JSON parsing and counting, timed together (the baseline);
//   tokenizer  the strings are first extracted (not timed), then only encode_ordinary is timed: the limit.
// Prints one JSON line with seconds, tokens, examples, peak memory and the file's size.
import fs from 'node:fs';
import { get_encoding } from 'tiktoken';

const [path, encodingName = 'o200k_base', mode = 'full'] = process.argv.slice(2);
const enc = get_encoding(encodingName);
const count = (text) => (typeof text === 'string' && text.length ? enc.encode_ordinary(text).length : 0);
const roles = new Map();
const countRole = (role) => {
  let n = roles.get(role);
  if (n === undefined) { n = count(role); if (typeof role === 'string') roles.set(role, n); }
  return n;
};
const chunkBytes = 64 * 1024 * 1024;

// Calls onLine for every non-empty line of the file, reading 64 MB at a time.
function eachLine(onLine) {
  const fd = fs.openSync(path, 'r');
  const buf = Buffer.allocUnsafe(chunkBytes);
  let carry = Buffer.alloc(0);
  try {
    while (true) {
      const n = fs.readSync(fd, buf, 0, chunkBytes, null);
      if (n <= 0) break;
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      const last = data.lastIndexOf(10);
      if (last < 0) { carry = Buffer.from(data); continue; }
      const text = data.toString('utf8', 0, last);
      carry = Buffer.from(data.subarray(last + 1));
      let start = 0;
      while (start <= text.length) {
        let end = text.indexOf('\n', start);
        if (end < 0) end = text.length;
        if (end > start) onLine(text.slice(start, end));
        start = end + 1;
      }
    }
    if (carry.length) onLine(carry.toString('utf8'));
  } finally { fs.closeSync(fd); }
}

let tokens = 0, examples = 0, seconds;
if (mode === 'tokenizer') {
  // The strings, with the fixed per-message costs added up while extracting them.
  const strings = [];
  eachLine((line) => {
    const example = JSON.parse(line);
    tokens += 3;
    for (const m of example.messages) {
      tokens += 3 + countRole(m.role);
      if (typeof m.content === 'string' && m.content.length) strings.push(m.content);
      if (m.name) { tokens += 1; strings.push(m.name); }
    }
    examples++;
  });
  const started = process.hrtime.bigint();
  for (const s of strings) tokens += enc.encode_ordinary(s).length;
  seconds = Number(process.hrtime.bigint() - started) / 1e9;
} else {
  const started = process.hrtime.bigint();
  eachLine((line) => {
    const example = JSON.parse(line);
    let n = 3;
    for (const m of example.messages) {
      n += 3 + countRole(m.role) + count(typeof m.content === 'string' ? m.content : '');
      if (m.name) n += 1 + count(m.name);
    }
    tokens += n;
    examples++;
  });
  seconds = Number(process.hrtime.bigint() - started) / 1e9;
}
let peak = process.memoryUsage().rss;
try {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  if (m) peak = Number(m[1]) * 1024;
} catch { }
console.log(JSON.stringify({ seconds, tokens, examples, peakBytes: peak, bytes: fs.statSync(path).size }));
enc.free();
