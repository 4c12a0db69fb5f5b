// Drives a running FineTuning emulator with the official `openai` SDK, changing nothing but the base
// URL. Every call's result is checked; the script prints one JSON summary line and exits non-zero on
// the first failed check. Env: EMULATOR_BASE_URL (…/v1), EMULATOR_API_KEY, TRAIN_FILE.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import OpenAI, { toFile } from 'openai';

const baseURL = process.env.EMULATOR_BASE_URL;
const apiKey = process.env.EMULATOR_API_KEY ?? 'sk-emulator';
const origin = new URL(baseURL).origin;
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const checks = [];
const check = (name, fn) => { fn(); checks.push(name); };

async function advance(seconds) {
  const r = await fetch(`${origin}/_emulator/clock/advance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ seconds }),
  });
  assert.equal(r.status, 200);
}

async function until(id, statuses) {
  for (let i = 0; i < 2000; i++) {
    const job = await client.fineTuning.jobs.retrieve(id);
    if (statuses.includes(job.status)) return job;
    await advance(10);
  }
  throw new Error(`job ${id} never reached ${statuses}`);
}

const bytes = fs.readFileSync(process.env.TRAIN_FILE);
const file = await client.files.create({ file: await toFile(bytes, 'train.jsonl'), purpose: 'fine-tune' });
check('files.create', () => { assert.match(file.id, /^file-/); assert.equal(file.bytes, bytes.length); assert.equal(file.filename, 'train.jsonl'); });

const fetched = await client.files.retrieve(file.id);
check('files.retrieve', () => assert.equal(fetched.id, file.id));

const created = await client.fineTuning.jobs.create({
  model: 'gpt-4o-mini-2024-07-18', training_file: file.id, suffix: 'sdk', seed: 7, metadata: { suite: 'interop' },
  method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 3, batch_size: 4 } } },
});
check('jobs.create', () => { assert.match(created.id, /^ftjob-/); assert.equal(created.status, 'validating_files'); assert.equal(created.seed, 7); });

const listed = [];
for await (const job of client.fineTuning.jobs.list({ limit: 1, metadata: { suite: 'interop' } })) listed.push(job.id);
check('jobs.list (paged, metadata filter)', () => assert.deepEqual(listed, [created.id]));

const running = await until(created.id, ['running']);
check('jobs.retrieve', () => assert.equal(running.status, 'running'));

const paused = await client.fineTuning.jobs.pause(created.id);
check('jobs.pause', () => assert.equal(paused.status, 'paused'));

const resumed = await client.fineTuning.jobs.resume(created.id);
check('jobs.resume', () => assert.ok(['queued', 'running'].includes(resumed.status)));

const done = await until(created.id, ['succeeded', 'failed']);
check('job succeeded', () => { assert.equal(done.status, 'succeeded'); assert.match(done.fine_tuned_model, /^ft:gpt-4o-mini-2024-07-18:org-emulator:sdk:/); assert.ok(done.trained_tokens > 0); });

const events = [];
for await (const e of client.fineTuning.jobs.listEvents(created.id, { limit: 5 })) events.push(e);
check('jobs.listEvents', () => {
  assert.equal(events[0].message, 'The job has successfully completed');
  assert.ok(events.length > 10);
  assert.ok(events.some((e) => e.type === 'metrics' && typeof e.data.train_loss === 'number'));
});

const checkpoints = [];
for await (const c of client.fineTuning.jobs.checkpoints.list(created.id)) checkpoints.push(c);
check('checkpoints.list', () => { assert.equal(checkpoints.length, 3); assert.equal(checkpoints[0].step_number, 9); });

const content = await client.files.content(done.result_files[0]);
const csv = Buffer.from(await content.text(), 'base64').toString('utf8');
check('files.content (result file)', () => { assert.ok(csv.startsWith('step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy')); assert.equal(csv.trim().split('\n').length, 10); });

const second = await client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
const cancelled = await client.fineTuning.jobs.cancel(second.id);
check('jobs.cancel', () => assert.equal(cancelled.status, 'cancelled'));

let notFound;
try { await client.fineTuning.jobs.retrieve('ftjob-missing'); } catch (e) { notFound = e; }
check('404 as NotFoundError', () => { assert.ok(notFound instanceof OpenAI.NotFoundError); assert.equal(notFound.status, 404); });

let badRequest;
try { await client.fineTuning.jobs.cancel(second.id); } catch (e) { badRequest = e; }
check('invalid transition as BadRequestError', () => assert.ok(badRequest instanceof OpenAI.BadRequestError));

const models = await client.models.list();
const ids = [];
for await (const m of models) ids.push(m.id);
check('models.list includes the fine-tuned model', () => assert.ok(ids.includes(done.fine_tuned_model)));

const deleted = await client.files.del ? await client.files.del(file.id) : await client.files.delete(file.id);
check('files.delete', () => assert.equal(deleted.deleted, true));

console.log(JSON.stringify({ ok: true, checks }));
