/** Catalog data integrity and spelling resolution across ecosystems. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src/core/types';
import { OPTIMIZERS, defaultHyperparameters, getOptimizer, listSpellings, resolveOptimizer, type CatalogVariant } from '../../src/core/optimizers/index';
import { CATALOG, OPTIMIZER_IDS, isOptimizerId } from '../../src/core/optimizers/registry';

const impl = (r: ReturnType<typeof resolveOptimizer>) => (r?.variant as CatalogVariant | undefined)?.implementation;

test('OPTIMIZERS lists every id once, in OPTIMIZER_IDS order', () => {
  assert.deepEqual(OPTIMIZERS.map((s) => s.id), [...OPTIMIZER_IDS]);
});

test('every spec cites its reference and carries defaults, an lr range with a source, caveats and spellings', () => {
  for (const spec of OPTIMIZERS) {
    assert.ok(spec.reference.title.length > 0 && spec.reference.url?.startsWith('https://'), `${spec.id}: reference`);
    assert.ok(spec.sources.length > 0, `${spec.id}: sources`);
    assert.ok(Object.keys(spec.defaults).length > 0, `${spec.id}: defaults`);
    assert.ok(spec.lrRange.low > 0 && spec.lrRange.low <= spec.lrRange.high, `${spec.id}: lrRange ${spec.lrRange.low}..${spec.lrRange.high}`);
    assert.ok(spec.lrRange.source.title.length > 0, `${spec.id}: lrRange source`);
    assert.ok(spec.caveats.length > 0 && spec.caveats.every((c) => c.source !== undefined), `${spec.id}: caveats with sources`);
    assert.ok(spec.spellings.length > 0, `${spec.id}: spellings`);
    assert.equal(getOptimizer(spec.id), spec);
    assert.deepEqual(defaultHyperparameters(spec.id), spec.defaults);
  }
});

test('no spelling is claimed for two different ids within one ecosystem', () => {
  const seen = new Map<string, string>();
  for (const s of listSpellings()) {
    const key = `${s.ecosystem}:${s.spelling.toLowerCase()}`;
    const prior = seen.get(key);
    assert.ok(prior === undefined || prior === s.id, `${key} claimed by ${prior} and ${s.id}`);
    seen.set(key, s.id);
  }
});

test('every listed spelling resolves, in its ecosystem and without params, to the id that lists it', () => {
  for (const s of listSpellings()) {
    const r = resolveOptimizer(s.spelling, {}, s.ecosystem);
    assert.equal(r?.id, s.id, `${s.ecosystem} ${s.spelling}`);
    assert.equal(r?.ecosystem, s.ecosystem);
  }
});

test('canonical ids resolve to themselves, case-insensitively', () => {
  for (const id of OPTIMIZER_IDS) {
    assert.equal(resolveOptimizer(id)?.id, id);
    assert.equal(resolveOptimizer(` ${id.toUpperCase()} `)?.ecosystem, 'id');
  }
  assert.equal(resolveOptimizer('not-an-optimizer'), undefined);
  assert.equal(resolveOptimizer('adamw_hf'), undefined, 'adamw_hf is no longer accepted by transformers Trainer');
  assert.equal(resolveOptimizer('adopt'), undefined, 'not in the catalog');
});

test('HF TrainingArguments.optim strings', () => {
  const expect: Record<string, string> = {
    adamw_torch: 'adamw', adamw_torch_fused: 'adamw', adamw_apex_fused: 'adamw', adafactor: 'adafactor',
    adamw_bnb_8bit: 'adamw-8bit', adamw_8bit: 'adamw-8bit', paged_adamw_8bit: 'paged-adamw-8bit', paged_adamw_32bit: 'adamw',
    lion_8bit: 'lion', lion_32bit: 'lion', paged_lion_8bit: 'lion', paged_lion_32bit: 'lion', sgd: 'sgd', adagrad: 'adagrad',
    rmsprop: 'rmsprop', rmsprop_bnb: 'rmsprop', rmsprop_bnb_8bit: 'rmsprop', rmsprop_bnb_32bit: 'rmsprop',
    galore_adamw: 'galore-adamw', galore_adamw_8bit: 'galore-adamw', schedule_free_adamw: 'schedule-free-adamw',
    adamw_torch_8bit: 'adamw-8bit', adamw_torch_4bit: 'adamw',
  };
  for (const [spelling, id] of Object.entries(expect)) assert.equal(resolveOptimizer(spelling, {}, 'hf')?.id, id, spelling);
  assert.equal(resolveOptimizer('galore_adafactor', {}, 'hf'), undefined, 'GaLore Adafactor is not an id of the catalog');
  assert.equal(resolveOptimizer('schedule_free_sgd', {}, 'hf'), undefined);
});

test('state bits, paging and the embedding override follow the spelling', () => {
  const v = (s: string) => resolveOptimizer(s)?.variant;
  assert.deepEqual([v('lion_8bit')?.stateBits, v('lion_8bit')?.paged, v('lion_8bit')?.embedding32bitOverride], [8, false, true]);
  assert.deepEqual([v('paged_lion_8bit')?.stateBits, v('paged_lion_8bit')?.paged], [8, true]);
  assert.deepEqual([v('paged_adamw_32bit')?.stateBits, v('paged_adamw_32bit')?.paged], [32, true]);
  assert.equal(v('adamw_bnb_8bit')?.embedding32bitOverride, true);
  assert.equal(v('bnb.optim.AdamW8bit')?.embedding32bitOverride, undefined);
  assert.equal(v('bnb.optim.Adam8bit')?.embedding32bitOverride, undefined);
  assert.equal(resolveOptimizer('bnb.optim.Adam8bit')?.id, 'adam');
  assert.equal(v('bnb.optim.Adam8bit')?.stateBits, 8);
  assert.equal(v('rmsprop_bnb_8bit')?.stateBits, 8);
  assert.equal(v('adamw_torch')?.stateBits, 32);
});

test('module prefixes and ecosystems: torch, bitsandbytes, keras, optax, timm, torchtune, others', () => {
  const cases: [string, string, string][] = [
    ['torch.optim.AdamW', 'adamw', 'pytorch'],
    ['AdamW', 'adamw', 'id'],
    ['torch.optim.RMSprop', 'rmsprop', 'pytorch'],
    ['torch.optim.Adafactor', 'adafactor', 'pytorch'],
    ['bnb.optim.PagedAdamW8bit', 'paged-adamw-8bit', 'bitsandbytes'],
    ['bitsandbytes.optim.AdamW8bit', 'adamw-8bit', 'bitsandbytes'],
    ['bitsandbytes.optim.PagedAdamW', 'adamw', 'bitsandbytes'],
    ['bitsandbytes.optim.Lion8bit', 'lion', 'bitsandbytes'],
    ['optax.adamw', 'adamw', 'optax'],
    ['optax.lion', 'lion', 'optax'],
    ['tf.keras.optimizers.AdamW', 'adamw', 'keras'],
    ['keras.optimizers.Adam', 'adam', 'keras'],
    ['keras.optimizers.Lamb', 'lamb', 'keras'],
    ['timm.optim.Lamb', 'lamb', 'timm'],
    ['galore_torch.GaLoreAdamW8bit', 'galore-adamw', 'other'],
    ['schedulefree.AdamWScheduleFree', 'schedule-free-adamw', 'other'],
    ['distributed_shampoo.distributed_shampoo.DistributedShampoo', 'shampoo', 'other'],
    ['muon.MuonWithAuxAdam', 'muon', 'other'],
    ['sophia.SophiaG', 'sophia', 'other'],
    ['came_pytorch.CAME', 'came', 'other'],
    ['adam_mini.Adam_mini', 'adam-mini', 'other'],
    ['soap.SOAP', 'soap', 'other'],
    ['lion_pytorch.Lion', 'lion', 'other'],
    ['nemo.core.optim.Novograd', 'novograd', 'other'],
    ['apex.optimizers.FusedAdam', 'adamw', 'other'],
    ['transformers.Adafactor', 'adafactor', 'other'],
  ];
  for (const [spelling, id, eco] of cases) {
    const r = resolveOptimizer(spelling);
    assert.equal(r?.id, id, spelling);
    assert.equal(r?.ecosystem, eco, spelling);
  }
  assert.equal(resolveOptimizer('torch.optim.AdamW', {}, 'torchtune')?.ecosystem, 'torchtune');
  assert.equal(resolveOptimizer('bitsandbytes.optim.PagedAdamW8bit', {}, 'torchtune')?.id, 'paged-adamw-8bit');
  assert.equal(resolveOptimizer('torch.optim.Adagrad', {}, 'torchtune')?.id, 'adagrad');
});

test('timm opt strings: "sgd" is Nesterov SGD, "momentum" is classic momentum', () => {
  assert.equal(resolveOptimizer('sgd', {}, 'timm')?.id, 'nesterov');
  assert.equal(resolveOptimizer('momentum', {}, 'timm')?.id, 'sgd-momentum');
  assert.equal(resolveOptimizer('sgd', { nesterov: false }, 'timm')?.id, 'sgd-momentum');
  assert.equal(resolveOptimizer('lambw', {}, 'timm')?.variant.decoupledWeightDecay, true);
  assert.equal(resolveOptimizer('bnbadamw8bit', {}, 'timm')?.variant.stateBits, 32, 'timm builds bnb AdamW without optim_bits');
});

test('DeepSpeed: "Adam" is AdamW unless adam_w_mode is false; unknown types fall back to torch.optim', () => {
  assert.equal(resolveOptimizer('Adam', {}, 'deepspeed')?.id, 'adamw');
  assert.equal(resolveOptimizer('adam', { adam_w_mode: true }, 'deepspeed')?.id, 'adamw');
  assert.equal(resolveOptimizer('Adam', { adam_w_mode: false }, 'deepspeed')?.id, 'adam');
  assert.equal(resolveOptimizer('Adam', { adam_w_mode: false })?.id, 'adam', 'adam_w_mode marks a DeepSpeed config');
  assert.equal(resolveOptimizer('Adam', { adam_w_mode: false })?.ecosystem, 'deepspeed');
  assert.equal(resolveOptimizer('AdamW', { adam_w_mode: false }, 'deepspeed')?.id, 'adamw', 'the AdamW name forces AdamW');
  assert.equal(impl(resolveOptimizer('Adam', {}, 'deepspeed')), 'fused');
  assert.equal(impl(resolveOptimizer('Adam', { torch_adam: true }, 'deepspeed')), undefined);
  assert.equal(resolveOptimizer('Lamb', {}, 'deepspeed')?.id, 'lamb');
  assert.equal(resolveOptimizer('SGD', { momentum: 0.9 }, 'deepspeed')?.id, 'sgd-momentum');
  assert.equal(resolveOptimizer('OneBitAdam', {}, 'deepspeed'), undefined, '1-bit Adam keeps error-feedback buffers the catalog does not model');
});

test('torch SGD params pick sgd / sgd-momentum / nesterov', () => {
  assert.equal(resolveOptimizer('SGD')?.id, 'sgd');
  assert.equal(resolveOptimizer('torch.optim.SGD', { momentum: 0 })?.id, 'sgd');
  assert.equal(resolveOptimizer('torch.optim.SGD', { momentum: 0.9 })?.id, 'sgd-momentum');
  assert.equal(resolveOptimizer('torch.optim.SGD', { momentum: 0.9, nesterov: true })?.id, 'nesterov');
  assert.equal(resolveOptimizer('keras.optimizers.SGD', { momentum: 0.9, nesterov: true })?.id, 'nesterov');
  assert.throws(() => resolveOptimizer('torch.optim.SGD', { nesterov: true }), InputError);
  assert.throws(() => resolveOptimizer('bnb.optim.SGD8bit', { momentum: 0 }), InputError);
  assert.equal(resolveOptimizer('bnb.optim.SGD8bit', { momentum: 0.9, nesterov: true })?.id, 'sgd-momentum', 'bitsandbytes ignores nesterov');
});

test('torch Adam/AdamW with amsgrad=True resolve to amsgrad, keeping the weight-decay style', () => {
  assert.equal(resolveOptimizer('torch.optim.Adam', { amsgrad: true })?.id, 'amsgrad');
  assert.equal(resolveOptimizer('torch.optim.Adam', { amsgrad: true })?.variant.decoupledWeightDecay, false);
  assert.equal(resolveOptimizer('torch.optim.AdamW', { amsgrad: 'True' })?.id, 'amsgrad');
  assert.equal(resolveOptimizer('torch.optim.AdamW', { amsgrad: true })?.variant.decoupledWeightDecay, true);
  assert.equal(resolveOptimizer('adam_w', {}), undefined);
});

test('bitsandbytes optim_bits / is_paged params', () => {
  assert.equal(resolveOptimizer('bnb.optim.AdamW', { optim_bits: 8 })?.id, 'adamw-8bit');
  assert.equal(resolveOptimizer('bnb.optim.AdamW', { optim_bits: 8, is_paged: true })?.id, 'paged-adamw-8bit');
  assert.equal(resolveOptimizer('bnb.optim.AdamW', { optim_bits: 32, is_paged: true })?.variant.paged, true);
  assert.equal(resolveOptimizer('bnb.optim.AdamW', { optim_bits: 32 })?.id, 'adamw');
  assert.equal(resolveOptimizer('bnb.optim.Lion', { optim_bits: 8 })?.variant.stateBits, 8);
  assert.equal(resolveOptimizer('AdamW', { optim_bits: 8 })?.id, 'adamw-8bit', 'optim_bits marks a bitsandbytes class');
  assert.throws(() => resolveOptimizer('bnb.optim.AdamW', { optim_bits: 4 }), InputError);
});

test('the catalog is keyed by id: each spec under its own id; the ids are its keys, in its order', () => {
  for (const [key, spec] of Object.entries(CATALOG)) assert.equal(spec.id, key);
  assert.deepEqual([...OPTIMIZER_IDS], Object.keys(CATALOG));
  assert.deepEqual(OPTIMIZERS.map((o) => o.id), [...OPTIMIZER_IDS]);
});

test('isOptimizerId accepts the catalog\'s ids only, not inherited names or near-misses', () => {
  for (const id of OPTIMIZER_IDS) assert.ok(isOptimizerId(id), id);
  for (const s of ['toString', 'constructor', '__proto__', 'AdamW', 'adamw ', '']) assert.ok(!isOptimizerId(s), JSON.stringify(s));
});
