/**
 * The `profile --json` document (and `--out DIR/profile.json`): the profile result document of
 * src/core/profile/profile-types.ts, which the sidebar and the charts read, plus what the profiler
 * adds for the report and for auditing a sweep (src/profiler/sweep/document.ts). Composed from the
 * core declaration, so the two cannot drift; schemas/profile.schema.json is generated from it
 * (`npm run schemas`, scripts/schemas.ts). The compiler checks that what the profiler writes
 * (`SweepDocument`) is such a document.
 */
import type { Declared } from '../../core/schema/check';
import { OneOf, OrNull, Type } from '../../core/schema/declare';
import { ProfileBackendSchema, ProfileOptimizerResultSchema, ProfileResultDocumentSchema } from '../../core/profile/profile-types';
import { KERNELS_USED } from '../../profiler/protocol';
import type { SweepDocument } from '../../profiler/sweep/document';

const core = ProfileResultDocumentSchema.properties;

const ResultJsonSchema = Type.Object({
  ...ProfileOptimizerResultSchema.properties,
  bandwidthFraction: Type.Optional(Type.Number({ minimum: 0, description: "effectiveBandwidthGBps / copyBandwidthGBps." })),
    source: Type.Optional(OneOf(["default", "advisor-top-pick", "requested", "reference"] as const)),
    lrBasis: Type.Optional(Type.String()),
    hyperparameters: Type.Optional(Type.Object({})),
    adjustments: Type.Optional(Type.Array(Type.String())),
    stateLayoutNote: Type.Optional(Type.String()),
    optimizerStepMs: Type.Optional(OrNull(Type.Number({ minimum: 0 }))),
    kernel: Type.Optional(OrNull(OneOf(KERNELS_USED))),
    stateTensors: Type.Optional(Type.Array(Type.Object({
      param: Type.String(),
      name: Type.String(),
      shape: Type.Array(Type.Integer({ minimum: 0 })),
      dtype: Type.String(),
      bytes: Type.Integer({ minimum: 0 }),
    }))),
    estimatedMemory: Type.Optional(OrNull(Type.Object({
      weights: Type.Number({ minimum: 0 }),
      masterWeights: Type.Number({ minimum: 0 }),
      gradients: Type.Number({ minimum: 0 }),
      optimizerState: Type.Number({ minimum: 0 }),
      optimizerTemporaries: Type.Number({ minimum: 0 }),
      activations: Type.Number({ minimum: 0 }),
      overhead: Type.Number({ minimum: 0 }),
      peak: Type.Number({ minimum: 0 }),
    }))),
    bandwidth: Type.Optional(OrNull(Type.Object({
      optimizer: Type.String(),
      kernel: OneOf(KERNELS_USED),
      elements: Type.Integer({ minimum: 1 }),
      stepMs: Type.Number({ minimum: 0 }),
      bytesPerParam: Type.Number({ minimum: 0 }),
      GBps: Type.Number({ minimum: 0 }),
      /** The copy bandwidth timed alternately with this optimizer's steps (absent in documents before it was). */
      copyGBps: Type.Optional(Type.Number({ minimum: 0 })),
      fractionOfCopy: Type.Number({ minimum: 0 }),
      unfused: Type.Optional(Type.Object({
        stepMs: Type.Number({ minimum: 0 }),
        GBps: Type.Number({ minimum: 0 }),
        copyGBps: Type.Optional(Type.Number({ minimum: 0 })),
        fractionOfCopy: Type.Number({ minimum: 0 }),
      })),
    }))),
    hessian: Type.Optional(Type.Object({
      method: Type.String(),
      fallbackReason: Type.Optional(Type.String()),
    })),
    hvp: Type.Optional(OneOf(["autodiff", "finite-difference"] as const)),
    stepTiming: Type.Optional(Type.Object({
      basis: OneOf(["training-runs", "timed-alone"] as const, {
        description: "Where stepTimeMs and optimizerStepMs come from: 'training-runs', every timed step of every run of the sweep (one training child); 'timed-alone', a timing phase measured while nothing else of the sweep ran (the training runs shared the machine and their step times are not used).",
      }),
      steps: Type.Integer({ minimum: 1, description: 'Timed steps behind the median.' }),
      warmupSteps: Type.Integer({ minimum: 0, description: 'Steps left out at the start of each timed run.' }),
      minMs: Type.Number({ minimum: 0 }),
      maxMs: Type.Number({ minimum: 0 }),
      lr: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: "timed-alone: the lr of the run timed (the recommended lr unless it diverged)." })),
      seed: Type.Optional(Type.Integer()),
    }, { description: 'How the step time was measured, and its spread over the timed steps.' })),
});

export const ProfileJsonSchema = Type.Object({
  ...core,
  backend: Type.Object({
    ...ProfileBackendSchema.properties,
    location: Type.Optional(Type.String()),
    wasmSimd: Type.Optional(Type.Boolean()),
    wasmThreads: Type.Optional(Type.Boolean()),
    gradients: Type.Optional(Type.String()),
  }),
  proxy: Type.Optional(Type.Object({
    ...core.proxy.properties,
    notes: Type.Optional(Type.Array(Type.String())),
    batch: Type.Optional(Type.Integer({ minimum: 1 })),
  }, { description: 'The proxy that was trained.' })),
  results: Type.Array(ResultJsonSchema, { maxItems: 200 }),
  copyBandwidth: Type.Optional(OrNull(Type.Object({
    GBps: Type.Number({ minimum: 0 }),
    method: Type.String(),
    elements: Type.Integer({ minimum: 1 }),
    methods: Type.Record(Type.String(), Type.Number({ minimum: 0 })),
  }))),
  seeds: Type.Optional(Type.Array(Type.Integer())),
  lrMultipliers: Type.Optional(Type.Array(Type.Number({ exclusiveMinimum: 0 }))),
  figureSources: Type.Optional(Type.Object({
    measured: Type.Array(Type.String()),
    modelled: Type.Array(Type.String()),
    published: Type.Optional(Type.Array(Type.String(), { description: 'Fields from the evidence base of published measurements (the Pareto quality axis), not measured here.' })),
    note: Type.Optional(Type.String()),
  })),
  outcome: Type.Optional(OneOf(["running", "completed", "cancelled", "budget-exceeded", "crashed", "failed"] as const)),
  outcomeDetail: Type.Optional(Type.String()),
  wallSeconds: Type.Optional(Type.Number({ minimum: 0 })),
  notes: Type.Optional(Type.Array(Type.String())),
  files: Type.Optional(Type.Object({
    json: Type.Optional(Type.String()),
    report: Type.Optional(Type.String()),
  })),
}, { description: "A profiling sweep: every optimizer trained on a scaled-down proxy of the job on this machine (measured), with the memory estimator's figures for the real job (modelled) and the published evidence's quality vs AdamW for it (evidenceQuality). See figureSources.", title: "optimizer-advisor profile --json (and --out DIR/profile.json)" });
export type ProfileJson = Declared<typeof ProfileJsonSchema>;

/** What the profiler writes is a document of this declaration (a drift is a type error here). */
export type SweepDocumentIsProfileJson = SweepDocument extends ProfileJson ? true : never;
const SWEEP_IS_PROFILE_JSON: SweepDocumentIsProfileJson = true;
void SWEEP_IS_PROFILE_JSON;
