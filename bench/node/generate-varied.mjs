// Writes a seeded chat-format JSONL file of about the requested size whose text looks like real data rather than
// a short word list: a Zipf-like draw from a large made-up vocabulary (so most words are rare), names, typos,
// identifiers (camelCase, snake_case, paths, hex ids, UUIDs), numbers, dates and prices, sentences in other
// scripts (Cyrillic, Greek, Arabic, Hebrew, Devanagari, Thai, Hangul, kana, Han), emoji, code fragments with
// escaped quotes and line breaks, and now and then a named message.
// node generate-varied.mjs <path> <megabytes> [seed]
import fs from 'node:fs';

const [path, mbArg, seedArg] = process.argv.slice(2);
const target = Number(mbArg) * 1024 * 1024;
let seed = Number(seedArg ?? 20261206) | 0;
// mulberry32 (as in generate-chat.mjs): seeded, with a period far beyond any file made here.
const rand = () => {
  seed = (seed + 0x6D2B79F5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const int = (n) => Math.floor(rand() * n);
const pick = (a) => a[int(a.length)];

// A made-up vocabulary of 200,000 words from syllables, drawn with a Zipf-like law: a few words are common,
// most are seen a handful of times in a 200 MB file, so the tokenizer's cache cannot hold the text.
const onsets = ['', 'b', 'c', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'qu', 'r', 's', 't', 'v', 'w', 'z',
  'br', 'cl', 'cr', 'dr', 'fl', 'gr', 'pl', 'pr', 'sc', 'sh', 'sl', 'sp', 'st', 'str', 'th', 'tr', 'ch', 'wh', 'kn', 'ps'];
const nuclei = ['a', 'e', 'i', 'o', 'u', 'y', 'ai', 'ea', 'ee', 'ie', 'oa', 'oo', 'ou', 'au', 'ei', 'ui'];
const codas = ['', '', 'n', 'r', 's', 't', 'l', 'm', 'nd', 'ng', 'nt', 'rk', 'st', 'sh', 'ck', 'x', 'tch', 'rth', 'ld', 'mp'];
const syllable = () => pick(onsets) + pick(nuclei) + pick(codas);
const vocabulary = Array.from({ length: 200000 }, () => {
  let w = '';
  const n = 1 + int(3);
  for (let i = 0; i < n; i++) w += syllable();
  return w;
});
const zipf = () => vocabulary[Math.min(vocabulary.length - 1, Math.floor(Math.pow(vocabulary.length + 1, rand())) - 1)];
const common = 'the a of to and in is it that for on with as was at by an be this from or have not are but what all were when we there can your which their said if do will each about how up out them then'.split(' ');
const typo = (w) => {
  if (w.length < 4) return w;
  const i = 1 + int(w.length - 2);
  switch (int(3)) {
    case 0: return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
    case 1: return w.slice(0, i) + w.slice(i + 1);
    default: return w.slice(0, i) + w[i] + w.slice(i);
  }
};
const cap = (w) => w.charAt(0).toUpperCase() + w.slice(1);
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');
const identifier = () => {
  const a = zipf(), b = zipf(), c = zipf();
  switch (int(9)) {
    case 0: return a + cap(b) + cap(c);
    case 1: return `${a}_${b}_${int(100)}`;
    case 2: return `${cap(a)}${cap(b)}Service`;
    case 3: return `/usr/local/${a}/${b}.${pick(['py', 'cs', 'json', 'yaml', 'log'])}`;
    case 4: return `0x${hex(8).toUpperCase()}`;
    case 5: return `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
    case 6: return `https://${a}.example.org/${b}?id=${int(1e6)}&lang=${pick(['en', 'fr', 'de', 'ja'])}`;
    case 7: return `${a.toUpperCase()}_${b.toUpperCase()}`;
    default: return `${a}.${b}(${c}, ${int(1000)})`;
  }
};
const number = () => {
  switch (int(6)) {
    case 0: return String(int(1e9));
    case 1: return (rand() * 1e4).toFixed(int(5));
    case 2: return `$${(rand() * 1e5).toFixed(2)}`;
    case 3: return `${2000 + int(30)}-${String(1 + int(12)).padStart(2, '0')}-${String(1 + int(28)).padStart(2, '0')}`;
    case 4: return `+1 (${100 + int(900)}) ${100 + int(900)}-${1000 + int(9000)}`;
    default: return `${int(100)}%`;
  }
};
// Words of other scripts, each built from the script's letters so that they too are mostly rare.
const scripts = [
  'абвгдежзийклмнопрстуфхцчшщыьэюя', 'αβγδεζηθικλμνξοπρστυφχψω', 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي',
  'אבגדהוזחטיכלמנסעפצקרשת', 'कखगघचछजझटठडढणतथदधनपफबभमयरलवशसह', 'กขคงจฉชซญดตถทธนบปผพฟภมยรลวศสหอฮ',
  '가나다라마바사아자차카타파하각난달람밥상앙잘착칼탁팔한', 'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん',
  '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长',
];
const foreignWord = (letters) => {
  const chars = Array.from(letters);
  let w = '';
  const n = 2 + int(6);
  for (let i = 0; i < n; i++) w += chars[int(chars.length)];
  return w;
};
const foreignSentence = () => {
  const letters = pick(scripts);
  const han = letters === scripts[scripts.length - 1] || letters === scripts[scripts.length - 2];
  return Array.from({ length: 3 + int(10) }, () => foreignWord(letters)).join(han ? '' : ' ') + (han ? '。' : '.');
};
const emoji = ['😀', '😂', '🥲', '👍', '🎉', '🚀', '🔥', '❤️', '✅', '⚠️', '🤔', '👩‍💻', '🇫🇷', '🧪', '📦', '💡', '🙏🏽', '🌍'];
const punctuation = [',', ',', '.', ';', ':', '!', '?', ' -', ' (', ')', '"', '\''];

const sentence = (n) => {
  const out = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    let w;
    if (r < 0.34) w = pick(common);
    else if (r < 0.80) w = zipf();
    else if (r < 0.84) w = typo(zipf());
    else if (r < 0.87) w = cap(zipf());
    else if (r < 0.91) w = identifier();
    else if (r < 0.95) w = number();
    else if (r < 0.975) w = pick(emoji);
    else w = foreignWord(pick(scripts));
    if (rand() < 0.08) w += pick(punctuation);
    out.push(w);
  }
  return cap(out.join(' '));
};
const code = () => {
  const fn = zipf(), arg = zipf(), v = zipf();
  return `\`\`\`python\ndef ${fn}_${v}(${arg}):\n    \"\"\"${sentence(6)}\"\"\"\n    return ${arg}.get(\"${v}\", ${int(100)})\n\`\`\``;
};
const paragraph = (n) => {
  const parts = [];
  let left = n;
  while (left > 0) {
    const k = Math.min(left, 6 + int(14));
    const r = rand();
    if (r < 0.12) parts.push(foreignSentence());
    else if (r < 0.16) parts.push(code());
    else parts.push(sentence(k) + pick(['.', '.', '.', '?', '!']));
    left -= k;
  }
  return parts.join(rand() < 0.2 ? '\n\n' : ' ');
};

const out = fs.openSync(path, 'w');
let written = 0;
let buffer = [];
while (written < target) {
  const messages = [{ role: 'system', content: 'You are ' + pick(['a helpful assistant', 'a support agent for ' + cap(zipf()), 'a translator', 'a code reviewer']) + '. ' + sentence(4 + int(10)) }];
  const turns = 1 + (rand() < 0.3 ? 1 : 0);
  for (let t = 0; t < turns; t++) {
    const user = { role: 'user', content: paragraph(8 + int(50)) };
    if (rand() < 0.1) user.name = cap(zipf()) + '_' + int(100);
    messages.push(user);
    messages.push({ role: 'assistant', content: paragraph(15 + int(160)) });
  }
  const line = JSON.stringify({ messages }) + '\n';
  buffer.push(line);
  written += Buffer.byteLength(line);
  if (buffer.length >= 2000) { fs.writeSync(out, buffer.join('')); buffer = []; }
}
if (buffer.length) fs.writeSync(out, buffer.join(''));
fs.closeSync(out);
console.log(JSON.stringify({ path, bytes: written }));
