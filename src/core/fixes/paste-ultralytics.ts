/**
 * The change to paste for an Ultralytics YOLO job, in the job's own arguments (README "Ultralytics YOLO"): `optimizer`,
 * `lr0`, `momentum`, `weight_decay` on the `yolo … train` line, as `.train(…)` keywords, or as cfg YAML keys.
 *
 * What Ultralytics builds (ultralytics/engine/trainer.py BaseTrainer.build_optimizer, at the commit cited in
 * ULTRALYTICS_BUILD_OPTIMIZER): the names Adam, Adamax, AdamW, NAdam, RAdam, RMSProp, SGD and auto (case-insensitive;
 * anything else raises NotImplementedError); the Adam family gets betas=(momentum, 0.999) and torch's default eps;
 * RMSProp gets momentum; SGD is always nesterov=True with momentum. The weight decay the optimizer gets is the typed
 * one times batch x accumulate / nbs (_setup_train), so the value written is the advice divided by the job's factor.
 * An optimizer Ultralytics does not build (Lion, 8-bit AdamW, heavy-ball SGD, ...) has no Ultralytics argument: the
 * caller gives the PyTorch line with ULTRALYTICS_CUSTOM_TRAINER's sentence.
 */
import type { HyperparameterAdvice } from '../advisor/types';
import { resolveJobSpelling } from '../current-optimizer';
import { getOptimizer } from '../optimizers';
import type { OptimizerId } from '../optimizers/types';
import type { Citation, HyperValue } from '../types';
import type { UltralyticsSyntax } from '../scan/results';
import type { PasteFormat } from './paste-formats';
import { sameValue } from './spelling';
import { formatValue, type ArgumentValue } from './values';

export const ULTRALYTICS_BUILD_OPTIMIZER: Citation = {
  title: 'Ultralytics BaseTrainer.build_optimizer (engine/trainer.py)',
  url: 'https://github.com/ultralytics/ultralytics/blob/3c5ac618ec954b0f238c8f4ae558dac6e7f9991b/ultralytics/engine/trainer.py',
  locator: 'optimizers = {"Adam", "Adamax", "AdamW", "NAdam", "RAdam", "RMSProp", "SGD", "auto"}; Adam family betas=(momentum, 0.999); RMSprop(momentum); SGD(momentum, nesterov=True); _setup_train: weight_decay * batch_size * accumulate / nbs',
};

/** The names build_optimizer accepts (other than auto), as Ultralytics spells them, with the torch.optim class each builds. */
const BUILT: readonly { readonly name: string; readonly torch: string }[] = [
  { name: 'SGD', torch: 'SGD' }, { name: 'Adam', torch: 'Adam' }, { name: 'AdamW', torch: 'AdamW' }, { name: 'NAdam', torch: 'NAdam' },
  { name: 'RAdam', torch: 'RAdam' }, { name: 'Adamax', torch: 'Adamax' }, { name: 'RMSProp', torch: 'RMSprop' },
];

/** The optimizer's hyperparameters as build_optimizer passes them, given the `momentum` argument. */
function builtParams(torch: string, momentum: number): Record<string, HyperValue> {
  if (torch === 'SGD') return { momentum, nesterov: true };
  if (torch === 'RMSprop') return { momentum };
  return { betas: [momentum, 0.999] };
}

/** The momentum argument for `target` from the advice: β1 for the Adam family, `momentum` otherwise (the catalog default when the advice has none). */
function momentumFor(target: OptimizerId, torch: string, advice: HyperparameterAdvice): number | null {
  const defaults = getOptimizer(target).defaults;
  if (torch === 'SGD' || torch === 'RMSprop') {
    const m = advice.extra['momentum'] ?? defaults['momentum'];
    return typeof m === 'number' ? m : null;
  }
  const betas = advice.betas ?? defaults['betas'];
  return Array.isArray(betas) && typeof betas[0] === 'number' ? betas[0] : null;
}

/** Six significant digits (the division by the trainer's factor leaves binary noise). */
function sig6(n: number): number {
  return Number(n.toPrecision(6));
}

/** The Ultralytics paste format of a job's syntax: the cfg YAML's keys when the optimizer is written there, else the call's. */
export function ultralyticsFormatOf(syntax: UltralyticsSyntax, optimizerPath: string | undefined): PasteFormat {
  if (optimizerPath !== undefined && /\.ya?ml$/i.test(optimizerPath)) return 'ultralytics-yaml';
  return syntax.style === 'cli' ? 'ultralytics-cli' : 'ultralytics-python';
}

/** The sentence for an optimizer Ultralytics does not build (written above the PyTorch line). */
export function ultralyticsCustomTrainer(target: OptimizerId): string {
  return `# Ultralytics' trainer does not build ${getOptimizer(target).name}: build_optimizer accepts SGD (Nesterov), Adam, Adamax, AdamW, NAdam, RAdam, RMSProp and auto only, so this needs a custom trainer (a DetectionTrainer subclass whose build_optimizer returns the optimizer below).`;
}

/** The arguments an Ultralytics job sets for `target`, with the notes on what Ultralytics fixes; null when it does not build `target`. */
export function ultralyticsArguments(target: OptimizerId, advice: HyperparameterAdvice, syntax: UltralyticsSyntax): { values: Record<string, ArgumentValue>; notes: string[] } | null {
  if (advice.lr === null) return null;
  for (const b of BUILT) {
    const momentum = momentumFor(target, b.torch, advice);
    if (momentum === null || (b.torch === 'SGD' && momentum <= 0)) continue;
    let id: OptimizerId | undefined;
    try {
      id = resolveJobSpelling(b.torch, builtParams(b.torch, momentum), 'pytorch')?.id;
    } catch {
      id = undefined;
    }
    if (id !== target) continue;
    const typed = sig6(advice.weightDecay / syntax.decayScale);
    const notes = [
      `weight_decay is the value typed: Ultralytics' trainer multiplies it by batch x accumulate / nbs (${sig6(syntax.decayScale)} for this job), so the optimizer gets ${sig6(typed * syntax.decayScale)}; biases and norm weights get none.`,
    ];
    if (b.torch !== 'SGD' && b.torch !== 'RMSprop') {
      notes.push(`momentum is beta1; Ultralytics fixes beta2 at 0.999${advice.betas !== null && advice.betas[1] !== undefined && advice.betas[1] !== 0.999 ? ` (the advice's beta2 ${advice.betas[1]} is not written)` : ''}.`);
    }
    const eps = getOptimizer(target).defaults['eps'];
    if (advice.eps !== null && eps !== undefined && !sameValue(advice.eps, eps)) notes.push(`Ultralytics keeps torch's eps (the advice's ${String(advice.eps)} is not written).`);
    const values: Record<string, ArgumentValue> = { optimizer: b.name, lr0: advice.lr, momentum, weight_decay: typed, ...recipeSchedule(advice, b.torch, notes) };
    return { values, notes };
  }
  return null;
}

/**
 * The schedule arguments of Ultralytics' own recipe (advisor/recipes.ts ULTRALYTICS_DETECTION, whose schedule states its
 * final fraction): `lrf`, `cos_lr` when the decay is a cosine, `warmup_epochs`, and for the Adam family the
 * `warmup_bias_lr` 0.0 that optimizer=auto sets for its AdamW (build_optimizer: "no higher than 0.01 for Adam"). Empty for
 * advice from any other recipe.
 */
function recipeSchedule(advice: HyperparameterAdvice, torch: string, notes: string[]): Record<string, ArgumentValue> {
  const lrf = advice.schedule.finalFraction;
  if (lrf === undefined) return {};
  const out: Record<string, ArgumentValue> = { lrf };
  if (advice.schedule.kind === 'cosine') out['cos_lr'] = true;
  out['warmup_epochs'] = advice.warmup?.unit === 'epochs' ? advice.warmup.value : 0;
  if (torch !== 'SGD' && torch !== 'RMSprop') {
    out['warmup_bias_lr'] = 0;
    notes.push("warmup_bias_lr is 0.0 as optimizer=auto sets it for its AdamW (the default 0.1 is \"no higher than 0.01 for Adam\" in build_optimizer).");
  }
  notes.push(`lrf and warmup_epochs: Ultralytics' recipe (${advice.schedule.detail}; warmup over ${out['warmup_epochs']} epochs).`);
  return out;
}

/** The paste in `format` (one of the three Ultralytics formats) for the arguments. */
export function ultralyticsCode(format: PasteFormat, values: Readonly<Record<string, ArgumentValue>>, notes: readonly string[]): { language: 'shell' | 'python' | 'yaml'; code: string } {
  const comments = notes.map((n) => `# ${n}`);
  const entries = Object.entries(values);
  if (format === 'ultralytics-yaml') return { language: 'yaml', code: [...comments, ...entries.map(([k, v]) => `${k}: ${formatValue(v, 'yaml', { key: k })}`)].join('\n') };
  if (format === 'ultralytics-cli') {
    // the CLI's values are read by smart_value: a bare name or number, as the yolo line writes them
    const args = entries.map(([k, v]) => `${k}=${typeof v === 'string' ? v : formatValue(v, 'python', { key: k })}`);
    return { language: 'shell', code: [...comments, `yolo train ... ${args.join(' ')}`].join('\n') };
  }
  return { language: 'python', code: [...comments, 'model.train(', "    ...,  # the call's other arguments", ...entries.map(([k, v]) => `    ${k}=${formatValue(v, 'python', { key: k })},`), ')'].join('\n') };
}
