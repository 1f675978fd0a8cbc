/**
 * The `recommend --json` document: per job, the ranked optimizers with their hyperparameters and the
 * evidence behind the ranking, the memory strategies, the facts the advice uses with their sources;
 * or, for a job whose model cannot be resolved, why. Declared once: the TypeScript type below, and
 * schemas/recommend.schema.json generated from it (`npm run schemas`, scripts/schemas.ts; a unit test
 * checks the committed file is the generated one).
 *
 * A job is either advised or "needs a model config"; which fields each case requires is stated with
 * JSON Schema's `if`/`then`/`else` (kept as written, for JSON Schema validators; TypeBox does not
 * evaluate them).
 */
import type { TSchema } from '@sinclair/typebox';
import { JOB_FACT_NAMES } from '../../core/job-facts';
import { PASTE_FORMATS } from '../../core/fixes/paste-formats';
import type { Declared } from '../../core/schema/check';
import { OneOf, OrNull, Type } from '../../core/schema/declare';
import { BaseDtypeSchema } from './estimate';

/**
 * Facts a job may not have: seqLen for a CNN, imageSize for a text model, loraRank without LoRA, vocabSize for a
 * model the job does not build from its own globals.
 */
const OPTIONAL_FACTS: readonly string[] = ['task', 'vocabSize', 'loraRank', 'seqLen', 'imageSize'];

/** A range in a file: where a fact was read (a file, or the launch line that sets it). */
const SourceRange = Type.Object({
  line: Type.Integer({ minimum: 1 }),
  column: Type.Integer({ minimum: 1 }),
  endLine: Type.Optional(Type.Integer({ minimum: 1 })),
  endColumn: Type.Optional(Type.Integer({ minimum: 1 })),
});

const Fact = Type.Object({
  value: Type.Unknown({ description: "the value the advice uses; null when the job has none (no optimizer named, no warmup); warmup is {unit, value}" }),
  source: Type.Union([Type.Object({
    kind: Type.Literal("file"),
    path: Type.String(),
    range: SourceRange,
  }, { additionalProperties: false }), Type.Object({
    kind: Type.Literal("launcher"),
    path: Type.String(),
    range: SourceRange,
  }, { additionalProperties: false }), Type.Object({
    kind: Type.Literal("model-config"),
    origin: Type.String(),
    location: Type.String(),
  }, { additionalProperties: false }), Type.Object({
    kind: Type.Literal("given"),
    reason: Type.String(),
  }, { additionalProperties: false }), Type.Object({
    kind: Type.Literal("assumption"),
    reason: Type.String({ minLength: 1 }),
  }, { additionalProperties: false })]),
}, { additionalProperties: false });
function factProperties(): Record<string, TSchema> {
  return Object.fromEntries(JOB_FACT_NAMES.map((name) => [name, OPTIONAL_FACTS.includes(name) ? Type.Optional(Fact) : Fact]));
}

const StrategyIdSchema = OneOf(["gradient-checkpointing", "8bit-states", "paged-states", "galore", "lora", "qlora", "zero-1", "zero-2", "zero-3", "cpu-offload", "smaller-micro-batch", "freeze-layers", "bf16-states", "adafactor-states", "mixed-precision", "more-gpus"] as const);

/** A plan of memory strategies (src/core/advisor/types.ts StrategyPlan). */
const StrategyPlanSchema = Type.Object({
  steps: Type.Array(Type.Object({
    id: StrategyIdSchema,
    text: Type.String({ description: "what to change, with the settings to write" }),
    changes: Type.Optional(Type.String({ description: "what the strategy changes in the job besides memory (speed, what is trained, the batch, the hardware)" })),
    peakBytes: Type.Integer({ minimum: 0 }),
    settings: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Number(), Type.Boolean(), Type.String(), Type.Array(Type.String())]), { description: "the HF TrainingArguments values the step sets (gradient_checkpointing, per_device_train_batch_size, GaLore's optim, optim_target_modules, optim_args); the change to paste carries them when the plan keeps its optimizer" })),
    optimizer: Type.Optional(Type.String({ description: "the optimizer the step switches the job to (8-bit, paged states, GaLore); absent when it keeps the optimizer" })),
  })),
  peakBytes: Type.Integer({ minimum: 0 }),
  fits: OrNull(Type.Boolean()),
  level: Type.Optional(Type.Integer({ minimum: 1, description: "the highest rung of the ladder the plan uses: 1 slower steps (checkpointing, smaller micro-batch), 2 8-bit or paged states, 3 GaLore, 4 adapters or a frozen backbone, 5 QLoRA, 6 ZeRO, 7 CPU offload; absent on a greedy plan" })),
});

export const RecommendJsonSchema = Type.Object({
  inputs: Type.Optional(Type.Object({})),
  jobs: Type.Array(Type.Object({
    source: Type.String(),
    model: Type.Optional(Type.Object({
      source: Type.Object({
        kind: OneOf(["workspace", "local-path", "hf-cache", "hub", "preset", "preset-alias"] as const),
        location: Type.String({ description: "path, URL or preset id the config was read from" }),
      }, { additionalProperties: false }),
      family: Type.String(),
      architecture: Type.String(),
      params: Type.Integer({ minimum: 0 }),
      trainableParams: Type.Optional(Type.Integer({ minimum: 0 })),
      approximate: Type.Optional(Type.Boolean({ description: "true when the generic inventory built the model (an architecture no family models)" })),
      warnings: Type.Optional(Type.Array(Type.String())),
      notes: Type.Optional(Type.Array(Type.String())),
    })),
    current: Type.Optional(OrNull(Type.Object({}))),
    recommendations: Type.Optional(Type.Array(Type.Object({
      optimizer: Type.String(),
      rank: Type.Integer({ minimum: 1 }),
      fits: OrNull(Type.Boolean()),
      peakBytes: OrNull(Type.Integer({ minimum: 0 })),
      reasons: Type.Array(Type.Object({
        rule: Type.String(),
        text: Type.String(),
        evidence: Type.Unknown(),
      })),
      hyperparameters: Type.Object({
        lr: OrNull(Type.Number()),
        betas: Type.Union([Type.Null(), Type.Array(Type.Number())]),
        eps: Type.Union([Type.Number(), Type.Null(), Type.Array(Type.Number())]),
        weightDecay: Type.Number({ minimum: 0 }),
        warmup: Type.Unknown(),
        schedule: Type.Unknown(),
      }),
      measured: Type.Object({
        score: Type.Number(),
        uncertainty: Type.Number({ minimum: 0 }),
        weight: Type.Number({ minimum: 0 }),
        comparableRows: Type.Integer({ minimum: 0 }),
        independentRows: Type.Integer({ minimum: 0 }),
        beatsIncumbent: Type.Boolean(),
        basis: OneOf(["measured", "incumbent", "family-default-thin-evidence"] as const),
        sentence: Type.String(),
        nearest: Type.Array(Type.Object({
          source: Type.String(),
          cite: Type.String(),
          url: Type.String(),
          setting: Type.String(),
          locator: Type.String(),
          text: Type.String({ description: "source, setting and numbers in one line" }),
          excerpt: Type.String({ description: "the source's own words" }),
          selfReported: Type.Boolean(),
          similarity: Type.Number({ minimum: 0, maximum: 1 }),
        })),
      }, { description: "what the entry's place stands on in the measured ranking" }),
      score: Type.Optional(Type.Number()),
      own: Type.Optional(Type.Array(OneOf(["lr", "weightDecay", "betas", "eps", "warmup", "schedule"] as const), { description: "Only on the optimizer the job uses: which hyperparameters are the job's own (they are what 'hyperparameters' shows)" })),
      fitPlan: Type.Optional(Type.Union([Type.Null(), StrategyPlanSchema], { description: "Only when no optimizer fits the GPU budget: the cheapest plan of memory strategies that makes this one fit (null: none does); the non-fitting optimizers are ordered by it" })),
      change: Type.Optional(Type.Array(Type.Object({
        format: OneOf(PASTE_FORMATS),
        language: OneOf(["python", "yaml", "json", "shell"] as const),
        code: Type.String({ description: "the change to paste, in that format" }),
        package: Type.String({ description: "the package that provides the optimizer in that format" }),
        minVersion: OrNull(Type.String({ description: "the first version of the package with it; null when not known" })),
        source: Type.String({ description: "where the package and version come from" }),
      }, { additionalProperties: false }), { description: "On the first three recommendations, except the job's own optimizer: the switch to this optimizer in the job's own format first, then the other formats that can express it" })),
      suggestions: Type.Optional(Type.Array(Type.Object({
        field: OneOf(["lr", "weightDecay", "betas", "eps", "warmup", "schedule"] as const),
        own: Type.Unknown(),
        suggested: Type.Unknown(),
        reason: Type.String(),
        evidence: Type.Array(Type.String()),
      }, { additionalProperties: false }), { description: "Only on the optimizer the job uses: where a cited rule disagrees with the job's own value (a suggestion, never a replacement)" })),
    }), { minItems: 1 })),
    strategies: Type.Optional(Type.Array(Type.Object({
      id: StrategyIdSchema,
      savingBytes: Type.Integer(),
      text: Type.String(),
    }))),
    baseDtype: Type.Optional(BaseDtypeSchema),
    deepspeedAuto: Type.Optional(Type.Array(Type.Object({
      path: Type.String(),
      key: Type.String(),
      range: Type.Object({}),
      value: Type.Unknown(),
      from: Type.String(),
    }, { additionalProperties: false }), { description: "DeepSpeed \"auto\" values of the job, filled as the Hugging Face Trainer fills them; value null when the workspace does not say (then also listed in assumptions)" })),
    strategyPlan: Type.Optional(Type.Union([Type.Null(), StrategyPlanSchema], { description: "For the strategy base: when nothing fits, its cheapest plan that fits (the same as its recommendation's fitPlan, with 'level'); otherwise the strategies combined one after another (largest saving first) until the job fits, or as close as they get. Null when there is no GPU budget or none helps. The sidebar's \"To make it fit\" shows the same." })),
    status: OneOf(["ok", "needs a model config"] as const, { description: "'needs a model config': the job's model could not be resolved; 'reason' says why, no advice is given" }),
    reason: Type.Optional(Type.String()),
    tried: Type.Optional(Type.Array(Type.String())),
    assumptions: Type.Optional(Type.Array(Type.String(), { description: "What the job's files leave open or the tool could not read (a launch's unset variables, a config format it does not read, ...), as sentences naming file:line:column where known" })),
    modelId: Type.Optional(Type.String()),
    at: Type.Optional(Type.Object({
      path: Type.String(),
      line: Type.Integer({ minimum: 1 }),
      column: Type.Integer({ minimum: 1 }),
    })),
    ranking: Type.Optional(Type.Object({
      text: Type.String(),
      thin: Type.Boolean(),
      totalWeight: Type.Number({ minimum: 0 }),
      incumbent: Type.String(),
      stabilityFellBack: Type.Boolean(),
      savedProfile: OrNull(Type.Object({
        status: OneOf(['used', 'ignored', 'none'] as const),
        file: OrNull(Type.String()),
        detail: OrNull(Type.String()),
      }), { description: "Stability priority only (null otherwise): the saved profile (--profile) whose robustness probes ordered equal published divergence rates ('used'; detail: where it was measured), one ignored (detail: why), or none." }),
    })),
    facts: Type.Optional(Type.Object(factProperties(), { additionalProperties: false, description: "Each fact the advice uses, with its source: a file range, the launch script, the model config it was counted from, a value given by hand, or an assumption naming the default it stands for. A fact the model does not have (seqLen for a CNN, imageSize for a text model, loraRank without LoRA) is absent. Names: src/core/job-facts.ts JOB_FACT_NAMES." })),
    notModelled: Type.Optional(Type.Array(Type.String(), { description: "Fields the job's files set whose memory effect is not modelled yet (path:line: key: what it does); passed on, never dropped" })),
  }, { if: { properties: { status: { const: "needs a model config"}}}, then: { required: ["reason", "tried"], not: { required: ["recommendations"]}}, else: { required: ["source", "model", "recommendations", "strategies", "baseDtype", "ranking", "facts"]}})),
  errors: Type.Optional(Type.Array(Type.Object({
    source: Type.String(),
    message: Type.String(),
  }))),
  unused: Type.Optional(Type.Array(Type.Object({
    path: Type.String(),
    kind: Type.String(),
    why: Type.String(),
  }, { additionalProperties: false }), { description: "Only when no job was found: each recognised file that formed no job, and why" })),
}, { title: "optimizer-advisor recommend --json" });
export type RecommendJson = Declared<typeof RecommendJsonSchema>;
