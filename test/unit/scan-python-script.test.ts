/** Python training scripts: optimizers of every ecosystem, Trainer arguments, models, batch and precision hints. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveOptimizer } from '../../src/core/optimizers';
import { scanFiles } from '../../src/core/scan';
import type { ScanJob } from '../../src/core/scan/results';
import { on } from './scan-formats-helpers';

const scanPy = (text: string, path = 'train.py') => scanFiles([{ path, text }]);
const jobOf = (text: string): ScanJob => {
  const result = scanPy(text);
  assert.equal(result.jobs.length, 1, text);
  return result.jobs[0];
};
/** The catalog id the job's optimizer resolves to, with the job's ecosystem. */
const resolvedId = (job: ScanJob) => resolveOptimizer(job.settings.optimizer as string, job.settings.optimizerParams, job.optimizerEcosystem)?.id;

test('a torch optimizer call: spelling, learning rate from a constant, exact ranges', () => {
  const text = [
    'import torch',
    'from torch import optim',
    '',
    'LR = 3e-4',
    'model = torch.nn.Linear(4, 4)',
    'opt = optim.AdamW(model.parameters(), lr=LR, betas=(0.9, 0.95))',
  ].join('\n');
  const result = scanPy(text);
  const finding = result.findings[0];
  assert.equal(finding.kind, 'python-script');
  // line 6: `optim.AdamW` spans columns 7-17, `(0.9, 0.95)` 52-62; line 4 `LR = 3e-4`: 3e-4 at 6-9
  assert.deepEqual(finding.fields, [
    { name: 'optim.AdamW.lr', value: 3e-4, range: on(4, 6, 10) },
    { name: 'optim.AdamW', value: 'torch.optim.AdamW', range: on(6, 7, 18) },
    { name: 'optim.AdamW.betas', value: [0.9, 0.95], range: on(6, 52, 63) },
  ]);
  const job = result.jobs[0];
  assert.deepEqual(job.settings, { optimizer: 'torch.optim.AdamW', optimizerParams: { betas: [0.9, 0.95] }, learningRate: 3e-4 });
  assert.deepEqual(job.sources.optimizer, { path: 'train.py', range: on(6, 7, 18) });
  assert.deepEqual(job.sources.learningRate, { path: 'train.py', range: on(4, 6, 10) });
  assert.equal(job.optimizerEcosystem, 'pytorch');
  assert.equal(job.model, null);
});

test('optimizers of every ecosystem resolve to the catalog', () => {
  const cases: [string, string, string, number | undefined][] = [
    ['import bitsandbytes as bnb\nopt = bnb.optim.PagedAdamW8bit(model.parameters(), lr=2e-4)', 'bitsandbytes.optim.PagedAdamW8bit', 'paged-adamw-8bit', 2e-4],
    ['from transformers.optimization import Adafactor\nopt = Adafactor(model.parameters(), scale_parameter=False, relative_step=False, lr=1e-3)', 'transformers.optimization.Adafactor', 'adafactor', 1e-3],
    // transformers' own AdamW has AdamW's update and states
    ['from transformers import AdamW\nopt = AdamW(model.parameters(), lr=5e-5)', 'torch.optim.AdamW', 'adamw', 5e-5],
    ['import optax\ntx = optax.chain(optax.clip_by_global_norm(1.0), optax.adamw(learning_rate=1e-3, b1=0.9, weight_decay=1e-4))', 'optax.adamw', 'adamw', 1e-3],
    ['import optax\ntx = optax.sgd(0.1, momentum=0.9)', 'optax.sgd', 'sgd-momentum', 0.1],
    ['import tensorflow as tf\nopt = tf.keras.optimizers.Adam(learning_rate=1e-3)', 'tensorflow.keras.optimizers.Adam', 'adam', 1e-3],
    ['import keras\nopt = keras.optimizers.Lion(3e-5)', 'keras.optimizers.Lion', 'lion', 3e-5],
    ['from lion_pytorch import Lion\nopt = Lion(model.parameters(), lr=1e-4, weight_decay=1e-2)', 'lion_pytorch.Lion', 'lion', 1e-4],
    ['import torch.optim as O\nopt = O.SGD(model.parameters(), 0.1, momentum=0.9, nesterov=True)', 'torch.optim.SGD', 'nesterov', 0.1],
  ];
  for (const [text, spelling, id, lr] of cases) {
    const job = jobOf(text);
    assert.equal(job.settings.optimizer, spelling, text);
    assert.equal(resolvedId(job), id, text);
    assert.equal(job.settings.learningRate, lr, text);
  }
  const adafactor = jobOf(cases[1][0]);
  assert.deepEqual(adafactor.settings.optimizerParams, { scale_parameter: false, relative_step: false });
});

test('timm create_optimizer_v2 and Keras compile take optimizer names in their own ecosystem', () => {
  const timm = jobOf("import timm\nfrom timm.optim import create_optimizer_v2\nmodel = timm.create_model('resnet50', pretrained=True)\nopt = create_optimizer_v2(model, 'adamw', lr=5e-4, weight_decay=0.05)");
  assert.deepEqual([timm.settings.optimizer, timm.optimizerEcosystem, resolvedId(timm), timm.settings.learningRate, timm.settings.weightDecay], ['adamw', 'timm', 'adamw', 5e-4, 0.05]);
  assert.deepEqual(timm.model?.kind === 'hub-id' && timm.model.id, 'timm/resnet50');
  assert.equal(timm.settings.pretraining, false);
  // without opt, timm's default 'sgd' is its Nesterov SGD
  const sgd = jobOf('from timm.optim import create_optimizer_v2\nopt = create_optimizer_v2(model, lr=0.1)');
  assert.deepEqual([sgd.settings.optimizer, resolvedId(sgd)], ['sgd', 'nesterov']);
  assert.equal(sgd.sources.optimizer, undefined);
  assert.ok(sgd.defaults.some((d) => d.setting === 'optimizer' && d.key === 'opt' && /timm/.test(d.source.title)));

  const keras = jobOf('model.compile(optimizer="adam", loss="mse")\nmodel.fit(x, y, epochs=3, batch_size=64)');
  assert.deepEqual([keras.settings.optimizer, keras.optimizerEcosystem, resolvedId(keras), keras.settings.perDeviceBatchSize], ['adam', 'keras', 'adam', 64]);
});

test('models: torchvision, timm and from_pretrained give model references; pretrained weights mean fine-tuning', () => {
  const tv = jobOf('import torch, torchvision\nmodel = torchvision.models.resnet50(weights="IMAGENET1K_V2")\nopt = torch.optim.SGD(model.parameters(), lr=0.01)');
  // line 2: `torchvision.models.resnet50` spans columns 9-35
  assert.deepEqual(tv.model, { kind: 'hub-id', id: 'torchvision/resnet50', path: 'train.py', range: on(2, 9, 36) });
  assert.equal(tv.settings.pretraining, false);
  const scratch = jobOf('from torchvision.models import resnet18\nimport torch\nnet = resnet18(num_classes=10)\nopt = torch.optim.Adam(net.parameters())');
  assert.deepEqual([scratch.model?.kind === 'hub-id' && scratch.model.id, scratch.settings.pretraining], ['torchvision/resnet18', true]);
  const hf = jobOf([
    'from transformers import AutoModelForCausalLM, BitsAndBytesConfig',
    'from peft import LoraConfig',
    'import bitsandbytes as bnb',
    'MODEL_ID = "mistralai/Mistral-7B-v0.1"',
    'bnb_config = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4")',
    'model = AutoModelForCausalLM.from_pretrained(MODEL_ID, quantization_config=bnb_config)',
    'tokenizer = AutoTokenizer.from_pretrained(MODEL_ID)',
    'lora = LoraConfig(r=16, lora_alpha=32, target_modules=["q_proj", "v_proj"])',
    'opt = bnb.optim.PagedAdamW8bit(model.parameters(), lr=2e-4)',
  ].join('\n'));
  // the hub id is the constant's value, with its range: line 4 `MODEL_ID = "mistralai/Mistral-7B-v0.1"`,
  // the 25-character id in quotes at columns 12-38
  assert.deepEqual(hf.model, { kind: 'hub-id', id: 'mistralai/Mistral-7B-v0.1', path: 'train.py', range: on(4, 12, 39) });
  assert.deepEqual(hf.settings.lora, { rank: 16, targets: ['q_proj', 'v_proj'], qlora: true });
  assert.equal(hf.settings.pretraining, false);
  // LoraConfig without target_modules: PEFT picks them by model type (pending for a hub model)
  const pending = jobOf('from peft import LoraConfig\nimport torch\nLoraConfig(r=4)\nopt = torch.optim.AdamW(p)');
  assert.deepEqual([pending.pendingLora?.rank, pending.settings.lora], [4, undefined]);
});

test('TrainingArguments in Python: constants, defaults, a deepspeed path; an explicit optimizer replaces optim', () => {
  const text = [
    'from transformers import TrainingArguments, Trainer',
    'OUT = "out"',
    'BS = 8',
    'args = TrainingArguments(OUT, per_device_train_batch_size=BS, learning_rate=2e-5, bf16=True,',
    '                         deepspeed="configs/ds.json", gradient_accumulation_steps=GA)',
  ].join('\n');
  const result = scanFiles([
    { path: 'train.py', text },
    { path: 'configs/ds.json', text: JSON.stringify({ zero_optimization: { stage: 2 } }) },
  ]);
  const job = result.jobs[0];
  assert.deepEqual(job.files, ['configs/ds.json', 'train.py']);
  assert.deepEqual(
    [job.settings.optimizer, job.settings.perDeviceBatchSize, job.settings.learningRate, job.settings.precision, job.settings.zeroStage],
    ['adamw_torch', 8, 2e-5, 'bf16-mixed', 2],
  );
  // gradient_accumulation_steps is written (as an unknown name): neither a value nor the default
  assert.equal(job.settings.gradAccum, undefined);
  assert.ok(!job.defaults.some((d) => d.setting === 'gradAccum'));
  assert.ok(job.defaults.some((d) => d.setting === 'optimizer' && d.value === 'adamw_torch'));
  // `BS = 8` on line 3: the batch size's source is the constant
  assert.deepEqual(job.sources.perDeviceBatchSize, { path: 'train.py', range: on(3, 6, 7) });
  const script = result.findings.find((f) => f.path === 'train.py');
  assert.ok(script?.fields.some((f) => f.name === 'TrainingArguments.output_dir' && f.value === 'out'));

  const own = jobOf(`${text}\nimport torch\nopt = torch.optim.SGD(model.parameters(), lr=0.05)\ntrainer = Trainer(model, args, optimizers=(opt, None))`.replace(', deepspeed="configs/ds.json"', ''));
  assert.deepEqual([own.settings.optimizer, own.settings.learningRate, own.optimizerEcosystem], ['torch.optim.SGD', 0.05, 'pytorch']);
  assert.ok(!own.defaults.some((d) => d.setting === 'optimizer' || d.setting === 'learningRate'));
});

test('batch size from the training DataLoader; precision and checkpointing hints', () => {
  const loaders = jobOf([
    'import torch',
    'val_loader = DataLoader(val_set, batch_size=512)',
    'train_loader = DataLoader(train_set, batch_size=128, shuffle=True)',
    'opt = torch.optim.SGD(net.parameters(), lr=0.1)',
  ].join('\n'));
  assert.equal(loaders.settings.perDeviceBatchSize, 128);
  const positional = jobOf('import torch\nloader = torch.utils.data.DataLoader(ds, 64, shuffle=True)\nopt = torch.optim.Adam(p)');
  assert.equal(positional.settings.perDeviceBatchSize, 64);

  const precision = (extra: string) => jobOf(`import torch\nopt = torch.optim.AdamW(p)\n${extra}`).settings.precision;
  assert.equal(precision('with torch.autocast(device_type="cuda", dtype=torch.bfloat16):\n    pass'), 'bf16-mixed');
  // autocast on CUDA without a dtype is float16
  assert.equal(precision('with torch.cuda.amp.autocast():\n    pass'), 'fp16-mixed');
  assert.equal(precision('scaler = torch.cuda.amp.GradScaler()'), 'fp16-mixed');
  assert.equal(precision('from accelerate import Accelerator\nacc = Accelerator(mixed_precision="bf16")'), 'bf16-mixed');
  assert.equal(precision('from tensorflow.keras import mixed_precision\nmixed_precision.set_global_policy("mixed_bfloat16")'), 'bf16-mixed');
  assert.equal(precision(''), undefined);
  assert.equal(jobOf('import torch\nmodel.gradient_checkpointing_enable()\nopt = torch.optim.AdamW(p)').settings.gradientCheckpointing, true);

  const lightning = jobOf('import lightning as L\nimport torch\ntrainer = L.Trainer(devices=4, precision="bf16-mixed", strategy="deepspeed_stage_3", accumulate_grad_batches=2)\nopt = torch.optim.AdamW(p, lr=1e-4)');
  assert.deepEqual(
    [lightning.settings.gpus, lightning.settings.precision, lightning.settings.zeroStage, lightning.settings.gradAccum],
    [4, 'bf16-mixed', 3, 2],
  );
});

test('several optimizers: the first one counts and the others are reported', () => {
  const result = scanPy('import torch\nopt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))\nopt_d = torch.optim.Adam(D.parameters(), lr=1e-4)\n');
  assert.equal(result.jobs[0].settings.learningRate, 2e-4);
  assert.deepEqual(result.warnings.map((w) => [w.line, w.column]), [[3, 9]]);
  assert.match(result.warnings[0].message, /another optimizer \('torch\.optim\.Adam'\); the estimate uses the first one/);
});

test('not training scripts: optimizer names in strings and comments, models alone, unimported names', () => {
  const texts = [
    '"""Use torch.optim.Adam(params, lr=1e-3) for this."""\n# optimizer = torch.optim.SGD(model.parameters())\nprint("optim.SGD(x)")\n',
    'import torchvision\nmodel = torchvision.models.resnet50()\n',
    'class SGD:\n    pass\nopt = SGD(params)\n',
    'from torch.optim.lr_scheduler import StepLR\nsched = StepLR(opt, step_size=30)\n',
    'def create_optimizer(model):\n    pass\n',
  ];
  for (const text of texts) assert.deepEqual(scanPy(text).findings, [], text);
});

test('wrong-typed Trainer arguments are error findings; odd files never break the scan', () => {
  const bad = scanPy('from transformers import TrainingArguments\nargs = TrainingArguments("o", bf16="yes", learning_rate=1e-4)');
  // line 2 `args = TrainingArguments("o", bf16="yes", ...`: 7 + 17 + 1 + 3 + 2 + 5 characters before "yes"
  assert.deepEqual(bad.findings[0].error, { message: `'TrainingArguments.bf16' must be true or false, not a string ("yes")`, line: 2, column: 36 });
  assert.deepEqual(bad.jobs, []);
  const float = scanPy('from transformers import TrainingArguments\nTrainingArguments("o", per_device_train_batch_size=8.0)');
  assert.equal(float.findings[0].error?.message, "'TrainingArguments.per_device_train_batch_size' must be an integer, not 8.0");
  const odd = [
    `import torch\nopt = torch.optim.SGD(p, lr=${'('.repeat(3000)}`,
    `import torch\n${'x = 1; '.repeat(20000)}\nopt = torch.optim.Adam(p, lr=0.001)`,
    '\u0000\u0001import torch\u0000\nopt = torch.optim.Adam(p)',
    '\uFEFFimport torch\nopt = torch.optim.Adam(p, lr=0.01)',
  ];
  for (const text of odd) assert.doesNotThrow(() => scanPy(text));
  // a BOM is not counted in columns (as for JSON and YAML)
  const bom = scanPy(odd[3]);
  assert.deepEqual(bom.jobs[0].sources.learningRate?.range, on(2, 30, 34));
});

test('torch and transformers schedulers read as schedules: peak, warmup, decay steps; never a rejection', () => {
  const onecycle = jobOf('import torch\nopt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)\nsched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.4, pct_start=0.25, total_steps=9000)\n');
  assert.equal(onecycle.settings.learningRate, 0.4);
  assert.equal(onecycle.settings.warmupRatio, 0.25);
  assert.equal(onecycle.settings.maxSteps, 9000);
  assert.equal(onecycle.settings.scheduler, 'OneCycleLR');
  // line 3: `max_lr=0.4` -> 0.4 at columns 57-59 (8 + 35 + 1 + 5 + 7 characters before it)
  assert.deepEqual(onecycle.sources.learningRate, { path: 'train.py', range: on(3, 57, 60) });
  // pct_start unwritten: torch's default 0.3, an assumption naming the default
  const dflt = scanPy('import torch\nopt = torch.optim.SGD(p, lr=0.01)\ns = torch.optim.lr_scheduler.OneCycleLR(opt, 0.1, total_steps=100)\n').jobs[0];
  assert.equal(dflt.settings.learningRate, 0.1);
  assert.equal(dflt.settings.warmupRatio, 0.3);
  assert.equal(dflt.sources.warmupRatio, undefined);

  const hf = jobOf('import torch\nfrom transformers import get_cosine_schedule_with_warmup\nopt = torch.optim.AdamW(p, lr=5e-5)\ns = get_cosine_schedule_with_warmup(opt, num_warmup_steps=500, num_training_steps=20000)\n');
  assert.deepEqual([hf.settings.learningRate, hf.settings.warmupSteps, hf.settings.maxSteps, hf.settings.scheduler], [5e-5, 500, 20000, 'cosine']);
  const lin = jobOf('import torch, transformers\nopt = torch.optim.AdamW(p, lr=1e-4)\ns = transformers.get_linear_schedule_with_warmup(opt, 100, 1000)\n');
  assert.deepEqual([lin.settings.warmupSteps, lin.settings.maxSteps, lin.settings.scheduler], [100, 1000, 'linear']);

  const seq = jobOf([
    'import torch',
    'from torch.optim.lr_scheduler import LinearLR, CosineAnnealingLR, SequentialLR',
    'opt = torch.optim.AdamW(p, lr=3e-4, weight_decay=0.05)',
    'warm = LinearLR(opt, start_factor=0.01, total_iters=200)',
    'main = CosineAnnealingLR(opt, T_max=4800)',
    'sched = SequentialLR(opt, schedulers=[warm, main], milestones=[200])',
  ].join('\n'));
  assert.deepEqual([seq.settings.learningRate, seq.settings.warmupSteps, seq.settings.maxSteps, seq.settings.scheduler], [3e-4, 200, 4800, 'CosineAnnealingLR']);
  const warmOnly = jobOf('import torch\nopt = torch.optim.AdamW(p, lr=1e-3)\ns = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=50)\n');
  assert.deepEqual([warmOnly.settings.warmupSteps, warmOnly.settings.scheduler], [50, 'constant_with_warmup']);

  // LambdaLR: a function, not read; the file still forms its job with the optimizer's lr.
  const lambda = scanPy('import torch\nopt = torch.optim.AdamW(p, lr=2e-4)\ns = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: min(1.0, step / 100))\n');
  assert.equal(lambda.jobs.length, 1);
  assert.equal(lambda.jobs[0].settings.learningRate, 2e-4);
  assert.equal(lambda.jobs[0].settings.scheduler, undefined);
  assert.match((lambda.jobs[0].assumptions ?? []).join('\n'), /LambdaLR.*not readable statically/);
  // Values that are expressions: the lr is the optimizer's; nothing rejects the file.
  const expr = scanPy('import torch\nopt = torch.optim.SGD(p, lr=0.1)\ns = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, epochs=E, steps_per_epoch=len(dl))\n');
  assert.equal(expr.jobs.length, 1);
  assert.equal(expr.jobs[0].settings.learningRate, 0.1);
  assert.equal(expr.jobs[0].settings.maxSteps, undefined);
  // Hostile nesting stays bounded.
  const deep = `import torch\nfrom torch.optim.lr_scheduler import SequentialLR as S, LinearLR as L\nopt = torch.optim.SGD(p, lr=0.1)\ns = ${'S(opt, ['.repeat(40)}L(opt)${'], milestones=[1])'.repeat(40)}\n`;
  assert.equal(scanPy(deep).jobs.length, 1);
});

test('a class chosen by a conditional expression and called through its alias (DeepSpeed-Chat main.py)', () => {
  const text = [
    'import argparse',
    'from deepspeed.ops.adam import DeepSpeedCPUAdam, FusedAdam',
    'p = argparse.ArgumentParser()',
    'p.add_argument("--offload", action="store_true")',
    'p.add_argument("--dtype", type=str, default="fp16", choices=["fp16", "bf16"])',
    'p.add_argument("--zero_stage", type=int, default=0)',
    'p.add_argument("--lora_dim", type=int, default=0)',
    'args = p.parse_args()',
    'AdamOptimizer = DeepSpeedCPUAdam if args.offload else FusedAdam',
    'optimizer = AdamOptimizer(params, lr=1e-3, betas=(0.9, 0.95))',
  ].join('\n');
  const job = jobOf(text);
  assert.equal(job.settings.optimizer, 'deepspeed.ops.adam.FusedAdam');
  assert.equal(job.settings.learningRate, 1e-3);
  // --dtype's default picks DeepSpeed's fp16 section: line 5, "fp16" at columns 45-50 (15 + 9 + 2 + 8 + 2 + 8 characters before it)
  assert.equal(job.settings.precision, 'fp16-mixed');
  assert.deepEqual(job.sources.precision, { path: 'train.py', range: on(5, 45, 51) });
  // store_true with default True picks the first branch: DeepSpeedCPUAdam, which the catalog does not hold, so no optimizer is built
  assert.deepEqual(scanPy(text.replace('action="store_true")', 'action="store_true", default=True)')).jobs, []);
  // an unknown condition: no optimizer is claimed (and without one the file is no training program)
  assert.deepEqual(scanPy(text.replace('if args.offload', 'if use_cpu()').replace(/p\.add_argument\("--(dtype|zero_stage|lora_dim)".*\n/g, '')).jobs, []);
  // without the DeepSpeed-Chat options, --dtype is not read as the precision
  assert.equal(jobOf(text.replace(/p\.add_argument\("--(zero_stage|lora_dim)".*\n/g, '')).settings.precision, undefined);
  // a chain picks by each known condition; trailing operators make the value unknown
  assert.equal(jobOf('import torch\nAdamOpt = torch.optim.SGD if False else torch.optim.Adam if True else torch.optim.AdamW\nopt = AdamOpt(p, lr=0.1)').settings.optimizer, 'torch.optim.Adam');
  assert.deepEqual(scanPy('import torch\nAdamOpt = torch.optim.SGD if False else torch.optim.Adam or x\nopt = AdamOpt(p, lr=0.1)').jobs, []);
  // hostile: a long chain and aliases of aliases stay bounded
  const chain = `import torch\nAdamOpt = ${'torch.optim.SGD if False else '.repeat(20000)}torch.optim.Adam\nopt = AdamOpt(p, lr=0.1)`;
  assert.equal(jobOf(chain).settings.optimizer, 'torch.optim.Adam');
  const aliases = `import torch\nAdam0 = torch.optim.Adam\n${Array.from({ length: 50 }, (_, i) => `Adam${i + 1} = Adam${i}`).join('\n')}\nopt = Adam50(p, lr=0.1)\n`;
  assert.ok(scanPy(aliases).jobs.length <= 1);
});

test('values a script computes at run time are unknown, not wrong types: call results, None where a number goes, argparse defaults the script reassigns', () => {
  // SOURCE: unslothai/notebooks (Unsloth's fine-tuning notebooks), e.g. `bf16 = is_bf16_supported()` in TrainingArguments/SFTConfig.
  const unsloth = scanPy([
    'from transformers import TrainingArguments',
    'from unsloth import is_bf16_supported',
    'args = TrainingArguments(per_device_train_batch_size=2, learning_rate=2e-4, optim="adamw_8bit",',
    '    fp16=not is_bf16_supported(), bf16=is_bf16_supported(), output_dir="outputs")',
  ].join('\n'));
  assert.deepEqual(unsloth.findings.map((f) => f.error), [undefined]);
  assert.equal(unsloth.jobs.length, 1);
  assert.equal(unsloth.jobs[0].settings.learningRate, 2e-4);
  assert.equal(unsloth.jobs[0].settings.perDeviceBatchSize, 2);
  assert.ok(!unsloth.findings[0].fields.some((f) => f.name.endsWith('.bf16')), 'the call result is not read as a value');

  // SOURCE: sail-sg/Adan, CV/MAE/main_pretrain.py (after MAE): --lr defaults to None and is set from --blr at run time.
  const mae = scanPy([
    'import argparse, torch',
    'parser = argparse.ArgumentParser()',
    "parser.add_argument('--lr', type=float, default=None)",
    "parser.add_argument('--blr', type=float, default=1e-3)",
    'args = parser.parse_args()',
    'if args.lr is None:',
    '    args.lr = args.blr * 4096 / 256',
    'optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95))',
  ].join('\n'));
  assert.deepEqual(mae.findings.map((f) => f.error), [undefined]);
  assert.equal(mae.jobs.length, 1);
  assert.equal(mae.jobs[0].settings.optimizer, 'torch.optim.AdamW');
  assert.equal(mae.jobs[0].settings.learningRate, undefined);
  // without the reassignment the default is what the optimizer gets: None, which AdamW refuses — still reported
  const plain = scanPy([
    'import argparse, torch',
    'parser = argparse.ArgumentParser()',
    "parser.add_argument('--lr', type=float, default=0.01)",
    'args = parser.parse_args()',
    'optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)',
  ].join('\n'));
  assert.equal(plain.jobs[0].settings.learningRate, 0.01);

  // SOURCE: jiaweizzhao/GaLore, torchrun_main.py: the dataset yields batches, so the DataLoader gets batch_size=None.
  const galore = scanPy([
    'import torch',
    'dataloader = torch.utils.data.DataLoader(dataset, batch_size=None, num_workers=8)',
    'optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)',
  ].join('\n'));
  assert.deepEqual(galore.findings.map((f) => f.error), [undefined]);
  assert.equal(galore.jobs[0].settings.perDeviceBatchSize, undefined);
});

test('JSON keeps its types checked: a call-like object or null where a number goes is still an error there', () => {
  const result = scanFiles([{ path: 'ds_config.json', text: '{"train_micro_batch_size_per_gpu": null, "zero_optimization": {"stage": 2}}' }]);
  assert.match(result.findings[0]?.error?.message ?? '', /'train_micro_batch_size_per_gpu' must be an integer, not null/);
});
