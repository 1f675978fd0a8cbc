/**
 * The `params --json` document: the model, its parameter counts and every tensor. Declared once: the TypeScript type below, and schemas/params.schema.json generated from it
 * (`npm run schemas`, scripts/schemas.ts; a unit test checks the committed file is the generated one).
 */
import type { Declared } from '../../core/schema/check';
import { Type } from '../../core/schema/declare';

/** The model the figures are for: where it was read, and the family and class built (`params` and `estimate`). */
export const ModelUsedSchema = Type.Object({
  source: Type.String(),
  family: Type.String(),
  architecture: Type.String(),
});

export const ParamsJsonSchema = Type.Object({
  model: ModelUsedSchema,
  total: Type.Integer({ minimum: 0 }),
  trainable: Type.Integer({ minimum: 0 }),
  warnings: Type.Optional(Type.Array(Type.String())),
  tensors: Type.Array(Type.Object({
    name: Type.String(),
    shape: Type.Array(Type.Integer({ minimum: 0 })),
    numel: Type.Integer({ minimum: 0 }),
    role: Type.String(),
    module: Type.Optional(Type.String()),
    trainable: Type.Boolean(),
    tiedTo: Type.Optional(Type.String()),
  }, { additionalProperties: false })),
}, { title: "optimizer-advisor params --json", additionalProperties: false });
export type ParamsJson = Declared<typeof ParamsJsonSchema>;
