// Regenerates ../token-counts.json: exact token counts from the npm package `tiktoken`
// (encode_ordinary, so special-token text counts as ordinary text).
// Usage: npm install tiktoken@1.0.22 (anywhere on NODE_PATH) && node token-table.mjs > ../token-counts.json
import { createRequire } from "module";
const require = createRequire(import.meta.url);
const { get_encoding } = require("tiktoken");

const texts = [
  "a <|endoftext|>",
  "<|endoftext|>",
  "<|endofprompt|><|fim_prefix|><|im_start|>user<|im_end|>",
  "Hello, world!",
  "The quick brown fox jumps over the lazy dog.",
  "naïve café résumé façade coöperate",
  "Ünïcödé ÀÉÎÕÜ ßẞ ǅ ﬁ",
  "Straße, İstanbul, ΑΒΓ αβγ, Привет мир",
  "😀😃😄 👨‍👩‍👧‍👦 🏳️‍🌈 👍🏽",
  "emoji in text 🚀 launch 🎉 party",
  "你好，世界！这是一个测试。",
  "日本語のテキストとカタカナ、ひらがな。",
  "한국어 문장입니다.",
  "مرحبا بالعالم",
  "नमस्ते दुनिया",
  "12345678901234567890123456789012345678901234567890",
  "3.14159265358979323846264338327950288419716939937510",
  "1,000,000 and 2,500.75",
  "     leading spaces",
  "trailing spaces      ",
  "tabs\t\t\tand\nnew\n\n\nlines\r\n",
  "                                                                ",
  "\n\n\n\n\n\n\n\n",
  "def add(a, b):\n    return a + b\n",
  "for (int i = 0; i < n; i++) { sum += a[i]; }",
  "{\"role\": \"assistant\", \"content\": \"ok\"}",
  "SELECT * FROM users WHERE id = 42;",
  "I'm sure they'll say it's fine, we've done it, you'd know.",
  "I'M SURE THEY'LL SAY IT'S FINE",
  "https://example.com/path/to/file?query=1&x=2#frag",
  "C:\\Users\\me\\file.txt",
  "e = mc² ∑∫∂√∞ ≠ ≤ ≥",
  "zero\u200bwidth\u00a0nbsp",
];

// Seeded random strings mixing scripts, digits, whitespace, apostrophes and punctuation: they probe
// the split rules (contractions, digit groups, whitespace before newlines) far beyond the hand-picked rows.
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pieces = ["a", "Z", "é", "É", "ß", "ǅ", "я", "Ж", "中", "ア", "한", "ع", "ह", "\u0301", "😀", "👍🏽", "0", "7", "٣", "½",
  " ", "  ", "\t", "\n", "\r\n", "\u00a0", "'s", "'T", "'ll", "'RE", "'", "\"", ".", ",", "!?", "/", "\\", "<|", "|>", "_", "-", "$", "#", "{", "}"];
for (let i = 0; i < 300; i++) {
  let t = "", len = 1 + Math.floor(rand() * 40);
  for (let j = 0; j < len; j++) {
    const p = pieces[Math.floor(rand() * pieces.length)];
    t += rand() < 0.3 ? p.repeat(1 + Math.floor(rand() * 5)) : p;
  }
  texts.push(t);
}

function count(encName) {
  const enc = get_encoding(encName);
  const out = texts.map(t => enc.encode_ordinary(t).length);
  enc.free();
  return out;
}
const o = count("o200k_base"), c = count("cl100k_base");
const rows = texts.map((t, i) => ({ text: t, o200k_base: o[i], cl100k_base: c[i] }));
console.log(JSON.stringify({ generator: "tiktoken@1.0.22 encode_ordinary", rows }, null, 2));
