/**
 * Copyable snippets for a recommendation in four ecosystems (PyTorch, Hugging Face Trainer,
 * DeepSpeed, optax), built from the catalog's spellings and the advisor's hyperparameters. An
 * ecosystem without a spelling for the optimizer gets no code, only the reason.
 */
import type { HyperparameterAdvice, Schedule, Warmup } from '../advisor/types';
import { getOptimizer } from '../optimizers';
import type { Ecosystem, OptimizerId } from '../optimizers/types';
import type { Citation, HyperValue } from '../types';
import { targetArguments } from './params';
import type { SnippetKind } from './snippet-kinds';
import { chooseSpelling, type ChosenSpelling } from './spelling';
import { formatNumber, formatValue, type WritableValue } from './values';


export type Snippet =
  | { readonly kind: SnippetKind; readonly language: 'python' | 'json'; readonly code: string }
  | { readonly kind: SnippetKind; readonly unavailable: string };

/** Python packages of the catalog's `other` spellings whose class takes `(params, **hyperparameters)`. */
export const THIRD_PARTY_MODULES: Readonly<Record<string, { readonly module: string; readonly pip: string; readonly source: Citation }>> = {
  Lion: { module: 'lion_pytorch', pip: 'lion-pytorch', source: { title: 'lucidrains/lion-pytorch README', url: 'https://github.com/lucidrains/lion-pytorch' } },
  Adafactor: { module: 'transformers.optimization', pip: 'transformers', source: { title: 'transformers optimization.py', url: 'https://github.com/huggingface/transformers/blob/ad1fc9639f2e7b6808a2ca982c0a9b3134d76ee8/src/transformers/optimization.py' } },
  SophiaG: { module: 'sophia', pip: 'Sophia (from its repository)', source: { title: 'Liuhong99/Sophia README', url: 'https://github.com/Liuhong99/Sophia' } },
  AdamWScheduleFree: { module: 'schedulefree', pip: 'schedulefree', source: { title: 'facebookresearch/schedule_free README', url: 'https://github.com/facebookresearch/schedule_free' } },
  CAME: { module: 'came_pytorch', pip: 'came-pytorch', source: { title: 'yangluo7/CAME README', url: 'https://github.com/yangluo7/CAME' } },
  SOAP: { module: 'soap', pip: 'SOAP (from its repository)', source: { title: 'nikhilvyas/SOAP README', url: 'https://github.com/nikhilvyas/SOAP' } },
};

const PY_MODULES: Partial<Record<Ecosystem, { readonly module: string; readonly importLine: string; readonly prefix: string }>> = {
  pytorch: { module: 'torch.optim', importLine: 'import torch', prefix: 'torch.optim' },
  bitsandbytes: { module: 'bitsandbytes.optim', importLine: 'import bitsandbytes as bnb', prefix: 'bnb.optim' },
};

function pyKwargs(values: Readonly<Record<string, WritableValue>>): string[] {
  return Object.entries(values).map(([k, v]) => `${k}=${formatValue(v, 'python', { key: k })}`);
}

function pyCall(callee: string, args: readonly string[]): string {
  return `${callee}(\n${args.map((a) => `    ${a},`).join('\n')}\n)`;
}

function caveatComments(target: OptimizerId): string[] {
  return getOptimizer(target).caveats.slice(0, 2).map((c) => `# note: ${c.text}`);
}

function scheduleComment(schedule: Schedule, warmup: Warmup | null): string {
  const w = warmup === null ? 'no warmup' : warmup.unit === 'ratio' ? `warmup over ${formatNumber(warmup.value * 100).replace(/\.0$/, '')}% of the steps` : `warmup over ${warmup.value} ${warmup.unit}`;
  return `# schedule: ${schedule.detail}; ${w}`;
}

/**
 * Snippets spell out the moment settings even when they equal the class's defaults, and DeepSpeed Muon's `adam_lr`
 * (the catalog's default for it is the reference implementation's, not DeepSpeed's).
 */
const SHOWN = new Set(['betas', 'eps', 'adam_lr']);

/**
 * The AdamW beside a class that takes only the hidden 2-D weights (torch.optim.Muon): the advice's `adam_*` values
 * under AdamW's own names (`adam_lr` → `lr`), the advised learning rate when it has no `adam_lr`.
 */
export function auxiliaryAdamwArguments(advice: HyperparameterAdvice): Record<string, WritableValue> {
  const out: Record<string, WritableValue> = {};
  const put = (key: string, value: HyperValue | undefined): void => {
    if (value !== null && value !== undefined) out[key] = value as WritableValue;
  };
  put('lr', advice.extra['adam_lr'] ?? advice.lr ?? undefined);
  put('betas', advice.extra['adam_betas']);
  put('eps', advice.extra['adam_eps']);
  put('weight_decay', advice.extra['adam_weight_decay'] ?? advice.weightDecay);
  return out;
}

/**
 * For a class that takes only the hidden 2-D weights (torch.optim.Muon), a config block that instantiates one
 * optimizer over all the model's parameters cannot express the split: comment lines saying what to do instead, with
 * the AdamW values for the other parameters (the block itself keeps only the class's own arguments).
 */
export function hiddenWeightsComment(chosen: ChosenSpelling, advice: HyperparameterAdvice, where: 'block' | 'call' = 'block'): string[] {
  const source = chosen.spelling.hiddenWeightsOnly;
  if (source === undefined) return [];
  const adamw = Object.entries(auxiliaryAdamwArguments(advice)).map(([k, v]) => `${k}=${formatValue(v, 'python', { key: k })}`).join(', ');
  return [
    `# torch.optim.${chosen.name} takes only the hidden 2-D weights (${source.url ?? source.title}):`,
    `# ${where === 'block' ? 'instantiate this block' : 'call it'} with those parameters only (not all of the model's), and the embeddings, the output head`,
    `# and 1-D gains/biases with torch.optim.AdamW(${adamw}), stepping both${where === 'block' ? '; a recipe that passes every' : ''}`,
    ...(where === 'block' ? ['# parameter to this one optimizer needs that change in its code.'] : []),
  ];
}

/** torch.optim's spelling of `target` when its class takes only the hidden 2-D weights (torch.optim.Muon), else null. */
export function hiddenWeightsSpelling(target: OptimizerId, advice: HyperparameterAdvice): ChosenSpelling | null {
  const chosen = chooseSpelling(target, 'pytorch', (c) => targetArguments(target, advice, c, SHOWN), { write: (n) => `torch.optim.${n}` });
  return chosen?.spelling.hiddenWeightsOnly !== undefined ? chosen : null;
}

/**
 * Two optimizers for a class that takes only the hidden 2-D weights: it gets the 2-D parameters outside embeddings
 * and the output head, AdamW the rest (KellerJordan/Muon README: embeddings, classifier heads and hidden gains/biases
 * go to AdamW; its split is by name, `model.embed_tokens.weight` and `lm_head.weight`, which the lines below make
 * nn.Embedding modules and `lm_head`, to be adjusted to the model).
 */
function hiddenWeightsSnippet(target: OptimizerId, advice: HyperparameterAdvice, chosen: ChosenSpelling, source: Citation): string {
  const name = getOptimizer(target).name;
  return [
    'import torch',
    '',
    `# torch.optim.${chosen.name} takes only the 2-D weights of hidden layers; embeddings, the output head and 1-D gains/biases`,
    `# go to an AdamW beside it (${source.url ?? source.title}).`,
    '# Hidden weights here: 2-D parameters outside nn.Embedding modules and the output head (named lm_head; adjust to the model).',
    'embedding_ids = {id(p) for m in model.modules() if isinstance(m, torch.nn.Embedding) for p in m.parameters()}',
    'hidden = [p for n, p in model.named_parameters() if p.ndim == 2 and id(p) not in embedding_ids and "lm_head" not in n]',
    'hidden_ids = {id(p) for p in hidden}',
    'others = [p for p in model.parameters() if id(p) not in hidden_ids]',
    `${name.toLowerCase().replace(/[^a-z0-9]+/g, '_')} = ${pyCall(`torch.optim.${chosen.name}`, ['hidden', ...pyKwargs(targetArguments(target, advice, chosen, SHOWN))])}`,
    `adamw = ${pyCall('torch.optim.AdamW', ['others', ...pyKwargs(auxiliaryAdamwArguments(advice))])}`,
    `optimizers = [${name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}, adamw]  # step() and zero_grad() both every iteration, each with its own scheduler`,
    scheduleComment(advice.schedule, advice.warmup),
  ].join('\n');
}

function pytorchSnippet(target: OptimizerId, advice: HyperparameterAdvice): Snippet {
  const params = (c: ChosenSpelling) => targetArguments(target, advice, c, SHOWN);
  for (const eco of ['pytorch', 'bitsandbytes'] as const) {
    const m = PY_MODULES[eco];
    if (m === undefined) continue;
    const chosen = chooseSpelling(target, eco, params, { write: (n) => `${m.module}.${n}` });
    if (chosen === null) continue;
    const hidden = chosen.spelling.hiddenWeightsOnly;
    if (hidden !== undefined) return { kind: 'pytorch', language: 'python', code: hiddenWeightsSnippet(target, advice, chosen, hidden) };
    const code = [m.importLine, '', ...caveatComments(target), `optimizer = ${pyCall(`${m.prefix}.${chosen.name}`, ['model.parameters()', ...pyKwargs(params(chosen))])}`, scheduleComment(advice.schedule, advice.warmup)];
    return { kind: 'pytorch', language: 'python', code: code.join('\n') };
  }
  const chosen = chooseSpelling(target, 'other', params, { write: (n) => `${THIRD_PARTY_MODULES[n]?.module ?? 'unknown'}.${n}` });
  const pkg = chosen === null ? undefined : THIRD_PARTY_MODULES[chosen.name];
  if (chosen === null || pkg === undefined) return { kind: 'pytorch', unavailable: `no importable PyTorch class for ${getOptimizer(target).name} is known here` };
  const code = [`# pip install ${pkg.pip}  (${pkg.source.url})`, `from ${pkg.module} import ${chosen.name}`, '', ...caveatComments(target), `optimizer = ${pyCall(chosen.name, ['model.parameters()', ...pyKwargs(params(chosen))])}`, scheduleComment(advice.schedule, advice.warmup)];
  return { kind: 'pytorch', language: 'python', code: code.join('\n') };
}

/**
 * TrainingArguments.lr_scheduler_type for an advised schedule (transformers SchedulerType), null when it has none.
 * `selfWarmup`: the optimizer warms up itself (Schedule-Free's warmup_steps, passed on by the Trainer), so the
 * scheduler stays constant.
 */
function hfScheduler(schedule: Schedule, warmup: Warmup | null, selfWarmup = false): string | null {
  switch (schedule.kind) {
    case 'cosine':
      return 'cosine';
    case 'linear':
      return 'linear';
    case 'constant':
    case 'relative-step':
      return warmup === null || selfWarmup ? 'constant' : 'constant_with_warmup';
    default:
      return null;
  }
}

function hfSnippet(target: OptimizerId, advice: HyperparameterAdvice): Snippet {
  const spec = getOptimizer(target);
  const chosen = chooseSpelling(target, 'hf', () => ({}), { resolveIn: 'hf' });
  const args: string[] = ['output_dir="out"'];
  if (chosen !== null) {
    args.push(`optim=${formatValue(chosen.name, 'python')}`);
    if (advice.lr !== null) args.push(`learning_rate=${formatNumber(advice.lr)}`);
    args.push(`weight_decay=${formatNumber(advice.weightDecay)}`);
    if (advice.betas !== null && advice.betas.length >= 2 && 'betas' in spec.defaults) {
      args.push(`adam_beta1=${formatNumber(advice.betas[0])}`, `adam_beta2=${formatNumber(advice.betas[1])}`);
    }
    if (typeof advice.eps === 'number' && 'eps' in spec.defaults) args.push(`adam_epsilon=${formatNumber(advice.eps)}`);
  }
  const sched = hfScheduler(advice.schedule, advice.warmup, 'warmup_steps' in advice.extra);
  if (sched !== null) args.push(`lr_scheduler_type="${sched}"`);
  if (advice.warmup?.unit === 'ratio') args.push(`warmup_ratio=${formatNumber(advice.warmup.value)}`);
  if (advice.warmup?.unit === 'steps') args.push(`warmup_steps=${advice.warmup.value}`);
  const trainingArgs = `args = ${pyCall('TrainingArguments', args)}`;
  const scheduleNote = sched === null || advice.warmup?.unit === 'epochs' ? [scheduleComment(advice.schedule, advice.warmup)] : [];
  if (chosen !== null) {
    return { kind: 'hf-trainer', language: 'python', code: ['from transformers import TrainingArguments', '', ...caveatComments(target), trainingArgs, ...scheduleNote].join('\n') };
  }
  const hidden = hiddenWeightsSpelling(target, advice);
  if (hidden !== null) {
    // Two optimizers (the class takes only the hidden weights) cannot be handed to the Trainer, which steps one.
    const source = hidden.spelling.hiddenWeightsOnly;
    const lines = [
      'from transformers import TrainingArguments',
      '',
      `# TrainingArguments has no optim string for ${spec.name} (transformers training_args.py OptimizerNames), and the Trainer steps`,
      `# one optimizer (Trainer(optimizers=(optimizer, scheduler))), while torch.optim.${hidden.name} takes only the hidden 2-D weights`,
      `# and needs an AdamW beside it (${source?.url ?? source?.title ?? 'torch.optim'}). So no argument here switches to ${spec.name}:`,
      '# build both optimizers as in the PyTorch change and step them in a training loop of your own, or subclass Trainer',
      '# and override create_optimizer() to return one optimizer holding both parts (the reference implementation,',
      `# ${spec.reference.title}, takes them as param groups, with its own update scale: its default lr`,
      `# ${typeof spec.defaults['lr'] === 'number' ? formatNumber(spec.defaults['lr']) : '(its own)'} for the hidden weights, not this lr).`,
      trainingArgs,
      ...scheduleNote,
    ];
    return { kind: 'hf-trainer', language: 'python', code: lines.join('\n') };
  }
  // No optim string: build the optimizer and hand it to the Trainer, which still builds the schedule from args.
  const torch = pytorchSnippet(target, advice);
  if (!('code' in torch)) return { kind: 'hf-trainer', unavailable: `TrainingArguments has no optim string for ${spec.name}, and ${torch.unavailable}` };
  const lines = [
    'from transformers import Trainer, TrainingArguments',
    torch.code,
    '',
    `# TrainingArguments has no optim string for ${spec.name}: the Trainer takes the optimizer and builds the schedule from args.`,
    trainingArgs,
    ...scheduleNote,
    'trainer = Trainer(model=model, args=args, optimizers=(optimizer, None))',
  ];
  return { kind: 'hf-trainer', language: 'python', code: lines.join('\n') };
}

function deepspeedSnippet(target: OptimizerId, advice: HyperparameterAdvice): Snippet {
  const params = (c: ChosenSpelling) => targetArguments(target, advice, c, SHOWN);
  // DeepSpeed maps its own type names and falls back to torch.optim classes (runtime/engine.py).
  const chosen = chooseSpelling(target, 'deepspeed', params, { resolveIn: 'deepspeed' }) ?? chooseSpelling(target, 'pytorch', params, { resolveIn: 'deepspeed' });
  if (chosen === null) return { kind: 'deepspeed', unavailable: `DeepSpeed has no optimizer type for ${getOptimizer(target).name}: create it in Python and pass it to deepspeed.initialize(optimizer=...)` };
  const values = params(chosen);
  const body = Object.entries(values).map(([k, v]) => `      ${JSON.stringify(k)}: ${formatValue(v, 'json', { key: k })}`);
  const code = ['{', '  "optimizer": {', `    "type": ${JSON.stringify(chosen.name)},`, '    "params": {', body.join(',\n'), '    }', '  }', '}'].join('\n');
  return { kind: 'deepspeed', language: 'json', code };
}

/**
 * optax optimizer functions and the arguments each takes besides `learning_rate`, under optax's
 * names (https://optax.readthedocs.io/en/latest/api/optimizers.html).
 */
const OPTAX_ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
  adam: ['b1', 'b2', 'eps'],
  adamw: ['b1', 'b2', 'eps', 'weight_decay'],
  amsgrad: ['b1', 'b2', 'eps'],
  lion: ['b1', 'b2', 'weight_decay'],
  lamb: ['b1', 'b2', 'eps', 'weight_decay'],
  novograd: ['b1', 'b2', 'eps', 'weight_decay'],
  sgd: ['momentum', 'nesterov'],
  adagrad: ['eps'],
  rmsprop: ['eps', 'momentum', 'centered'],
};

function optaxSnippet(target: OptimizerId, advice: HyperparameterAdvice): Snippet {
  const chosen = chooseSpelling(target, 'optax', (c) => targetArguments(target, advice, c, new Set()), { write: (n) => `optax.${n}`, resolveIn: 'optax' });
  const takes = chosen === null ? undefined : OPTAX_ARGUMENTS[chosen.name];
  if (chosen === null || takes === undefined) return { kind: 'optax', unavailable: `optax has no optimizer for ${getOptimizer(target).name}` };
  if (advice.lr === null) return { kind: 'optax', unavailable: `${getOptimizer(target).name} computes its own step size here; optax needs a learning rate` };
  const torchArgs = targetArguments(target, advice, chosen, new Set(['betas', 'eps', 'momentum', 'nesterov', 'centered']));
  const named: Record<string, WritableValue> = {};
  const betas = torchArgs['betas'];
  if (Array.isArray(betas)) {
    named['b1'] = betas[0];
    named['b2'] = betas[1];
  }
  for (const k of ['eps', 'momentum', 'nesterov', 'centered', 'weight_decay']) {
    const v = torchArgs[k];
    if (v !== undefined) named[k] = v;
  }
  const args = [`learning_rate=${formatNumber(advice.lr)}`, ...Object.entries(named).filter(([k]) => takes.includes(k)).map(([k, v]) => `${k}=${formatValue(v, 'python')}`)];
  let expr = pyCall(`optax.${chosen.name}`, args);
  if (!takes.includes('weight_decay') && advice.weightDecay > 0) {
    // torch adds weight_decay * param to the gradient (L2) for these optimizers; optax does that with add_decayed_weights first.
    expr = `optax.chain(\n    optax.add_decayed_weights(${formatNumber(advice.weightDecay)}),\n    ${expr.replace(/\n/g, '\n    ')},\n)`;
  }
  return { kind: 'optax', language: 'python', code: ['import optax', '', `optimizer = ${expr}`, scheduleComment(advice.schedule, advice.warmup)].join('\n') };
}

/** All four snippets for an optimizer and its advised hyperparameters. */
export function snippetsFor(target: OptimizerId, advice: HyperparameterAdvice): readonly Snippet[] {
  return [pytorchSnippet(target, advice), hfSnippet(target, advice), deepspeedSnippet(target, advice), optaxSnippet(target, advice)];
}
