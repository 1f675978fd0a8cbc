/**
 * From core results to what the sidebar shows: the advisor's ranking and the estimator's per-GPU
 * breakdowns, computed with the same core calls the CLI makes (recommend, resolveEstimateInput,
 * estimateMemory), so every number matches `optimizer-advisor recommend/estimate` for the same job.
 * The change to paste is the core's (pasteChanges, `recommend --json`'s `change`) in every format, the
 * job's own first. Toggles overlay the job's own settings. Pure: no 'vscode', no I/O.
 */
import { modelRefText } from '../../core/model-source';
import { candidateEstimateInput, recommend } from '../../core/advisor';
import { jobAutoValues } from '../../core/evaluate';
import { isOwnRecommendation, keepOwnHyperparameters, suggestionText } from '../../core/own-hyperparameters';
import { describeSource, formatFactValue, JOB_FACT_LABELS, JOB_FACT_NAMES, type JobFacts } from '../../core/job-facts';
import type { AdvisorInput, HyperparameterAdvice, Recommendation, StrategyPlan } from '../../core/advisor/types';
import { pasteChanges, pasteFormatOf, pasteOptionsOf, type PasteFormat } from '../../core/fixes';
import { estimateMemory } from '../../core/memory';
import type { EstimateInput, LoraConfig } from '../../core/memory/types';
import { countParams } from '../../core/models';
import type { ModelInventory } from '../../core/models/types';
import { getOptimizer } from '../../core/optimizers';
import type { OptimizerId, ResolvedOptimizer } from '../../core/optimizers/types';
import { peftDefaultLoraTargets } from '../../core/scan';
import type { ScanJob } from '../../core/scan/results';
import { InputError } from '../../core/types';
import type {
  EstimateToggles, FactView, GpuBudgetView, HyperparametersView, JobSummary, MemoryBarView, MemoryView, PasteChangeView, RankedOptimizerView,
  RecommendationView, SnippetView,
} from '../../webview-protocol';
import type { SnippetKind } from '../../core/fixes/snippet-kinds';

/**
 * Rank a LoRA toggle starts from when the job has no LoRA: PEFT's LoraConfig default
 * (huggingface/peft src/peft/tuners/lora/config.py, `r: int = field(default=8, ...)`).
 */
export const PEFT_DEFAULT_LORA_RANK = 8;

type EstimateBase = AdvisorInput['estimateBase'];

/** Button labels of the snippet frameworks (product names, the same in every language). */
export const SNIPPET_LABELS: Readonly<Record<SnippetKind, string>> = {
  pytorch: 'PyTorch',
  'hf-trainer': 'HF Trainer',
  deepspeed: 'DeepSpeed',
  optax: 'optax',
};

/** A snippet as the Recommend command's generator returns it (src/core/fixes/snippets.ts `Snippet`). */
export type GeneratedSnippet =
  | { readonly kind: SnippetKind; readonly language: SnippetView['language']; readonly code: string }
  | { readonly kind: SnippetKind; readonly unavailable: string };

/** The generator's snippets as the view shows them; frameworks without a snippet for this optimizer are left out. */
export function toSnippetViews(snippets: readonly GeneratedSnippet[]): SnippetView[] {
  return snippets.flatMap((s) => ('code' in s ? [{ framework: s.kind, label: SNIPPET_LABELS[s.kind], language: s.language, code: s.code }] : []));
}

/** The names of the paste formats (product names, the same in every language). */
export const PASTE_LABELS: Readonly<Record<PasteFormat, string>> = {
  'hf-trainer': 'HF Trainer',
  'hf-trainer-yaml': 'TrainingArguments YAML',
  axolotl: 'axolotl',
  torchtune: 'torchtune',
  'lightning-cli': 'LightningCLI',
  hydra: 'Hydra',
  nemo: 'NeMo',
  deepspeed: 'DeepSpeed',
  'ultralytics-cli': 'yolo CLI',
  'ultralytics-python': 'YOLO.train',
  'ultralytics-yaml': 'Ultralytics cfg YAML',
  pytorch: 'PyTorch',
};

/**
 * The change to paste for one optimizer, as `recommend` gives it (core pasteChanges): every format that can
 * express it, the job's own format (core pasteFormatOf) first. The hyperparameters are the ones Apply writes
 * (the quick fix and the paste share core/fixes/hf-values.ts); with the recommendation's plan when nothing fits.
 */
export function pasteViews(job: ScanJob, optimizer: OptimizerId, advice: HyperparameterAdvice, plan: StrategyPlan | null = null): PasteChangeView[] {
  return pasteChanges(optimizer, advice, pasteFormatOf(job), plan, pasteOptionsOf(job)).map((c) => ({
    format: c.format,
    label: PASTE_LABELS[c.format],
    language: c.language,
    code: c.code,
    package: c.package,
    minVersion: c.minVersion,
    source: c.source,
  }));
}

/** What the picker shows for a job. */
export function jobSummary(job: ScanJob, needsModel: string | null = null): JobSummary {
  const model = job.model === null ? null : modelRefText(job.model);
  const where = job.folder === '.' ? job.id : job.folder;
  return {
    id: job.id,
    label: model ? `${where} (${model})` : where,
    folder: job.folder,
    files: [...job.files],
    model,
    optimizer: job.settings.optimizer ?? null,
    needsModel,
  };
}

/**
 * The estimator input for one optimizer, the advisor's own (candidateEstimateInput in
 * core/advisor/engine.ts): the job's current optimizer keeps the user's hyperparameters, every other
 * one its own defaults.
 */
export function estimateInputFor(input: AdvisorInput, base: EstimateBase, id: OptimizerId): EstimateInput {
  return candidateEstimateInput(input, id, base);
}

/** The toggles' state for an estimator input. */
export function togglesOf(input: EstimateInput): EstimateToggles {
  return {
    precision: input.precision,
    batchSize: input.batchSize,
    seqLen: input.model.shape.kind === 'cnn' ? null : input.seqLen,
    gradientCheckpointing: input.gradientCheckpointing,
    loadDtype: input.loadDtype,
    adapter: input.lora === null ? 'none' : input.lora.qlora ? 'qlora' : 'lora',
    loraRank: input.lora?.rank ?? PEFT_DEFAULT_LORA_RANK,
    zeroStage: input.zeroStage,
    offload: input.offload,
    gpus: input.gpus,
  };
}

/** LoRA targets when a toggle turns LoRA on: the job's own, else PEFT's default for the model type, else all linear layers. */
export function loraTargetsFor(model: ModelInventory, existing: LoraConfig | null | undefined): { targets: LoraConfig['targets']; note: string | null } {
  if (existing) return { targets: existing.targets, note: null };
  const modelType = typeof model.config['model_type'] === 'string' ? model.config['model_type'] : model.family;
  const peft = peftDefaultLoraTargets(modelType);
  if (peft) return { targets: peft, note: `LoRA targets: PEFT's default for ${modelType} (${peft.join(', ')}).` };
  return { targets: 'all-linear', note: `LoRA targets: PEFT has no default for ${modelType}; all linear layers assumed.` };
}

/** The job's estimator settings with the toggles laid over them, and notes on what had to be assumed or changed. */
export function applyToggles(input: AdvisorInput, toggles: EstimateToggles): { base: EstimateBase; notes: string[] } {
  const base = input.estimateBase;
  const notes: string[] = [];
  let lora: LoraConfig | null = null;
  if (toggles.adapter !== 'none') {
    const t = loraTargetsFor(input.model, base.lora);
    if (t.note) notes.push(t.note);
    lora = { rank: toggles.loraRank, targets: t.targets, qlora: toggles.adapter === 'qlora' };
  }
  let offload = toggles.offload;
  if (offload !== 'none' && toggles.zeroStage === 0) {
    notes.push(`Offloading the ${offload} needs ZeRO; estimated without offload at ZeRO stage 0.`);
    offload = 'none';
  } else if (offload === 'params' && toggles.zeroStage !== 3) {
    notes.push(`Offloading params needs ZeRO stage 3; estimated with optimizer offload at stage ${toggles.zeroStage}.`);
    offload = 'optimizer';
  }
  return {
    base: {
      ...base,
      precision: toggles.precision,
      batchSize: toggles.batchSize,
      ...(toggles.seqLen === null ? {} : { seqLen: toggles.seqLen }),
      gradientCheckpointing: toggles.gradientCheckpointing,
      loadDtype: toggles.loadDtype,
      lora,
      zeroStage: toggles.zeroStage,
      gpus: toggles.gpus,
      offload,
    },
    notes,
  };
}

/** Per-optimizer bars for the given settings, in the order of `ids`. */
export function memoryBars(input: AdvisorInput, base: EstimateBase, ids: readonly OptimizerId[]): MemoryBarView[] {
  return ids.map((id) => {
    const name = getOptimizer(id).name;
    try {
      const estimate = estimateMemory(estimateInputFor(input, base, id));
      return { optimizer: id, name, bytes: estimate.bytes, fits: estimate.fits, error: null };
    } catch (e) {
      if (e instanceof InputError) return { optimizer: id, name, bytes: null, fits: null, error: e.message };
      throw e;
    }
  });
}

/** The memory view for the settings `base` (the job's own, or toggled). Throws InputError for settings the estimator rejects. */
export function memoryView(jobId: string, input: AdvisorInput, base: EstimateBase, ids: readonly OptimizerId[], extraNotes: readonly string[] = []): MemoryView {
  // Settings errors (bad batch size, LoRA rank too large, ...) are the job's, not one optimizer's: they throw here.
  const reference = estimateInputFor(input, base, ids[0] ?? 'adamw');
  const bars = memoryBars(input, base, ids);
  let notes: readonly string[] = [];
  for (const id of ids) {
    try {
      notes = estimateMemory(estimateInputFor(input, base, id)).notes;
      break;
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
    }
  }
  return { jobId, toggles: togglesOf(reference), budgetBytes: reference.gpuMemoryBytes, bars, notes: [...extraNotes, ...notes] };
}

export function hyperparametersView(h: HyperparameterAdvice): HyperparametersView {
  return {
    lr: h.lr,
    betas: h.betas === null ? null : [...h.betas],
    eps: h.eps === null ? null : typeof h.eps === 'number' ? h.eps : [...h.eps],
    weightDecay: h.weightDecay,
    warmup: h.warmup === null ? null : { unit: h.warmup.unit, value: h.warmup.value },
    schedule: { kind: h.schedule.kind, detail: h.schedule.detail },
    extra: { ...h.extra },
  };
}

export function rankedView(r: Recommendation, current: ResolvedOptimizer | null, snippets: readonly SnippetView[], paste: readonly PasteChangeView[] = []): RankedOptimizerView {
  return {
    optimizer: r.optimizer,
    name: getOptimizer(r.optimizer).name,
    rank: r.rank,
    tier: r.tier,
    fits: r.fits,
    peakBytes: r.peakBytes,
    score: r.score,
    current: current !== null && current.id === r.optimizer,
    // The measured basis comes first; an entry with no comparable measurement says so in the same place.
    reasons: [
      ...(r.reasons.some((x) => x.rule === 'measured') ? [] : [{ rule: 'measured', text: r.measured.sentence, sources: [] }]),
      ...r.reasons.map((x) => ({
        rule: x.rule,
        text: x.text,
        sources: x.evidence.map((e) => ({ title: e.locator ? `${e.title}, ${e.locator}` : e.title, url: e.url ?? null })),
      })),
    ],
    hyperparameters: hyperparametersView(r.hyperparameters),
    own: isOwnRecommendation(r) ? [...r.own] : [],
    suggestions: isOwnRecommendation(r) ? r.suggestions.map((s) => ({ field: s.field, text: suggestionText(s) })) : [],
    snippets: [...snippets],
    paste: [...paste],
    evidence: r.measured.nearest.map((n) => ({
      cite: n.cite,
      url: n.url === '' ? null : n.url,
      setting: n.setting,
      locator: n.locator,
      text: n.text,
      excerpt: n.excerpt,
      selfReported: n.selfReported,
      similarity: Math.min(1, Math.max(0, n.similarity)),
    })),
  };
}

export interface EvaluationParts {
  readonly recommendation: RecommendationView;
  readonly memory: MemoryView;
  /** Ranked ids (the memory bars' order), for re-estimates. */
  readonly order: readonly OptimizerId[];
  /** The advisor's hyperparameters per optimizer (what the quick fix writes). */
  readonly advice: ReadonlyMap<OptimizerId, HyperparameterAdvice>;
  /** The plan that makes each optimizer fit when nothing fits as the job is set up (what the paste and the quick fix carry). */
  readonly plans: ReadonlyMap<OptimizerId, StrategyPlan>;
}

/** The facts as the sidebar lists them: label, value and source in words. */
export function factViews(facts: JobFacts | null): FactView[] {
  if (facts === null) return [];
  return JOB_FACT_NAMES.flatMap((name) => {
    const f = facts[name];
    return f === undefined ? [] : [{ name, label: JOB_FACT_LABELS[name], value: formatFactValue(f), source: describeSource(f.source), assumed: f.source.kind === 'assumption' }];
  });
}

/** Recommendation and memory bars for a job with its own settings; `facts` are the job's facts with their sources (core evaluateJob). */
export function evaluateJob(
  job: ScanJob,
  input: AdvisorInput,
  budget: GpuBudgetView | null,
  snippets: (id: OptimizerId, h: HyperparameterAdvice) => readonly SnippetView[],
  facts: JobFacts | null = null,
): EvaluationParts {
  const current = input.current ?? null;
  const result = keepOwnHyperparameters(recommend(input), current?.id ?? null, job.settings);
  const counts = countParams(input.model);
  const order = result.recommendations.map((r) => r.optimizer);
  const modelLabel = jobSummary(job).model ?? input.model.architecture;
  const recommendation: RecommendationView = {
    jobId: job.id,
    model: { label: modelLabel, family: input.model.family, params: counts.total, trainableParams: counts.trainable },
    budget,
    ranked: result.recommendations.map((r) => rankedView(r, current, snippets(r.optimizer, r.hyperparameters), pasteViews(job, r.optimizer, r.hyperparameters, r.fitPlan ?? null))),
    plan: result.strategyPlan === null || result.strategyBase === null ? null : {
      optimizer: result.strategyBase.optimizer,
      steps: result.strategyPlan.steps.map((s) => ({ id: s.id, text: s.text, changes: s.changes, peakBytes: s.peakBytes })),
      peakBytes: result.strategyPlan.peakBytes,
      fits: result.strategyPlan.fits,
    },
    // The ranking's own note first (how the order was made, and under stability whether a saved profile's
    // robustness probes were used, ignored or missing), then the rules' notes.
    notes: [result.ranking.text, ...result.notes.map((n) => n.text), ...(job.notModelled ?? []).map((n) => `not modelled: ${n}`)],
    assumptions: [...jobAutoValues(job, input.model).assumptions, ...result.assumptions],
    facts: factViews(facts),
    canApply: job.sources['optimizer'] !== undefined,
  };
  const advice = new Map(result.recommendations.map((r) => [r.optimizer, r.hyperparameters] as const));
  const plans = new Map(result.recommendations.flatMap((r) => (r.fitPlan ? [[r.optimizer, r.fitPlan] as const] : [])));
  return { recommendation, memory: memoryView(job.id, input, input.estimateBase, order), order, advice, plans };
}
