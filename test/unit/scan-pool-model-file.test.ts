/**
 * A job's workspace model config and safetensors index read in the scan worker (src/extension/scan-pool.ts
 * `readModelFile`; README: Reliability): the job's model resolved from the worker's reads equals the one
 * resolved in-process — the same inventory and notes, the same errors with the same positions — and the
 * main loop runs while the worker parses a model config at the size ceiling (4 MiB).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readModelFile, resolveModelSource, type FileAccess, type ModelFileRead, type ModelFileRequest, type ModelResolution } from '../../src/core/model-source';
import type { ScanJob } from '../../src/core/scan/results';
import { InputError } from '../../src/core/types';
import { ScanPool } from '../../src/extension/scan-pool';

function repoPath(...parts: string[]): string {
  for (const base of [process.cwd(), path.resolve(__dirname, '..', '..', '..')]) {
    if (fs.existsSync(path.join(base, 'test', 'fixtures'))) return path.join(base, ...parts);
  }
  throw new Error('test/fixtures not found: run the tests from the repository root');
}

function configJob(configPath: string): ScanJob {
  return { id: 'args.json', folder: '.', files: ['args.json'], model: { kind: 'config-file', path: configPath }, settings: {}, sources: {}, defaults: [], pendingLora: null };
}

const TINY = { model_type: 'llama', architectures: ['LlamaForCausalLM'], hidden_size: 64, intermediate_size: 128, num_attention_heads: 4, num_key_value_heads: 2, num_hidden_layers: 2, vocab_size: 100, tie_word_embeddings: false, torch_dtype: 'bfloat16' };
/** TINY's parameters by hand (test/unit/model-source.test.ts): 86,848, in bfloat16 2 bytes each. */
const TINY_BYTES = 86_848 * 2;

/** Workspaces (path -> text) with a job's config at m/config.json: good ones and each kind of bad one. */
const CASES: Record<string, Record<string, string>> = {
  'config, no index': { 'm/config.json': JSON.stringify(TINY) },
  'config and an agreeing index': { 'm/config.json': JSON.stringify(TINY), 'm/model.safetensors.index.json': JSON.stringify({ metadata: { total_size: TINY_BYTES }, weight_map: {} }) },
  'index without total_size': { 'm/config.json': JSON.stringify(TINY), 'm/model.safetensors.index.json': '{"weight_map": {}}' },
  'malformed index': { 'm/config.json': JSON.stringify(TINY), 'm/model.safetensors.index.json': '{"metadata": {"total_size": 12,}\n' },
  'malformed config': { 'm/config.json': '{\n  "model_type": "llama",\n  "hidden_size": 64 64\n}' },
  'config not an object': { 'm/config.json': '[1, 2]' },
  'config missing a size field': { 'm/config.json': JSON.stringify({ ...TINY, hidden_size: undefined }) },
  'a "__proto__" key': { 'm/config.json': `{"__proto__": {"x": 1}, ${JSON.stringify(TINY).slice(1)}` },
};

/** The fixtures' real config.json files, each as a job's config. */
for (const rel of ['test/fixtures/scan/linked/models/tiny-llama/config.json', 'test/fixtures/scan/adopt/config.json', 'examples/gpt2-from-scratch/config.json', 'examples/bert-sst2/model/config.json']) {
  const file = repoPath(...rel.split('/'));
  if (fs.existsSync(file)) CASES[rel] = { 'm/config.json': fs.readFileSync(file, 'utf8') };
}

function access(files: Record<string, string>, reads?: Map<string, ModelFileRead>): FileAccess {
  return {
    readText: (p) => {
      const text = files[p];
      if (text === undefined) throw new InputError('no such file', p);
      return text;
    },
    ...(reads ? { readModelFile: (request: ModelFileRequest) => reads.get(`${request.kind}:${request.path}`) } : {}),
  };
}

/** The resolution, or the InputError it throws as `file:line:column: message`. */
function resolveOrError(files: FileAccess): ModelResolution | string {
  try {
    return resolveModelSource(configJob('m/config.json'), files);
  } catch (e) {
    if (e instanceof InputError) return e.format();
    throw e;
  }
}

test("a job's model resolved from the worker's reads equals the in-process one: models, notes, errors and positions", async () => {
  const pool = new ScanPool({ inlineMaxChars: 0 }); // every read goes to the worker
  try {
    let errors = 0;
    for (const [name, files] of Object.entries(CASES)) {
      const reads = new Map<string, ModelFileRead>();
      const requests: ModelFileRequest[] = [{ kind: 'config', name: 'm/config.json', path: 'm/config.json', text: files['m/config.json']! }];
      const index = files['m/model.safetensors.index.json'];
      if (index !== undefined) requests.push({ kind: 'index', name: 'm/model.safetensors.index.json', path: 'm/model.safetensors.index.json', text: index });
      for (const request of requests) {
        const outcome = await pool.readModelFile(`${name}:${request.kind}`, request);
        assert.equal(outcome.kind === 'read' && outcome.where, 'worker', name);
        const read = (outcome as Extract<typeof outcome, { kind: 'read' }>).read;
        assert.deepEqual(read, readModelFile(request), name);
        reads.set(`${request.kind}:${request.path}`, read);
      }
      const inProcess = resolveOrError(access(files));
      const fromWorker = resolveOrError(access(files, reads));
      assert.deepEqual(fromWorker, inProcess, name);
      if (typeof inProcess === 'string') {
        errors++;
        assert.match(inProcess, /^m\/config\.json(:\d+:\d+)?: /, `${name}: the error names the file: ${inProcess}`);
      }
    }
    assert.equal(errors, 3, 'the malformed config, the array and the missing field fail');
    // The position is carried: the malformed config's error points at line 3 (the second 64).
    assert.match(String(resolveOrError(access(CASES['malformed config']!))), /^m\/config\.json:3:\d+: /);
    // The resolution takes the caller's read when there is one (it does not parse the file again).
    const given = new Map<string, ModelFileRead>([['config:m/config.json', { kind: 'error', message: 'read elsewhere', file: 'm/config.json', line: 9, column: 7 }]]);
    assert.equal(resolveOrError(access(CASES['config, no index']!, given)), 'm/config.json:9:7: read elsewhere');
    const agreeing = resolveOrError(access(CASES['config and an agreeing index']!));
    assert.ok(typeof agreeing !== 'string' && agreeing.status === 'resolved');
    assert.match(agreeing.model.notes?.[0] ?? '', /\(they agree\)$/);
    const malformedIndex = resolveOrError(access(CASES['malformed index']!));
    assert.ok(typeof malformedIndex !== 'string' && malformedIndex.status === 'resolved');
    assert.match(malformedIndex.model.notes?.[0] ?? '', /^m\/model\.safetensors\.index\.json:\d+:\d+: .* \(safetensors index not used\)$/);
  } finally {
    pool.dispose();
  }
});

test('the main loop runs while the worker parses a 4 MiB model config; the inventory is the in-process one', async () => {
  // A classifier with 60,000 labels: id2label and label2id make the config.json about 4 MiB.
  const id2label: Record<string, string> = {};
  const label2id: Record<string, number> = {};
  for (let i = 0; i < 60_000; i++) {
    id2label[String(i)] = `label_number_${i}`;
    label2id[`label_number_${i}`] = i;
  }
  const bert = { architectures: ['BertForSequenceClassification'], model_type: 'bert', hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072, vocab_size: 30522, max_position_embeddings: 512, type_vocab_size: 2, id2label, label2id };
  const text = JSON.stringify(bert, null, 2);
  assert.ok(text.length > 3.5 * 2 ** 20 && text.length <= 4 * 2 ** 20, `${text.length} characters`);
  const pool = new ScanPool();
  try {
    assert.ok(text.length > pool.workerThreshold);
    const request: ModelFileRequest = { kind: 'config', name: 'm/config.json', path: 'm/config.json', text };
    const events: string[] = [];
    const done = pool.readModelFile('m', request).then((o) => {
      events.push('read');
      return o;
    });
    await new Promise((r) => setTimeout(r, 0));
    events.push('timer');
    const outcome = await done;
    assert.deepEqual(events, ['timer', 'read']);
    assert.equal(outcome.kind === 'read' && outcome.where, 'worker');
    const read = (outcome as Extract<typeof outcome, { kind: 'read' }>).read;
    assert.equal(read.kind, 'config', read.kind === 'error' ? read.message : read.kind);
    assert.deepEqual(read, readModelFile(request));
  } finally {
    pool.dispose();
  }
});
