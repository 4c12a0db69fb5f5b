// Writes a seeded chat-format JSONL file of about the requested size: node generate-chat.mjs <path> <megabytes>
import fs from 'node:fs';

const [path, mbArg] = process.argv.slice(2);
const target = Number(mbArg) * 1024 * 1024;
// mulberry32: a small seeded generator with a period far beyond any file made here (so no two
// examples repeat by accident, which would fill the report with DuplicateExample warnings).
let seed = 12345;
const rand = () => {
  seed = (seed + 0x6D2B79F5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const words = ('the a of to and in is it that for on with as was at by an be this from or have not are but what all were when we ' +
  'there can your which their said if do will each about how up out them then she many some so these would other into has more ' +
  'her two like him see time could no make than first been its who now people my made over did down only way find use may water ' +
  'long little very after words called just where most know get through back much before go good new write our used me man too ' +
  'any day same right look think also around another came come work three word must because does part even place well such ' +
  'PowerShell pipeline cmdlet object module token dataset fine-tuning café naïve 東京 数据 😀 résumé 12345 3.14159').split(' ');
const sentence = (n) => Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(' ');

const out = fs.openSync(path, 'w');
let written = 0;
let buffer = [];
while (written < target) {
  const line = JSON.stringify({
    messages: [
      { role: 'system', content: 'You are a helpful assistant. ' + sentence(8) },
      { role: 'user', content: sentence(10 + Math.floor(rand() * 40)) + '?' },
      { role: 'assistant', content: sentence(20 + Math.floor(rand() * 120)) + '.' },
    ],
  }) + '\n';
  buffer.push(line);
  written += Buffer.byteLength(line);
  if (buffer.length >= 2000) { fs.writeSync(out, buffer.join('')); buffer = []; }
}
if (buffer.length) fs.writeSync(out, buffer.join(''));
fs.closeSync(out);
console.log(JSON.stringify({ path, bytes: written }));
