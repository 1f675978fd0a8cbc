/**
 * Concrete hyperparameters per optimizer, derived from the job's published recipe (recipes.ts)
 * and the cited transfer rules (Lion from AdamW, Shampoo grafting from AdamW, ...). Optimizers
 * without a cited transfer rule use their reference implementation's defaults with the job's
 * warmup and schedule; the basis says which. Per-optimizer sources set their own values where they give
 * them (GaLore's scripts by model size, LAMB's BERT table by batch, Schedule-Free's warmup, Muon's weight
 * decay at scale), and every warmup is bounded by the job's total steps when they are known
 * (MAX_WARMUP_FRACTION; README "How the advice is derived").
 */
import type { OptimizerId } from '../optimizers/types';
import type { Citation, HyperValue, Hyperparameters } from '../types';
import { cite, type EvidenceId } from './evidence';
import { evaluate, render } from './predicate';
import {
  GALORE_BY_SIZE, LAMB_BERT_TABLE, MAX_WARMUP_FRACTION, MUON_WEIGHT_DECAY, RECIPES, SCHEDULE_FREE_WARMUP_RATIO, TORCH_ADAMW_DEFAULTS,
  type GaloreRow, type LambRow, type LrRow, type Recipe, type RecipeWarmup,
} from './recipes';
import type { HyperparameterAdvice, JobFacts, Reason, ReasonSource, Schedule, Warmup } from './types';

/** Lion: lr divided and weight decay multiplied by this factor, the low end of Chen et al.'s 3-10x (closest to the AdamW recipe, and lr x wd unchanged). */
export const LION_FACTOR = 3;
/** Schedule-Free AdamW: lr multiplier, the low end of the README's 1x-10x. */
export const SCHEDULE_FREE_LR_FACTOR = 1;
/** Shampoo epsilon and the grafting settings of the Distributed Shampoo README, Example 4 (AdamW). */
export const SHAMPOO_EPSILON = 1e-12;
export const SHAMPOO_MAX_PRECONDITIONER_DIM = 8192;
export const SHAMPOO_PRECONDITION_FREQUENCY = 100;
/**
 * Muon as scaled by Liu et al. 2025 (Moonlight): the update scaled to AdamW's RMS (torch.optim.Muon
 * adjust_lr_fn="match_rms_adamw"), so the AdamW learning rate carries over; its decay is recipes.ts MUON_WEIGHT_DECAY.
 */
export const MUON_ADJUST_LR_FN = 'match_rms_adamw';
/** LARS as SimCLR sets it: lr = 0.3 x global batch / 256, weight decay 1e-6 (Chen et al. 2020, Section 2.2). */
export const LARS_LR_PER_256 = 0.3;
export const LARS_WEIGHT_DECAY = 1e-6;
/** HF Adafactor docstring, recommended fine-tuning settings (fixed lr) and defaults. */
export const ADAFACTOR_FINETUNE_LR = 1e-3;
export const ADAFACTOR_EPS = [1e-30, 1e-3] as const;
export const ADAFACTOR_DECAY_RATE = -0.8;
export const ADAFACTOR_CLIP_THRESHOLD = 1.0;

/** What the catalog knows about an optimizer (its reference defaults and recommended lr range). */
export interface CatalogFacts {
  readonly defaults: Hyperparameters;
  /** The reference implementation the defaults come from. */
  readonly reference?: Citation;
  readonly lrRange?: { readonly low: number; readonly high: number; readonly source: Citation };
}

export function selectRecipe(facts: JobFacts): Recipe {
  const recipe = RECIPES.find((r) => evaluate(r.when, facts));
  if (!recipe) throw new Error('advisor: no recipe matched (the last recipe must always match)');
  return recipe;
}

/** The row nearest to `params` on a log scale (first row on ties). */
export function nearestRow(rows: readonly LrRow[], params: number): LrRow {
  let best = rows[0];
  let bestDistance = Infinity;
  for (const row of rows) {
    const d = Math.abs(Math.log(row.params) - Math.log(Math.max(params, 1)));
    if (d < bestDistance) {
      best = row;
      bestDistance = d;
    }
  }
  return best;
}

interface RecipeLrValue {
  readonly lr: number;
  /** Filled into the recipe text's `{row}`. */
  readonly row: string;
}

function recipeLr(recipe: Recipe, facts: JobFacts): RecipeLrValue {
  const lr = recipe.lr;
  switch (lr.kind) {
    case 'fixed':
      return { lr: lr.value, row: '' };
    case 'by-size': {
      const row = nearestRow(lr.rows, facts.params);
      return { lr: row.lr, row: `${row.label}: ${row.lr}` };
    }
    case 'linear-scaling':
      return {
        lr: (lr.value * facts.globalBatch) / lr.per,
        row: `${lr.value} x ${facts.globalBatch}/${lr.per}`,
      };
    case 'by-classes': {
      const classes = facts.detection?.classes.value ?? lr.defaultClasses;
      const scale = 10 ** lr.decimals;
      const value = Math.round((lr.numerator / (lr.offset + classes)) * scale) / scale;
      return { lr: value, row: `round(${lr.numerator} / (${lr.offset} + ${classes} classes), ${lr.decimals}) = ${value}` };
    }
  }
}

/** A value of the detection job with where it comes from: `written at file:line`, else default.yaml's. */
function detectionValue(key: string, v: { readonly value: number | boolean; readonly at: string | null }): string {
  const shown = typeof v.value === 'boolean' ? (v.value ? 'True' : 'False') : String(v.value);
  return `${key} ${shown} (${v.at === null ? "default.yaml's, assumed" : `the job's, ${noSlots(v.at)}`})`;
}

/** Text from the job's files, kept out of the recipe text's `{slot}` syntax. */
function noSlots(text: string): string {
  return text.replace(/[{}]/g, '');
}

/**
 * The recipe as the job runs it. An Ultralytics recipe takes the detection job's own values (README "Ultralytics YOLO"):
 * the weight decay the optimizer gets is the recipe's times batch x accumulate / nbs, the warmup is warmup_epochs, and the
 * schedule goes from lr0 to lr0 x lrf over the epochs, linearly or (cos_lr) by a cosine; any other recipe is as declared.
 */
export function forJob(recipe: Recipe, facts: JobFacts): Recipe {
  const d = facts.detection;
  if (recipe.ultralytics !== true || d === null) return recipe;
  const lrf = d.lrf.value;
  const over = `over the ${d.epochs.value} epochs`;
  const schedule: Schedule = d.cosLr.value
    ? { kind: 'cosine', detail: `cosine from lr0 to lr0 x lrf = lr0 x ${lrf} ${over} (cos_lr: one_cycle)`, finalFraction: lrf }
    : { kind: 'linear', detail: `linear decay from lr0 to lr0 x lrf = lr0 x ${lrf} ${over}`, finalFraction: lrf };
  const weightDecay = recipe.weightDecay * d.decayScale;
  const scaled = d.decayScale === 1 ? '' : `; weight_decay ${recipe.weightDecay} x ${noSlots(d.decayScaleFrom)} = ${Number(weightDecay.toPrecision(6))} reaches the optimizer`;
  const values = `${[detectionValue('lrf', d.lrf), detectionValue('cos_lr', d.cosLr), detectionValue('warmup_epochs', d.warmupEpochs)].join(', ')}: warmup over max(round(warmup_epochs x batches per epoch), 100) iterations, momentum from ${detectionValue('warmup_momentum', d.warmupMomentum)}, bias lr from ${detectionValue('warmup_bias_lr', d.warmupBiasLr)}${scaled}`;
  const text = `${recipe.text}; ${values}. The job is detection: ${noSlots(d.taskFrom)}.`;
  return {
    ...recipe,
    ...(recipe.optimizer === 'sgd' && recipe.adamw !== undefined ? { adamw: { ...recipe.adamw, text: `${recipe.adamw.text}; ${values}` } } : {}),
    weightDecay,
    warmup: d.warmupEpochs.value > 0 ? { unit: 'epochs', value: d.warmupEpochs.value } : null,
    schedule,
    text,
  };
}

function recipeWarmup(w: RecipeWarmup | null, facts: JobFacts): Warmup | null {
  if (w === null) return null;
  switch (w.unit) {
    case 'tokens':
      return { unit: 'steps', value: Math.ceil(w.value / (facts.globalBatch * facts.seqLen)) };
    case 'epochs-above-batch':
      return facts.globalBatch > w.above ? { unit: 'epochs', value: w.value } : null;
    default:
      return w;
  }
}

function warmupText(w: Warmup | null): string {
  if (w === null) return 'no warmup';
  if (w.unit === 'ratio') return `warmup over ${Math.round(w.value * 1000) / 10}% of the steps`;
  return `warmup over ${w.value} ${w.unit}`;
}

function reason(rule: string, text: string, evidence: readonly EvidenceId[]): Reason {
  return { rule: `hp:${rule}`, text, evidence: evidence.map(cite), score: 0 };
}

/** The AdamW values of the job: its recipe when that is an AdamW recipe, else torch's AdamW defaults. */
interface AdamWReference {
  readonly lr: number;
  readonly betas: readonly number[];
  readonly eps: number;
  readonly weightDecay: number;
  readonly warmup: Warmup | null;
  readonly schedule: Schedule;
  readonly basis: readonly Reason[];
}

function recipeBasis(recipe: Recipe, facts: JobFacts, row: string, warmup: Warmup | null): Reason {
  const what = render(recipe.text, { row });
  const tokens =
    recipe.warmup?.unit === 'tokens' && warmup
      ? ` The recipe's ${recipe.warmup.value.toExponential()} warmup tokens are ${warmup.value} steps at ${facts.globalBatch} x ${facts.seqLen} tokens per step.`
      : '';
  return reason(`recipe:${recipe.id}`, `${what}${tokens}`, recipe.evidence);
}

function adamwReference(recipe: Recipe, facts: JobFacts): AdamWReference {
  const warmup = recipeWarmup(recipe.warmup, facts);
  if (recipe.optimizer === 'adamw') {
    const { lr, row } = recipeLr(recipe, facts);
    return {
      lr,
      betas: recipe.betas,
      eps: recipe.eps,
      weightDecay: recipe.weightDecay,
      warmup,
      schedule: recipe.schedule,
      basis: [recipeBasis(recipe, facts, row, warmup)],
    };
  }
  if (recipe.adamw !== undefined) {
    const own = recipe.adamw;
    const { lr, row } = recipeLr({ ...recipe, lr: own.lr }, facts);
    return {
      lr,
      betas: own.betas,
      eps: own.eps,
      weightDecay: recipe.weightDecay,
      warmup,
      schedule: recipe.schedule,
      basis: [reason(`recipe:${recipe.id}:adamw`, `${render(own.text, { row })}; the recipe's weight decay, ${warmupText(warmup)} and ${recipe.schedule.detail}.`, [...new Set([...own.evidence, ...recipe.evidence])])],
    };
  }
  const d = TORCH_ADAMW_DEFAULTS;
  const { lr } = recipeLr(d, facts);
  return {
    lr,
    betas: d.betas,
    eps: d.eps,
    weightDecay: d.weightDecay,
    warmup,
    schedule: recipe.schedule,
    basis: [
      reason(
        `recipe:${d.id}`,
        `The job's published recipe (${recipe.id}) is for SGD; AdamW values are torch.optim.AdamW's defaults, keeping the recipe's ${warmupText(warmup)} and ${recipe.schedule.detail}.`,
        [...d.evidence, ...recipe.evidence],
      ),
    ],
  };
}

/** Reads lr/betas/eps/weight decay from a reference implementation's defaults; the rest goes to `extra`. */
function fromCatalog(defaults: Hyperparameters): {
  lr: number | null;
  betas: readonly number[] | null;
  eps: number | readonly number[] | null;
  weightDecay: number;
  extra: Record<string, HyperValue>;
} {
  const extra: Record<string, HyperValue> = {};
  let lr: number | null = null;
  let betas: readonly number[] | null = null;
  let eps: number | readonly number[] | null = null;
  let weightDecay = 0;
  const beta1 = defaults.beta1;
  const beta2 = defaults.beta2;
  for (const [key, value] of Object.entries(defaults)) {
    if (key === 'lr' && typeof value === 'number') lr = value;
    else if (key === 'betas' && Array.isArray(value)) betas = value as readonly number[];
    else if ((key === 'eps' || key === 'epsilon') && (typeof value === 'number' || Array.isArray(value))) eps = value as number | readonly number[];
    else if (key === 'weight_decay' && typeof value === 'number') weightDecay = value;
    else if ((key === 'beta1' || key === 'beta2') && typeof beta1 === 'number' && typeof beta2 === 'number') continue;
    else extra[key] = value;
  }
  if (betas === null && typeof beta1 === 'number' && typeof beta2 === 'number') betas = [beta1, beta2];
  return { lr, betas, eps, weightDecay, extra };
}

function rangeCheck(lr: number | null, catalog: CatalogFacts, optimizer: OptimizerId): Reason[] {
  const range = catalog.lrRange;
  if (lr === null || !range || (lr >= range.low && lr <= range.high)) return [];
  return [
    {
      rule: 'hp:outside-catalog-range',
      text: `The derived learning rate ${lr} is outside the range [${range.low}, ${range.high}] the catalog recommends for ${optimizer}; treat it as the start of a sweep.`,
      evidence: [{ id: `catalog:${optimizer}`, title: range.source.title, url: range.source.url, locator: range.source.locator, claim: `Recommended learning-rate range for ${optimizer}.` }],
      score: 0,
    },
  ];
}

export interface DerivationInput {
  readonly optimizer: OptimizerId;
  readonly facts: JobFacts;
  readonly catalog: CatalogFacts;
}

export interface DerivedHyperparameters {
  readonly advice: HyperparameterAdvice;
  /** Where each value comes from (`hp:` reasons). */
  readonly basis: readonly Reason[];
}

/** Advice plus its basis; `published` marks a learning rate taken from a published recipe as is. */
type Derived = HyperparameterAdvice & { readonly basis: readonly Reason[]; readonly published?: boolean };

/**
 * Hyperparameters for `optimizer` on this job, with the basis of each value. A learning rate that
 * is not a published recipe value is checked against the catalog's recommended range.
 */
export function deriveHyperparameters(i: DerivationInput): DerivedHyperparameters {
  const { basis, published, ...derived } = derive(i);
  const bound = boundWarmup(derived.warmup, i.facts);
  const advice: HyperparameterAdvice = bound.warmup === derived.warmup ? derived : withWarmup(derived, bound.warmup);
  const checked = published ? basis : [...basis, ...rangeCheck(advice.lr, i.catalog, i.optimizer)];
  return { advice, basis: bound.reason ? [...checked, bound.reason] : checked };
}

/** Advice with another warmup; a `warmup_steps` setting of the optimizer itself (Schedule-Free) follows it. */
function withWarmup(advice: HyperparameterAdvice, warmup: Warmup | null): HyperparameterAdvice {
  const extra = 'warmup_steps' in advice.extra && warmup?.unit === 'steps' ? { ...advice.extra, warmup_steps: warmup.value } : advice.extra;
  return { ...advice, warmup, extra };
}

/**
 * The warmup bounded by the job's length: never more than MAX_WARMUP_FRACTION of its total steps. A warmup in
 * steps is checked against the total steps when the job states them, and said to be unchecked when it does not;
 * a ratio is checked directly; a warmup in epochs cannot be compared without the steps per epoch.
 */
export function boundWarmup(warmup: Warmup | null, facts: JobFacts): { warmup: Warmup | null; reason: Reason | null } {
  if (warmup === null) return { warmup, reason: null };
  const total = facts.totalSteps ?? null;
  const pct = `${Math.round(MAX_WARMUP_FRACTION * 1000) / 10}%`;
  if (warmup.unit === 'ratio') {
    if (warmup.value <= MAX_WARMUP_FRACTION) return { warmup, reason: null };
    return {
      warmup: { unit: 'ratio', value: MAX_WARMUP_FRACTION },
      reason: reason('warmup-bound', `Warmup cut from ${warmupText(warmup)} to ${pct} of the steps, the longest warmup any cited recipe uses.`, ['advisor-warmup-bound', 'you-2020-lamb-table']),
    };
  }
  if (warmup.unit !== 'steps') return { warmup, reason: null };
  if (total === null) {
    return {
      warmup,
      reason: reason(
        'warmup-unchecked',
        `The job's total steps are unknown (${facts.totalStepsBasis ?? 'no max_steps, and epochs x dataset size are not both stated'}), so the warmup of ${warmup.value} steps could not be checked against the run's length; keep it under ${pct} of the steps.`,
        ['advisor-warmup-bound'],
      ),
    };
  }
  const limit = Math.max(1, Math.floor(total * MAX_WARMUP_FRACTION));
  if (warmup.value <= limit) return { warmup, reason: null };
  return {
    warmup: { unit: 'steps', value: limit },
    reason: reason(
      'warmup-bound',
      `Warmup cut from ${warmup.value} to ${limit} steps: at most ${pct} of the job's ${total} total steps${facts.totalStepsBasis ? ` (${facts.totalStepsBasis})` : ''}, the longest warmup any cited recipe uses.`,
      ['advisor-warmup-bound', 'you-2020-lamb-table'],
    ),
  };
}

/** What every derivation starts from. */
interface DerivationContext {
  readonly optimizer: OptimizerId;
  readonly facts: JobFacts;
  readonly catalog: CatalogFacts;
  readonly recipe: Recipe;
  readonly adamw: AdamWReference;
  /** The recipe's warmup for this job. */
  readonly warmup: Warmup | null;
}

type Derivation = (c: DerivationContext) => Derived;

/** AdamW and its variants take the AdamW reference as is (8-bit: no change, Dettmers et al. 2022). */
const adamFamily: Derivation = ({ optimizer, adamw }) => {
  const basis = [...adamw.basis];
  let weightDecay = adamw.weightDecay;
  const extra: Record<string, HyperValue> = {};
  if (optimizer === 'adam' && weightDecay !== 0) {
    weightDecay = 0;
    basis.push(
      reason(
        'adam-l2',
        'Adam\'s weight_decay is an L2 penalty, not equivalent to AdamW\'s decoupled decay, so the recipe\'s decay is not carried over; use adamw to keep it.',
        ['loshchilov-2019-adamw'],
      ),
    );
  }
  if (optimizer === 'amsgrad') extra.amsgrad = true;
  if (optimizer === 'adamw-8bit' || optimizer === 'paged-adamw-8bit') {
    basis.push(reason('8bit-same-hyperparameters', '8-bit states need no change of hyperparameters.', ['dettmers-2022-8bit']));
  }
  return { lr: adamw.lr, betas: adamw.betas, eps: adamw.eps, weightDecay, warmup: adamw.warmup, schedule: adamw.schedule, extra, basis, published: true };
};

/**
 * SGD family: the job's SGD recipe when it has one; else the first SGD recipe that holds for the job (a ConvNeXt's own
 * recipe is AdamW's, and SGD on it follows the CNN recipe of Goyal et al.); else the reference defaults.
 */
const sgdFamily: Derivation = (c) => {
  const { optimizer, facts } = c;
  const recipe = c.recipe.optimizer === 'sgd' ? c.recipe : RECIPES.find((r) => r.optimizer === 'sgd' && evaluate(r.when, facts));
  if (recipe === undefined || recipe.optimizer !== 'sgd') return referenceDefaults(c);
  const warmup = recipe === c.recipe ? c.warmup : recipeWarmup(recipe.warmup, facts);
  const { lr, row } = recipeLr(recipe, facts);
  const extra: Record<string, HyperValue> = { momentum: optimizer === 'sgd' ? 0 : recipe.momentum, nesterov: optimizer === 'nesterov' };
  const basis = [recipeBasis(recipe, facts, row, warmup)];
  if (optimizer === 'sgd') {
    basis.push(reason('plain-sgd', 'Plain SGD: the recipe\'s learning rate and decay without its momentum.', recipe.evidence));
  }
  return { lr, betas: null, eps: null, weightDecay: recipe.weightDecay, warmup, schedule: recipe.schedule, extra, basis, published: true };
};

const lion: Derivation = ({ adamw }) => ({
  lr: adamw.lr / LION_FACTOR,
  betas: [0.9, 0.99],
  eps: null,
  weightDecay: adamw.weightDecay * LION_FACTOR,
  warmup: adamw.warmup,
  schedule: adamw.schedule,
  extra: {},
  basis: [
    ...adamw.basis,
    reason(
      'lion-from-adamw',
      `Lion from AdamW: lr ${adamw.lr} / ${LION_FACTOR} and weight decay ${adamw.weightDecay} x ${LION_FACTOR} (the low end of the paper's 3-10x, keeping lr x weight decay unchanged); betas (0.9, 0.99) are Lion's defaults; same warmup and schedule as AdamW.`,
      ['chen-2023-lion-hyperparameters'],
    ),
  ],
});

const shampoo: Derivation = ({ adamw }) => ({
  lr: adamw.lr,
  betas: adamw.betas,
  eps: SHAMPOO_EPSILON,
  weightDecay: adamw.weightDecay,
  warmup: adamw.warmup,
  schedule: adamw.schedule,
  extra: {
    grafting_type: 'ADAM',
    grafting_epsilon: adamw.eps,
    grafting_beta2: adamw.betas[1],
    use_decoupled_weight_decay: true,
    max_preconditioner_dim: SHAMPOO_MAX_PRECONDITIONER_DIM,
    precondition_frequency: SHAMPOO_PRECONDITION_FREQUENCY,
  },
  basis: [
    ...adamw.basis,
    reason(
      'shampoo-grafting',
      'Shampoo with Adam grafting keeps the AdamW learning rate, schedule, betas and weight decay; epsilon 1e-12, grafting_epsilon = the AdamW eps, grafting_beta2 = beta2, max_preconditioner_dim 8192, precondition_frequency 100 as in the reference README.',
      ['shi-2023-distributed-shampoo'],
    ),
  ],
});

/**
 * Schedule-Free AdamW: the AdamW lr, no decay, and always a warmup (its authors recommend one): the recipe's
 * when it has one, else the fraction of the authors' AlgoPerf entry. The warmup is the optimizer's own
 * `warmup_steps` when it can be counted in steps.
 */
const scheduleFree: Derivation = ({ adamw, facts }) => {
  const own = adamw.warmup;
  const warmup: Warmup = own ?? { unit: 'ratio', value: SCHEDULE_FREE_WARMUP_RATIO };
  const total = facts.totalSteps ?? null;
  const steps = warmup.unit === 'steps' ? warmup.value : warmup.unit === 'ratio' && total !== null ? Math.max(1, Math.round(warmup.value * total)) : null;
  const warmupWhy = own
    ? `the recipe's ${warmupText(own)}`
    : `warmup over ${Math.round(SCHEDULE_FREE_WARMUP_RATIO * 1000) / 10}% of the steps (the recipe has none; the authors recommend warmup, and their AlgoPerf entry warms up over 0.02 x 0.75 of the step budget)`;
  return {
    lr: adamw.lr * SCHEDULE_FREE_LR_FACTOR,
    betas: adamw.betas,
    eps: adamw.eps,
    weightDecay: adamw.weightDecay,
    warmup: steps !== null ? { unit: 'steps', value: steps } : warmup,
    schedule: { kind: 'constant', detail: 'no decay: the optimizer replaces the schedule (call optimizer.train()/eval())' },
    extra: steps !== null ? ({ warmup_steps: steps } as Record<string, HyperValue>) : {},
    basis: [
      ...adamw.basis,
      reason(
        'schedule-free-from-adamw',
        `Schedule-Free AdamW: the AdamW learning rate x ${SCHEDULE_FREE_LR_FACTOR} (the low end of the reported 1x-10x), no decay schedule, and ${warmupWhy}${steps !== null ? `, given as the optimizer's warmup_steps=${steps}${warmup.unit === 'ratio' && facts.totalStepsBasis ? ` of the job's ${total} total steps (${facts.totalStepsBasis})` : ''}` : ` (total steps unknown${facts.totalStepsBasis ? `: ${facts.totalStepsBasis}` : ''}; set warmup_steps to that share of the run)`}.`,
        ['defazio-2024-schedule-free', 'schedule-free-warmup'],
      ),
    ],
  };
};

/** The LAMB table row nearest to the job's global batch on a log scale. */
export function nearestLambRow(batch: number): LambRow {
  return LAMB_BERT_TABLE.reduce((best, row) => (Math.abs(Math.log(row.batch / batch)) < Math.abs(Math.log(best.batch / batch)) ? row : best));
}

/**
 * LAMB from its BERT table: inside the table's batches (512-32K) the learning rate follows the table's own
 * square-root scaling from 5e-3 at 32K and the warmup its linear-epoch rule (1/5 of the steps at 32K, in
 * proportion to the batch); outside it, the nearest row's values. Other settings: the reference defaults.
 */
const lamb: Derivation = (c) => {
  const base = referenceDefaults(c);
  const batch = c.facts.globalBatch;
  const top = LAMB_BERT_TABLE[LAMB_BERT_TABLE.length - 1]!;
  const inside = batch >= LAMB_BERT_TABLE[0]!.batch && batch <= top.batch;
  const row = nearestLambRow(batch);
  const lr = inside ? top.lr * Math.sqrt(batch / top.batch) : row.lr;
  const ratio = inside ? top.warmupRatio * (batch / top.batch) : row.warmupRatio;
  const how = inside
    ? `square-root scaling from the table's 5e-3 at batch 32K (the rule the table uses): 5e-3 x sqrt(${batch}/32768) = ${Number(lr.toPrecision(3))}; warmup over ${Number((ratio * 100).toPrecision(3))}% of the steps (linear-epoch warmup: 1/5 at 32K, in proportion to the batch)`
    : `the batch ${batch} is outside the table's 512-32K, so the nearest row's values (batch ${row.batch}): lr ${Number(row.lr.toPrecision(3))}, warmup over ${Number((row.warmupRatio * 100).toPrecision(3))}% of the steps`;
  return {
    ...base,
    lr,
    warmup: { unit: 'ratio', value: ratio },
    basis: [
      ...base.basis,
      reason('lamb-bert-table', `LAMB from its BERT table (You et al., Table 3): ${how}; the recipe's absolute warmup is not carried over.`, ['you-2020-lamb-table']),
    ],
  };
};

/** The GaLore script of the LLaMA size nearest to the model (log scale). */
export function galoreRecipe(params: number): GaloreRow {
  return nearestRow(GALORE_BY_SIZE, params) as GaloreRow;
}

/** GaLore: rank, update_proj_gap, scale, lr and warmup of the reference script of the nearest model size. */
const galore: Derivation = (c) => {
  const base = referenceDefaults(c);
  const row = galoreRecipe(c.facts.params);
  return {
    ...base,
    lr: row.lr,
    weightDecay: 0,
    warmup: { unit: 'ratio', value: row.warmupRatio },
    extra: { ...base.extra, rank: row.rank, update_proj_gap: row.updateProjGap, scale: row.scale },
    basis: [
      reason(
        'galore-by-size',
        `GaLore's reference run of the nearest size (${row.label}, ${row.script}): rank ${row.rank}, update_proj_gap ${row.updateProjGap}, scale ${row.scale}, lr ${row.lr}, weight decay 0, warmup over ${row.warmupRatio * 100}% of the steps${row.optimizer !== 'galore_adamw' ? `; that run uses ${row.optimizer} (8-bit states, per-layer updates)` : ''}; betas and eps are the reference implementation's defaults, the schedule the job's recipe's (${c.recipe.schedule.detail}).`,
        ['galore-2024-scripts'],
      ),
    ],
    published: true,
  };
};

/**
 * The advised settings that shape an optimizer's state, passed to the estimator with a candidate that is not the
 * job's own optimizer (GaLore's rank sets the size of its projected states); empty for the others. The same
 * values the derivation advises (galoreRecipe).
 */
export function advisedStateSettings(optimizer: OptimizerId, params: number): Hyperparameters {
  if (optimizer !== 'galore-adamw') return {};
  const row = galoreRecipe(params);
  return { rank: row.rank, update_proj_gap: row.updateProjGap, scale: row.scale };
}

/** Muon from AdamW: Moonlight's update scale makes the AdamW learning rate Muon's; decay 0.1 for both parts. */
const muon: Derivation = ({ adamw }) => ({
  lr: adamw.lr,
  betas: null,
  eps: null,
  weightDecay: MUON_WEIGHT_DECAY,
  warmup: adamw.warmup,
  schedule: adamw.schedule,
  extra: {
    momentum: 0.95,
    adjust_lr_fn: MUON_ADJUST_LR_FN,
    adam_lr: adamw.lr,
    adam_betas: adamw.betas,
    adam_eps: adamw.eps,
    adam_weight_decay: MUON_WEIGHT_DECAY,
  },
  basis: [
    ...adamw.basis,
    reason(
      'muon-match-rms-adamw',
      `Muon as scaled by Liu et al. 2025: adjust_lr_fn="${MUON_ADJUST_LR_FN}" (each matrix's update scaled by 0.2*sqrt(max(A, B)), AdamW's update RMS) so the AdamW learning rate ${adamw.lr} is used as is, for the Muon matrices and the AdamW part alike; decoupled weight decay ${MUON_WEIGHT_DECAY} on both (the released code's default); momentum 0.95; the AdamW part keeps the recipe's betas and eps; same warmup and schedule as AdamW.`,
      ['liu-2025-muon-scalable'],
    ),
  ],
  published: true,
});

/**
 * LARS: SimCLR's published LARS setting, the learning rate scaled linearly with the global batch. Without
 * weight decay timm's Lars skips the trust ratio, so the decay is what makes it LARS.
 */
const lars: Derivation = ({ facts, recipe, warmup }) => {
  const lr = (LARS_LR_PER_256 * facts.globalBatch) / 256;
  return {
    lr,
    betas: null,
    eps: null,
    weightDecay: LARS_WEIGHT_DECAY,
    warmup,
    schedule: recipe.schedule,
    extra: { momentum: 0.9, trust_coeff: 0.001 },
    basis: [
      reason(
        'lars-simclr',
        `LARS as SimCLR sets it: lr ${LARS_LR_PER_256} x ${facts.globalBatch}/256 = ${lr}, weight decay ${LARS_WEIGHT_DECAY} (it turns the trust ratio on: timm's Lars adapts only tensors with decay), momentum 0.9, trust coefficient 0.001; biases and norms excluded (a no-decay group); the job's ${warmupText(warmup)} and ${recipe.schedule.detail}. SimCLR's task was contrastive pre-training: treat the rate as the start of a sweep.`,
        ['chen-2020-simclr-lars', 'you-2017-lars'],
      ),
    ],
  };
};

/** HF Adafactor: fixed lr with an external schedule for fine-tuning, the relative step from scratch. */
const adafactor: Derivation = ({ facts, recipe, warmup }) => {
  const common = { betas: null, eps: ADAFACTOR_EPS, weightDecay: 0 };
  const fixed = { decay_rate: ADAFACTOR_DECAY_RATE, clip_threshold: ADAFACTOR_CLIP_THRESHOLD, beta1: null };
  if (!facts.fineTune) {
    return {
      lr: null,
      ...common,
      warmup: null,
      schedule: { kind: 'relative-step', detail: 'internal relative step size, scaled by the parameter RMS (relative_step=True, scale_parameter=True)' },
      extra: { scale_parameter: true, relative_step: true, warmup_init: false, ...fixed },
      basis: [
        reason(
          'adafactor-relative-step',
          'Adafactor from scratch: the paper\'s relative step size and parameter scaling with update clipping (HF defaults: lr=None, relative_step=True, scale_parameter=True, clip_threshold=1.0, decay_rate=-0.8, no first moment).',
          ['shazeer-2018-update-clipping', 'hf-adafactor-docs'],
        ),
      ],
    };
  }
  const basis = [
    reason(
      'adafactor-finetune',
      `Adafactor for fine-tuning: fixed lr ${ADAFACTOR_FINETUNE_LR} with scale_parameter=False, relative_step=False, warmup_init=False (the settings the HF docs recommend), the job's ${warmupText(warmup)} and ${recipe.schedule.detail}.`,
      ['hf-adafactor-docs'],
    ),
  ];
  if (warmup === null) {
    basis.push(reason('adafactor-warmup', 'The HF docs advise against training Adafactor without LR warmup; the job\'s recipe has none, so add one.', ['hf-adafactor-docs']));
  }
  return {
    lr: ADAFACTOR_FINETUNE_LR,
    ...common,
    warmup,
    schedule: recipe.schedule,
    extra: { scale_parameter: false, relative_step: false, warmup_init: false, ...fixed },
    basis,
  };
};

/** No cited transfer rule: reference implementation defaults, the job's warmup and schedule. */
const referenceDefaults: Derivation = ({ optimizer, catalog, recipe, warmup }) => {
  const ref = fromCatalog(catalog.defaults);
  return {
    lr: ref.lr,
    betas: ref.betas,
    eps: ref.eps,
    weightDecay: ref.weightDecay,
    warmup,
    schedule: recipe.schedule,
    extra: ref.extra,
    basis: [
      {
        rule: 'hp:reference-defaults',
        text: `No published transfer rule from the job's recipe (${recipe.id}) to ${optimizer} is cited, so lr, betas, eps and weight decay are the reference implementation's defaults; warmup and schedule follow the recipe (${warmupText(warmup)}, ${recipe.schedule.detail}).`,
        evidence: [...referenceSource(catalog, optimizer), ...recipe.evidence.map(cite)],
        score: 0,
      },
    ],
  };
};

/** One derivation per optimizer with a cited transfer rule; the others use referenceDefaults. */
const DERIVATIONS: Partial<Record<OptimizerId, Derivation>> = {
  adamw: adamFamily,
  adam: adamFamily,
  amsgrad: adamFamily,
  'adamw-8bit': adamFamily,
  'paged-adamw-8bit': adamFamily,
  sgd: sgdFamily,
  'sgd-momentum': sgdFamily,
  nesterov: sgdFamily,
  lion,
  shampoo,
  'schedule-free-adamw': scheduleFree,
  adafactor,
  lamb,
  muon,
  lars,
  'galore-adamw': galore,
};

function derive(i: DerivationInput): Derived {
  const recipe = forJob(selectRecipe(i.facts), i.facts);
  const context: DerivationContext = {
    ...i,
    recipe,
    adamw: adamwReference(recipe, i.facts),
    warmup: recipeWarmup(recipe.warmup, i.facts),
  };
  return (DERIVATIONS[i.optimizer] ?? referenceDefaults)(context);
}

function referenceSource(catalog: CatalogFacts, optimizer: OptimizerId): ReasonSource[] {
  const ref = catalog.reference;
  if (!ref) return [];
  return [{ id: `catalog:${optimizer}`, title: ref.title, url: ref.url, locator: ref.locator, claim: `Default hyperparameters of ${optimizer}'s reference implementation.` }];
}
