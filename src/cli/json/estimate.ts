/**
 * The `estimate --json` document: the inputs the estimator used and its per-GPU breakdown. Declared once: the TypeScript type below, and schemas/estimate.schema.json generated from it
 * (`npm run schemas`, scripts/schemas.ts; a unit test checks the committed file is the generated one).
 */
import { ATTENTION_IMPLS, BASE_DTYPE_SOURCES, OFFLOAD_TARGETS, ZERO_ACCOUNTINGS, ZERO_STAGES } from '../../core/memory/types';
import { DTYPES, FLOAT_DTYPES, LOAD_DTYPES, PRECISIONS } from '../../core/types';
import type { Declared } from '../../core/schema/check';
import { OneOf, OrNull, Type } from '../../core/schema/declare';
import { ModelUsedSchema } from './params';

const Bytes = Type.Integer({ minimum: 0 });
const Dtype = OneOf(DTYPES);
/** The storage dtype of the base weights that are not quantised, and how it was decided (core memory BaseDtype). */
export const BaseDtypeSchema = Type.Object({
  dtype: Dtype,
  source: OneOf(BASE_DTYPE_SOURCES),
  reason: Type.String(),
}, { additionalProperties: false });
export const EstimateJsonSchema = Type.Object({
  inputs: Type.Object({
    model: ModelUsedSchema,
    optimizer: Type.Object({
      id: Type.String(),
      spelling: Type.String(),
      stateBits: OneOf([4, 8, 16, 32] as const),
      paged: Type.Boolean(),
      decoupledWeightDecay: Type.Boolean(),
    }),
    hyperparameters: Type.Optional(Type.Object({})),
    batchSize: Type.Integer({ minimum: 1 }),
    gradAccum: Type.Integer({ minimum: 1 }),
    seqLen: Type.Integer({ minimum: 1 }),
    imageSize: Type.Integer({ minimum: 1 }),
    precision: OneOf(PRECISIONS),
    loadDtype: OrNull(OneOf(LOAD_DTYPES)),
    attention: OneOf(ATTENTION_IMPLS),
    gradientCheckpointing: Type.Boolean(),
    zeroStage: OneOf(ZERO_STAGES),
    zeroAccounting: OneOf(ZERO_ACCOUNTINGS),
    gpus: Type.Integer({ minimum: 1 }),
    offload: OneOf(OFFLOAD_TARGETS),
    lora: Type.Union([Type.Null(), Type.Object({
      rank: Type.Integer({ minimum: 1 }),
      targets: Type.Union([Type.Literal("all-linear"), Type.Array(Type.String())]),
      qlora: Type.Boolean(),
      adapterDtype: Type.Optional(OneOf(FLOAT_DTYPES)),
      computeDtype: Type.Optional(OneOf(FLOAT_DTYPES)),
      int8: Type.Optional(Type.Boolean()),
      prepareKbit: Type.Optional(Type.Boolean()),
      modulesToSave: Type.Optional(Type.Array(Type.String())),
      doubleQuant: Type.Optional(Type.Boolean()),
      quantiseHead: Type.Optional(Type.Boolean()),
      quantisedFrom: Type.Optional(OneOf(FLOAT_DTYPES)),
      savesQuantisedInputs: Type.Optional(Type.Boolean()),
    }, { additionalProperties: false })]),
    optimizerInBackward: Type.Boolean(),
    loss: Type.Union([Type.Object({
      kind: OneOf(["standard", "fused-linear"] as const),
    }, { additionalProperties: false }), Type.Object({
      kind: Type.Literal("chunked"),
      chunks: Type.Integer({ minimum: 1 }),
      compiled: Type.Boolean(),
      logitsHeld: Type.Optional(Type.Boolean()),
    }, { additionalProperties: false })]),
    activationOffload: Type.Boolean(),
    referenceModel: Type.Boolean(),
    zeroGradSetToNone: Type.Boolean(),
    softmaxSavesInput: Type.Boolean(),
    gpuMemoryBytes: Type.Union([Type.Null(), Type.Integer({ minimum: 1 })]),
  }),
  params: Type.Object({
    total: Type.Integer({ minimum: 0 }),
    trainable: Type.Integer({ minimum: 0 }),
  }),
  bytes: Type.Object({
    weights: Bytes,
    gradients: Bytes,
    optimizerState: Bytes,
    masterWeights: Bytes,
    optimizerTemporaries: Bytes,
    activations: Bytes,
    overhead: Bytes,
    cudaContext: Bytes,
    allocatorReserve: Bytes,
    cublasWorkspace: Bytes,
    pagedOptimizerState: Bytes,
    peakAllocated: Bytes,
    peakReserved: Bytes,
    peak: Bytes,
  }, { additionalProperties: false }),
  baseDtype: BaseDtypeSchema,
  weightStorage: Type.Array(Type.Object({
    part: OneOf(["base", "adapter", "modules-to-save", "reference"] as const),
    trainable: Type.Boolean(),
    dtype: Dtype,
    tensors: Type.Integer({ minimum: 1 }),
    elements: Type.Integer({ minimum: 0 }),
    bytes: Bytes,
  }, { additionalProperties: false })),
  fits: OrNull(Type.Boolean()),
  verdict: OrNull(OneOf(["fits", "fits-with-paging", "does-not-fit"] as const)),
  peakPhase: Type.Optional(OneOf(["forward-backward", "optimizer-step"] as const)),
  notes: Type.Optional(Type.Array(Type.String())),
  warnings: Type.Optional(Type.Array(Type.String())),
}, { title: "optimizer-advisor estimate --json (per GPU, bytes)" });
export type EstimateJson = Declared<typeof EstimateJsonSchema>;
