// Computes, with the npm package `tiktoken` (encode_ordinary), the token statistics the validator must
// report for each file in ../valid, following the counting rule documented in docs/datasets.md.
// Usage: npm install tiktoken@1.0.22 && node expected-tokens.mjs > ../valid/expected-tokens.json
import { createRequire } from "module";
import { readFileSync, readdirSync } from "fs";
import { join, dirname } from "path";
import { fileURLToPath } from "url";
const require = createRequire(import.meta.url);
const { get_encoding } = require("tiktoken");
const validDir = join(dirname(fileURLToPath(import.meta.url)), "..", "valid");

// Raw text of a top-level value, as it appears in the line (the validator counts tool definitions this way).
function rawValue(line, key) {
  let depth = 0, i = 0, inStr = false;
  while (i < line.length) {
    const ch = line[i];
    if (inStr) { if (ch === "\\") i++; else if (ch === '"') inStr = false; i++; continue; }
    if (ch === '"') {
      if (depth === 1) {
        const end = line.indexOf('"', i + 1);
        if (line.slice(i + 1, end) === key && /^\s*:/.test(line.slice(end + 1))) {
          let j = end + 1; while (line[j] !== ":") j++; j++; while (line[j] === " ") j++;
          let d = 0, s = false, k = j;
          for (; k < line.length; k++) {
            const c = line[k];
            if (s) { if (c === "\\") k++; else if (c === '"') s = false; continue; }
            if (c === '"') s = true; else if (c === "[" || c === "{") d++; else if (c === "]" || c === "}") { d--; if (d === 0) { k++; break; } }
          }
          return line.slice(j, k);
        }
      }
      inStr = true; i++; continue;
    }
    if (ch === "{" || ch === "[") depth++; else if (ch === "}" || ch === "]") depth--;
    i++;
  }
  return null;
}

function stats(file, encName) {
  const enc = get_encoding(encName);
  const n = s => (typeof s === "string" && s.length ? enc.encode_ordinary(s).length : 0);
  const content = c => typeof c === "string" ? n(c) : Array.isArray(c) ? c.reduce((a, p) => a + (p.type === "text" ? n(p.text) : 0), 0) : 0;
  const calls = m => (m.tool_calls || []).reduce((a, c) => a + n(c.function.name) + n(c.function.arguments), 0)
    + (m.function_call ? n(m.function_call.name) + n(m.function_call.arguments) : 0) + n(m.refusal);
  const messages = (ms) => {
    let t = 0, tr = 0;
    for (const m of ms) {
      t += 3 + n(m.role) + content(m.content) + calls(m) + (typeof m.name === "string" ? n(m.name) + 1 : 0) + (m.role === "tool" ? n(m.tool_call_id) : 0);
      if (m.role === "assistant" && m.weight !== 0) tr += content(m.content) + calls(m);
    }
    return [t, tr];
  };
  const rft = file.startsWith("reinforcement");
  const per = []; let trained = 0;
  for (const line of readFileSync(join(validDir, file), "utf8").split("\n").filter(l => l.trim())) {
    const o = JSON.parse(line);
    let t = 0, tr = 0;
    if ("prompt" in o) { t = n(o.prompt) + n(o.completion); tr = n(o.completion); }
    else if ("input" in o) {
      const [a] = messages(o.input.messages); const [b, bt] = messages(o.preferred_output); const [c, ct] = messages(o.non_preferred_output);
      t = 3 + a + b + c + (o.input.tools ? n(rawValue(rawValue(line, "input"), "tools")) : 0); tr = bt + ct;
    } else {
      const [a, at] = messages(o.messages);
      t = 3 + a + (o.tools ? n(rawValue(line, "tools")) : 0) + (o.functions ? n(rawValue(line, "functions")) : 0);
      tr = rft ? 0 : at;
    }
    per.push(t); trained += tr;
  }
  enc.free();
  const sorted = [...per].sort((x, y) => x - y);
  const rank = q => sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
  return { total: per.reduce((a, b) => a + b, 0), min: sorted[0], max: sorted[sorted.length - 1], median: rank(0.5), p90: rank(0.9), trained };
}

const out = {};
for (const file of readdirSync(validDir).filter(f => f.endsWith(".jsonl")).sort())
  out[file] = { o200k_base: stats(file, "o200k_base"), cl100k_base: stats(file, "cl100k_base") };
console.log(JSON.stringify(out, null, 1));
