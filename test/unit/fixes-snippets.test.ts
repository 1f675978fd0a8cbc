/**
 * Copyable snippets (src/core/fixes/snippets.ts): the catalog's spelling in each ecosystem with the
 * advised values, the ecosystems without a spelling say so, and the Python snippets parse.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { HyperparameterAdvice } from '../../src/core/advisor/types';
import type { SnippetKind } from '../../src/core/fixes/snippet-kinds';
import { snippetsFor, type Snippet } from '../../src/core/fixes/snippets';
import { OPTIMIZERS } from '../../src/core/optimizers';

function advice(over: Partial<HyperparameterAdvice>): HyperparameterAdvice {
  return { lr: 1e-4, betas: null, eps: null, weightDecay: 0, warmup: { unit: 'ratio', value: 0.03 }, schedule: { kind: 'cosine', detail: 'cosine decay after warmup' }, extra: {}, ...over };
}

function code(snippets: readonly Snippet[], kind: SnippetKind): string {
  const s = snippets.find((x) => x.kind === kind);
  assert.ok(s && 'code' in s, `${kind}: ${s && 'unavailable' in s ? s.unavailable : 'missing'}`);
  return s.code;
}

const python3 = spawnSync('python3', ['--version'], { encoding: 'utf8' }).status === 0;
function assertPythonParses(source: string): void {
  if (!python3) return;
  const r = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: source, encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stderr}\n${source}`);
}

test('AdamW: torch.optim.AdamW, HF adamw_torch with the scheduler, DeepSpeed AdamW, optax.adamw', () => {
  const s = snippetsFor('adamw', advice({ lr: 2e-5, betas: [0.9, 0.95], eps: 1e-8, weightDecay: 0.1 }));
  const torch = code(s, 'pytorch');
  assert.match(torch, /^import torch$/m);
  assert.match(torch, /optimizer = torch\.optim\.AdamW\(\n {4}model\.parameters\(\),\n {4}lr=2\.0e-5,\n {4}betas=\(0\.9, 0\.95\),\n {4}eps=1\.0e-8,\n {4}weight_decay=0\.1,\n\)/);
  const hf = code(s, 'hf-trainer');
  for (const line of ['optim="adamw_torch"', 'learning_rate=2.0e-5', 'weight_decay=0.1', 'adam_beta1=0.9', 'adam_beta2=0.95', 'adam_epsilon=1.0e-8', 'lr_scheduler_type="cosine"', 'warmup_ratio=0.03']) {
    assert.ok(hf.includes(`    ${line},`), `HF snippet has ${line}:\n${hf}`);
  }
  const ds = JSON.parse(code(s, 'deepspeed')) as { optimizer: { type: string; params: Record<string, unknown> } };
  assert.deepEqual(ds, { optimizer: { type: 'AdamW', params: { lr: 2e-5, betas: [0.9, 0.95], eps: 1e-8, weight_decay: 0.1 } } });
  const optax = code(s, 'optax');
  assert.match(optax, /optax\.adamw\(\n {4}learning_rate=2\.0e-5,\n {4}b1=0\.9,\n {4}b2=0\.95,\n {4}eps=1\.0e-8,\n {4}weight_decay=0\.1,\n\)/);
  for (const k of ['pytorch', 'hf-trainer', 'optax'] as const) assertPythonParses(code(s, k));
});

test('AdamW 8-bit: bitsandbytes class and HF string; DeepSpeed and optax have none', () => {
  const s = snippetsFor('adamw-8bit', advice({ lr: 2e-5, betas: [0.9, 0.999], eps: 1e-8 }));
  assert.match(code(s, 'pytorch'), /^import bitsandbytes as bnb$/m);
  assert.match(code(s, 'pytorch'), /bnb\.optim\.AdamW8bit\(/);
  assert.match(code(s, 'hf-trainer'), /optim="adamw_bnb_8bit"/);
  const ds = s.find((x) => x.kind === 'deepspeed');
  assert.ok(ds && 'unavailable' in ds);
  const optax = s.find((x) => x.kind === 'optax');
  assert.ok(optax && 'unavailable' in optax);
});

test('SGD with momentum: torch SGD with momentum written; HF has no optim string and hands the optimizer to the Trainer; optax adds L2 decay', () => {
  const s = snippetsFor('sgd-momentum', advice({ lr: 0.1, weightDecay: 1e-4, extra: { momentum: 0.9, dampening: 0, nesterov: false } }));
  assert.match(code(s, 'pytorch'), /torch\.optim\.SGD\(\n {4}model\.parameters\(\),\n {4}lr=0\.1,\n {4}weight_decay=1\.0e-4,\n {4}momentum=0\.9,\n\)/);
  const hf = code(s, 'hf-trainer');
  assert.match(hf, /optimizers=\(optimizer, None\)/);
  assert.doesNotMatch(hf, /optim=/);
  assert.deepEqual(JSON.parse(code(s, 'deepspeed')), { optimizer: { type: 'SGD', params: { lr: 0.1, weight_decay: 1e-4, momentum: 0.9 } } });
  const optax = code(s, 'optax');
  assert.match(optax, /optax\.add_decayed_weights\(1\.0e-4\)/);
  assert.match(optax, /optax\.sgd\(\n {8}learning_rate=0\.1,\n {8}momentum=0\.9,/);
  for (const k of ['pytorch', 'hf-trainer', 'optax'] as const) assertPythonParses(code(s, k));
});

test('Lion: HF lion_32bit passes adam_beta1/2 as Lion betas; optax.lion takes b1/b2', () => {
  const s = snippetsFor('lion', advice({ lr: 1e-4 / 3, betas: [0.9, 0.99], weightDecay: 0.3 }));
  const hf = code(s, 'hf-trainer');
  assert.match(hf, /optim="lion_32bit"/);
  assert.match(hf, /adam_beta2=0\.99/);
  assert.match(hf, /learning_rate=3\.333e-5/);
  assert.match(code(s, 'optax'), /optax\.lion\(\n {4}learning_rate=3\.333e-5,\n {4}b1=0\.9,\n {4}b2=0\.99,\n {4}weight_decay=0\.3,\n\)/);
});

test('every catalog optimizer gets four answers, and every Python snippet parses', () => {
  for (const spec of OPTIMIZERS) {
    const s = snippetsFor(spec.id, advice({ lr: 1e-3, betas: 'betas' in spec.defaults ? [0.9, 0.999] : null, weightDecay: 0.01 }));
    assert.deepEqual(s.map((x) => x.kind), ['pytorch', 'hf-trainer', 'deepspeed', 'optax'], spec.id);
    for (const x of s) if ('code' in x && x.language === 'python') assertPythonParses(x.code);
    for (const x of s) if ('code' in x && x.language === 'json') assert.doesNotThrow(() => JSON.parse(x.code), spec.id);
  }
});
