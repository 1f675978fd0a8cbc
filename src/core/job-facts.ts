/**
 * The facts the advice uses for one job, each with where it came from: a file range, the job's
 * launch script, the model config it was counted from, a value given by hand, or an assumption
 * that names the default it stands for. One declaration of the fact list (JOB_FACT_NAMES), used
 * by `recommend --json`, the CLI table, the hover and the sidebar. A fact the model's family does
 * not have (sequence length for a CNN, image size for a text model; the LoRA rank without LoRA) is
 * absent, never invented; the vocabulary size is a fact of its own only for a model the job's script
 * builds from its globals (nanoGPT's, read from the dataset's meta.pkl). Pure.
 */
import type { AdvisorResult, Warmup } from './advisor/types';
import type { EstimateInput } from './memory/types';
import { resolveCurrentOptimizer } from './current-optimizer';
import { modelRefText, type JobModel } from './model-source';
import { countParams } from './models';
import type { DefaultedSetting, ScanJob } from './scan/results';
import type { SourceRange } from './scan/types';
import type { HyperValue } from './types';

/** Every fact, in the order they are shown. */
export const JOB_FACT_NAMES = [
  'model', 'task', 'parameters', 'vocabSize', 'microBatch', 'gradAccum', 'gpus', 'nodes', 'precision', 'loadDtype', 'zeroStage', 'fsdp',
  'offload', 'adapter', 'loraRank', 'optimizer', 'lr', 'weightDecay', 'warmup', 'seqLen', 'imageSize',
] as const;
export type JobFactName = (typeof JOB_FACT_NAMES)[number];

/** Short labels for tables and hovers. */
export const JOB_FACT_LABELS: Readonly<Record<JobFactName, string>> = {
  model: 'model', task: 'task', parameters: 'parameters', vocabSize: 'vocabulary', microBatch: 'micro-batch', gradAccum: 'grad accumulation', gpus: 'GPUs',
  nodes: 'nodes', precision: 'precision', loadDtype: 'load dtype', zeroStage: 'ZeRO stage', fsdp: 'FSDP', offload: 'offload',
  adapter: 'adapter', loraRank: 'LoRA rank', optimizer: 'optimizer', lr: 'learning rate', weightDecay: 'weight decay',
  warmup: 'warmup', seqLen: 'sequence length', imageSize: 'image size',
};

export type FactSource =
  /** Written in a file of the job (config, script). */
  | { readonly kind: 'file'; readonly path: string; readonly range: SourceRange }
  /** Written in the job's launch script (its values override the configs': the command line wins). */
  | { readonly kind: 'launcher'; readonly path: string; readonly range: SourceRange }
  /** Counted from the model config (`origin`: workspace, local-path, hf-cache, hub, preset, preset-alias). */
  | { readonly kind: 'model-config'; readonly origin: string; readonly location: string }
  /** Given by hand (a CLI flag, a sidebar toggle), over the job's own value. */
  | { readonly kind: 'given'; readonly reason: string }
  /** Not in the user's files: what was assumed and why (a framework default names the default). */
  | { readonly kind: 'assumption'; readonly reason: string };

export type FactValue = HyperValue | Warmup;

export interface JobFact {
  readonly value: FactValue;
  readonly source: FactSource;
}

export type JobFacts = Partial<Readonly<Record<JobFactName, JobFact>>>;

export interface JobFactInputs {
  readonly job: ScanJob;
  readonly model: JobModel;
  readonly result: AdvisorResult;
  /** The estimator input every candidate shares (the current optimizer's, else the family default's). */
  readonly estimate: EstimateInput | null;
  /** Estimator inputs given by hand, by key (`batchSize`, `seqLen`, ...), with how they were given. */
  readonly given: Readonly<Record<string, string>>;
  /** The optimizer the job uses, resolved (catalog id), when it is known. */
  readonly currentOptimizer: { readonly id: string; readonly spelling: string } | null;
  /** The model was chosen by the user for a job without one (no file names it). */
  readonly modelChosen?: boolean;
}

function formatValue(value: FactValue): string {
  if (value === null) return 'none';
  if (typeof value === 'object' && !Array.isArray(value)) {
    const w = value as Warmup;
    return w.unit === 'ratio' ? `${w.value} of the steps` : `${w.value} ${w.unit}`;
  }
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}

/** One line of a fact with its source, e.g. `micro-batch 128 — assumed: timm's default batch size 128`. */
export function describeFact(name: JobFactName, fact: JobFact): string {
  return `${JOB_FACT_LABELS[name]} ${formatValue(fact.value)} — ${describeSource(fact.source)}`;
}

export function formatFactValue(fact: JobFact): string {
  return formatValue(fact.value);
}

export function describeSource(source: FactSource): string {
  switch (source.kind) {
    case 'file':
      return `${source.path}:${source.range.line}:${source.range.column}`;
    case 'launcher':
      return `launcher ${source.path}:${source.range.line}:${source.range.column}`;
    case 'model-config':
      return `counted from the model config (${source.origin} ${source.location})`;
    case 'given':
      return `given: ${source.reason}`;
    case 'assumption':
      return `assumed: ${source.reason}`;
  }
}

/** Does the model take token sequences, images, or both? */
function inputsOf(result: AdvisorResult): { tokens: boolean; images: boolean } {
  const stacks = result.facts.stacks;
  if (stacks === 'cnn' || stacks === 'diffusion') return { tokens: false, images: true };
  if (stacks === 'vision') return { tokens: false, images: true };
  if (stacks === 'multimodal') return { tokens: true, images: true };
  return { tokens: true, images: false };
}

function defaultReason(d: DefaultedSetting): string {
  // A value written as null leaves the setting to the tool (torchtune's max_seq_len: null).
  if (d.value === null) return `${d.key} is null${d.note ? ` (${d.note}; ${d.source.title})` : ` (${d.source.title})`}`;
  const value = Array.isArray(d.value) ? `[${d.value.join(', ')}]` : JSON.stringify(d.value);
  return `not written: ${d.source.title}'s default ${d.key} = ${value}${d.note ? ` (${d.note})` : ''}`;
}

/** The catalog entries whose defaults are a torch.optim class's (their reference is that class's source). */
const TORCH_OPTIM_REFERENCE = /github\.com\/pytorch\/pytorch\/blob\/[^/]+\/torch\/optim\//;

/**
 * A hyperparameter the job leaves unwritten when its files build a torch.optim class by name (a Python call, a
 * `class_path`, a torchtune `_component_`): the class's own default, an assumption citing the class. Null for any other
 * optimizer (HF Trainer strings and DeepSpeed types carry their tool's defaults in the scan).
 */
function torchClassDefault(job: ScanJob, key: string): JobFact | null {
  const cur = resolveCurrentOptimizer(job);
  if (cur.kind !== 'resolved' || cur.provenance.kind !== 'written') return null;
  const r = cur.resolved;
  const torchClass = r.ecosystem === 'pytorch' || /^torch\.optim\./.test(r.spelling);
  const value = r.spec.defaults[key];
  if (!torchClass || !TORCH_OPTIM_REFERENCE.test(r.spec.reference.url ?? '') || typeof value !== 'number') return null;
  return { value, source: { kind: 'assumption', reason: `not written: ${r.spec.reference.title}'s default ${key} = ${value}` } };
}

export function jobFacts(i: JobFactInputs): JobFacts {
  const { job, result } = i;
  const s = job.settings;
  const launchers = new Set(job.launchers ?? []);
  const out: Partial<Record<JobFactName, JobFact>> = {};

  /** The source of a setting written in a file of the job (first key that has one). */
  const written = (...keys: string[]): FactSource | null => {
    for (const key of keys) {
      const src = job.sources[key];
      if (src !== undefined) return { kind: launchers.has(src.path) ? 'launcher' : 'file', path: src.path, range: src.range };
    }
    return null;
  };
  const defaulted = (setting: string): FactSource | null => {
    const d = job.defaults.find((x) => x.setting === setting);
    return d === undefined ? null : { kind: 'assumption', reason: defaultReason(d) };
  };
  const given = (key: string): FactSource | null => {
    const how = i.given[key];
    return how === undefined ? null : { kind: 'given', reason: how };
  };
  /** Given by hand, else written, else a tool default the scan knows, else the fallback assumption. */
  const put = (name: JobFactName, value: FactValue, keys: { given?: string; settings: readonly string[] }, fallback: string) => {
    const source =
      (keys.given !== undefined ? given(keys.given) : null) ??
      written(...keys.settings) ??
      keys.settings.map(defaulted).find((x) => x !== null) ??
      ({ kind: 'assumption', reason: fallback } as const);
    out[name] = { value, source };
  };

  // Model and its parameter count.
  const ref = job.model;
  const origin = i.model.origin ?? { kind: 'workspace', location: i.model.source };
  if (ref !== null) {
    const value = modelRefText(ref);
    const source: FactSource =
      ref.kind === 'config-file'
        ? { kind: 'file', path: ref.path, range: { line: 1, column: 1, endLine: 1, endColumn: 1 } }
        : { kind: launchers.has(ref.path) ? 'launcher' : 'file', path: ref.path, range: ref.range };
    out.model = { value, source };
  } else {
    out.model = {
      value: i.model.source,
      source: i.modelChosen === true ? { kind: 'given', reason: 'model chosen by the user' } : { kind: 'assumption', reason: 'no file of the job names a model' },
    };
  }
  // The model's own parameters (tied tensors once), as a checkpoint's index counts them: LoRA adapters not included.
  const counted = countParams(i.model.inventory).total;
  out.parameters = {
    value: counted,
    source:
      i.model.approximate === true || origin.kind === 'preset-alias'
        ? { kind: 'assumption', reason: `counted from ${origin.kind === 'preset-alias' ? `the bundled preset ${origin.location}, standing in for the named model` : `an approximate inventory of ${origin.location}`}` }
        : { kind: 'model-config', origin: origin.kind, location: origin.location },
  };

  // The vocabulary of a model the script builds (nanoGPT: the dataset's meta.pkl, else its default).
  if (ref?.kind === 'script-config' && ref.vocab !== undefined) {
    const v = ref.vocab;
    out.vocabSize = {
      value: v.value,
      source: 'source' in v ? { kind: launchers.has(v.source.path) ? 'launcher' : 'file', path: v.source.path, range: v.source.range } : { kind: 'assumption', reason: v.assumption },
    };
  }

  const e = i.estimate;
  const facts = result.facts;
  put('microBatch', facts.microBatch, { given: 'batchSize', settings: ['perDeviceBatchSize'] }, `no file states a micro-batch: the estimator's default ${facts.microBatch}`);
  put('gradAccum', e?.gradAccum ?? s.gradAccum ?? 1, { given: 'gradAccum', settings: ['gradAccum'] }, 'no file states gradient accumulation: 1 (none)');
  put('gpus', facts.gpus, { given: 'gpus', settings: ['gpus'] }, 'one GPU: nothing launches several');
  put('nodes', s.nodes ?? 1, { settings: ['nodes'] }, 'one node: nothing launches several');
  put('precision', facts.precision, { given: 'precision', settings: ['precision'] }, `no file states the precision: ${facts.precision} assumed (the estimator's default, as HF Trainer's --bf16)`);
  const base = result.baseDtype;
  put('loadDtype', base.dtype, { given: 'loadDtype', settings: ['loadDtype'] }, base.reason);
  if (out.loadDtype?.source.kind === 'assumption' && base.source !== 'assumed') {
    // Not written by the job, but decided by the model config or the precision mode.
    out.loadDtype = { value: base.dtype, source: base.source === 'config' ? { kind: 'model-config', origin: origin.kind, location: origin.location } : { kind: 'assumption', reason: base.reason } };
  }
  // LLM.int8 base weights (load_in_8bit): the linear layers are stored in int8 whatever the load dtype.
  const int8 = e?.lora?.int8 === true || s.lora?.int8 === true;
  if (int8) put('loadDtype', 'int8', { given: 'loadDtype', settings: ['lora.int8', 'lora'] }, 'LLM.int8 base weights');
  put('zeroStage', facts.zeroStage, { given: 'zeroStage', settings: ['zeroStage'] }, 'no DeepSpeed or FSDP config: no sharding (stage 0)');
  if (s.fsdp !== undefined) out.fsdp = { value: true, source: written('fsdp') ?? { kind: 'assumption', reason: 'FSDP sharding' } };
  else out.fsdp = { value: false, source: { kind: 'assumption', reason: 'no file configures FSDP' } };
  put('offload', e?.offload ?? s.offload ?? 'none', { given: 'offload', settings: ['offload'] }, 'no file offloads to the CPU');

  const lora = e?.lora ?? (s.lora ? { rank: s.lora.rank, qlora: s.lora.qlora } : null);
  const adapter = lora === null ? 'none' : lora.qlora ? 'qlora' : 'lora';
  put('adapter', adapter, { given: 'lora', settings: adapter === 'qlora' ? ['lora.qlora', 'lora', 'lora.rank'] : adapter === 'lora' ? ['lora', 'lora.rank'] : ['adapter'] }, 'no file configures LoRA: full fine-tuning or training');
  if (lora !== null) {
    // The rank's own key, else the tool's default rank, else where LoRA was switched on.
    const source = given('lora') ?? written('lora.rank') ?? defaulted('lora.rank') ?? written('lora') ?? { kind: 'assumption', reason: `the rank ${lora.rank} was not written` };
    out.loraRank = { value: lora.rank, source };
  }

  // The optimizer and its hyperparameters, as the job states them.
  const cur = i.currentOptimizer;
  if (cur !== null) put('optimizer', cur.id, { settings: ['optimizer'] }, `the optimizer '${cur.spelling}' was not written`);
  else out.optimizer = { value: null, source: { kind: 'assumption', reason: s.optimizer !== undefined ? `'${s.optimizer}' is not in the catalog` : 'no file names an optimizer' } };
  if (s.learningRate !== undefined) put('lr', s.learningRate, { settings: ['learningRate'] }, 'not written');
  else out.lr = { value: null, source: { kind: 'assumption', reason: 'no file states a learning rate' } };
  if (s.weightDecay !== undefined) put('weightDecay', s.weightDecay, { settings: ['weightDecay'] }, 'not written');
  else out.weightDecay = torchClassDefault(job, 'weight_decay') ?? { value: null, source: { kind: 'assumption', reason: 'no file states weight decay' } };
  if (s.warmupSteps !== undefined && (s.warmupSteps > 0 || s.warmupRatio === undefined)) put('warmup', { unit: 'steps', value: s.warmupSteps }, { settings: ['warmupSteps'] }, 'not written');
  else if (s.warmupRatio !== undefined) put('warmup', { unit: 'ratio', value: s.warmupRatio }, { settings: ['warmupRatio'] }, 'not written');
  else if (s.warmupEpochs !== undefined) put('warmup', { unit: 'epochs', value: s.warmupEpochs }, { settings: ['warmupEpochs'] }, 'not written');
  else out.warmup = { value: null, source: { kind: 'assumption', reason: 'no file states a warmup' } };

  // Sequence length and image size, only for the models that take them.
  const takes = inputsOf(result);
  if (takes.tokens) {
    const seq = e?.seqLen ?? facts.seqLen;
    const reason = seq === 2048 ? "no file states a sequence length: the estimator's default 2048" : `no file states a sequence length: the estimator's default 2048 capped at the model's maximum positions (${seq})`;
    const stated = defaulted('seqLen');
    if (s.seqLen === undefined && job.sources['seqLen'] === undefined && i.given['seqLen'] === undefined) {
      out.seqLen = { value: seq, source: { kind: 'assumption', reason: stated?.kind === 'assumption' ? `${stated.reason}; ${reason.replace(/^no file states a sequence length: /, 'assumed ')}` : reason } };
    }
    else put('seqLen', seq, { given: 'seqLen', settings: ['seqLen'] }, reason);
  }
  // An Ultralytics job's task (the detection recipe follows it): where the call writes or implies it, else why it is not known.
  const u = job.ultralyticsJob;
  if (u !== undefined) {
    const at = u.taskAt;
    out.task = { value: u.task, source: at === null || u.task === 'unknown' ? { kind: 'assumption', reason: u.taskFrom } : { kind: launchers.has(at.path) ? 'launcher' : 'file', path: at.path, range: at.range } };
  }
  if (takes.images && e !== null) {
    const size = e.imageSize;
    const reason = size === 224 ? "no file states an image size: 224 (ImageNet's, the estimator's default)" : `no file states an image size: the model's own input size ${size}`;
    put('imageSize', size, { given: 'imageSize', settings: ['imageSize'] }, reason);
  }
  return out;
}

/** The reasons of the facts that were assumed, as `label: reason` lines (for the assumptions list). */
export function factAssumptions(facts: JobFacts): string[] {
  const out: string[] = [];
  for (const name of JOB_FACT_NAMES) {
    const f = facts[name];
    if (f !== undefined && f.source.kind === 'assumption') out.push(`${JOB_FACT_LABELS[name]} ${formatValue(f.value)}: ${f.source.reason}`);
  }
  return out;
}
