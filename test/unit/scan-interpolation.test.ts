/**
 * The one OmegaConf interpolation resolver (src/core/scan/interpolation.ts) and its two users, llm-foundry train YAML
 * and Hydra composition. Expected values follow OmegaConf's rules ("Variable interpolation": `${a.b}` is the node at
 * that absolute path, a mapping included, resolved in turn; a missing key or a cycle fails there, a note here with
 * the value's file, line and column).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectNode } from '../../src/core/parse/node';
import { scanFiles } from '../../src/core/scan';
import { resolveInterpolations } from '../../src/core/scan/interpolation';
import { parseScanFile } from '../../src/core/scan/parse-file';
import { on } from './scan-formats-helpers';

function resolve(text: string): { value: unknown; notes: string[] } {
  const parsed = parseScanFile({ path: 'c.yaml', text }, 'yaml');
  const notes: string[] = [];
  const root = resolveInterpolations(parsed.root as ObjectNode, { fileOf: () => 'c.yaml', notes });
  return { value: root.value, notes };
}

test('a whole ${a.b} takes the node at that path: scalars, chains and mappings, resolved in turn', () => {
  const { value, notes } = resolve('v:\n  a: ${v.b}\n  b: ${v.c}\n  c: 2048\n  m:\n    x: ${v.c}\nseq: ${v.a}\nblock: ${v.m}\n');
  assert.deepEqual(value, { v: { a: 2048, b: 2048, c: 2048, m: { x: 2048 } }, seq: 2048, block: { x: 2048 } });
  assert.deepEqual(notes, []);
});

test('what cannot be resolved is left out with its file:line:column and why; cycles end', () => {
  const text = [
    'a: ${b}', // 1
    'b: ${a}', // 2
    'self: ${self}', // 3
    'env: ${oc.env:HOME}', // 4
    'text: run-${a}', // 5
    'missing: ${no.such.key}', // 6
    'via: ${missing}', // 7
    'ok: 1', // 8
    'nested:', // 9
    '  inner: ${nested}', // 10
    '',
  ].join('\n');
  const { value, notes } = resolve(text);
  assert.deepEqual(value, { ok: 1, nested: {} });
  assert.deepEqual(notes, [
    "c.yaml:2:4: 'b' is '${a}', an interpolation cycle (a → b → a), which OmegaConf rejects; it is not read",
    "c.yaml:1:4: 'a' is '${b}', an interpolation cycle (a → b → a), which OmegaConf rejects; it is not read",
    "c.yaml:3:7: 'self' is '${self}', an interpolation cycle (self → self), which OmegaConf rejects; it is not read",
    "c.yaml:4:6: 'env' is '${oc.env:HOME}', an interpolation not resolved statically; it is not read",
    "c.yaml:5:7: 'text' is 'run-${a}', an interpolation not resolved statically; it is not read",
    "c.yaml:6:10: 'missing' is '${no.such.key}', but the config has no key 'no.such.key' (OmegaConf fails on it unless an override sets it); it is not read",
    "c.yaml:7:6: 'via' is '${missing}', and 'missing' is not read; it is not read",
    "c.yaml:10:10: 'nested.inner' is '${nested}', an interpolation cycle (nested → nested.inner → nested), which OmegaConf rejects; it is not read",
  ]);
});

test('a chain longer than the cap is left out at the value it starts from; nearer its end it resolves', () => {
  // k12: ${k11} ... k1: ${k0}, k0: 1, written from the far end so that each chain is followed whole
  const lines: string[] = [];
  for (let i = 12; i >= 1; i--) lines.push(`k${i}: \${k${i - 1}}`);
  lines.push('k0: 1');
  const { value, notes } = resolve(`${lines.join('\n')}\n`);
  const v = value as Record<string, unknown>;
  // k8 is 8 interpolations from its value: followed; k9 to k12 are more than 8: left out, each with its own note
  assert.deepEqual(Object.keys(v), ['k8', 'k7', 'k6', 'k5', 'k4', 'k3', 'k2', 'k1', 'k0']);
  assert.equal(v['k8'], 1);
  assert.deepEqual(notes, [12, 11, 10, 9].map((i) => `c.yaml:${13 - i}:${i >= 10 ? 6 : 5}: 'k${i}' is '\${k${i - 1}}', a chain of more than 8 interpolations; it is not read`));
});

// llm-foundry: the `variables:` block is an ordinary key the values refer to, resolved by the same resolver.
const FOUNDRY = (extra: string) => [
  'variables:', // 1
  '  seq: ${variables.base_seq}', // 2
  '  base_seq: 4096', // 3
  '  fsdp:', // 4
  '    sharding_strategy: SHARD_GRAD_OP', // 5
  'max_seq_len: ${variables.seq}', // 6
  'model:', // 7
  '  name: hf_causal_lm', // 8
  '  pretrained_model_name_or_path: gpt2', // 9
  'device_train_microbatch_size: 4', // 10
  extra, // 11
  '',
].join('\n');

test('llm-foundry: ${variables.x} chains and a whole mapping resolve as OmegaConf resolves them, with the place of the value', () => {
  const job = scanFiles([{ path: 'train.yaml', text: FOUNDRY('fsdp_config: ${variables.fsdp}') }]).jobs[0];
  assert.equal(job.settings.seqLen, 4096);
  // the value's own line (3, `  base_seq: 4096`), not the line that refers to it
  assert.deepEqual(job.sources['seqLen'], { path: 'train.yaml', range: on(3, 13, 17) });
  // fsdp_config is the mapping variables.fsdp holds: SHARD_GRAD_OP is ZeRO-2
  assert.equal(job.settings.zeroStage, 2);
  assert.equal(job.settings.fsdp, 'composer');
});

test('llm-foundry: a cycle through variables is a note at its file:line:column, and the job goes on', () => {
  const text = FOUNDRY('seed: 17').replace('base_seq: 4096', 'base_seq: ${variables.seq}');
  const job = scanFiles([{ path: 'train.yaml', text }]).jobs[0];
  assert.equal(job.settings.seqLen, undefined);
  assert.equal(job.settings.perDeviceBatchSize, 4);
  const notes = job.assumptions ?? [];
  assert.ok(notes.includes("train.yaml:6:14: 'max_seq_len' is '${variables.seq}', and 'variables.seq' is not read; it is not read"), notes.join('\n'));
  assert.ok(notes.includes("train.yaml:2:8: 'variables.seq' is '${variables.base_seq}', an interpolation cycle (variables.seq → variables.base_seq → variables.seq), which OmegaConf rejects; it is not read"), notes.join('\n'));
});

test('Hydra: a cycle across composed files is a note naming the file it is written in', () => {
  const files = [
    { path: 'configs/train.yaml', text: 'defaults:\n  - optimizer: adamw\n  - _self_\n\nbase_lr: ${optimizer.lr}\n' },
    { path: 'configs/optimizer/adamw.yaml', text: '_target_: torch.optim.AdamW\nlr: ${base_lr}\nweight_decay: 0.1\n' },
  ];
  const result = scanFiles(files);
  const job = result.jobs[0];
  assert.equal(job.settings.learningRate, undefined);
  assert.equal(job.settings.weightDecay, 0.1);
  const notes = job.assumptions ?? [];
  assert.ok(notes.includes("configs/optimizer/adamw.yaml:2:5: 'optimizer.lr' is '${base_lr}', an interpolation cycle (optimizer.lr → base_lr → optimizer.lr), which OmegaConf rejects; it is not read"), notes.join('\n'));
});
