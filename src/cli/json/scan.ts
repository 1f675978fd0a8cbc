/**
 * The `scan --json` document: what each file holds (with ranges) and the jobs joined from them. Declared once: the TypeScript type below, and schemas/scan.schema.json generated from it
 * (`npm run schemas`, scripts/schemas.ts; a unit test checks the committed file is the generated one).
 */
import type { Declared } from '../../core/schema/check';
import { OneOf, Type } from '../../core/schema/declare';

const Range = Type.Object({
  line: Type.Integer({ minimum: 1 }),
  column: Type.Integer({ minimum: 1 }),
  endLine: Type.Integer({ minimum: 1 }),
  endColumn: Type.Integer({ minimum: 1 }),
}, { additionalProperties: false });
export const ScanJsonSchema = Type.Object({
  root: Type.Optional(Type.String()),
  findings: Type.Array(Type.Object({
    path: Type.String({ minLength: 1, description: "Relative to the scanned root, '/' between folders. On Linux and macOS a name may itself contain '\\' (a legal character there), so '\\' is not a separator." }),
    kind: Type.String(),
    fields: Type.Array(Type.Object({
      name: Type.String(),
      value: Type.Unknown(),
      range: Range,
    }, { additionalProperties: false })),
    error: Type.Optional(Type.Object({
      message: Type.String(),
      line: Type.Integer({ minimum: 1 }),
      column: Type.Integer({ minimum: 1 }),
    }, { additionalProperties: false })),
  }, { additionalProperties: false })),
  jobs: Type.Array(Type.Object({
    id: Type.String(),
    folder: Type.String(),
    files: Type.Array(Type.String()),
    model: Type.Union([Type.Null(), Type.Object({
      kind: OneOf(["config-file", "hub-id", "local-path", "script-config"] as const, { description: "config-file: a config of the scan (path); hub-id: a Hub repo id (id, revision when the job names one, subfolder when the model is a folder of a pipeline repo such as diffusers' unet); local-path: a folder or file outside the workspace, as written (value); script-config: a model the training script builds from its own globals (name, config, path/range where it is chosen, and vocab: its vocabulary size with the file and range it is read from, or the assumption)" }),
    })]),
    settings: Type.Object({}),
    sources: Type.Optional(Type.Object({})),
    optimizerFileKind: Type.Optional(Type.String({ description: "the kind of the file that writes the job's optimizer (a finding's kind, e.g. lightning-cli-config): the format the change to paste is written in first" })),
    assumptions: Type.Optional(Type.Array(Type.String(), { description: "what the job's files leave open (a launch script's unset variables, ...), as sentences naming file:line:column" })),
    autoValues: Type.Optional(Type.Array(Type.Object({
      path: Type.String(),
      key: Type.String({ description: "the key relative to the DeepSpeed config, dotted" }),
      range: Range,
      value: Type.Unknown({ description: "the value the Hugging Face Trainer fills in; null when the workspace does not say" }),
      from: Type.String({ description: "where the value comes from, or what it would take" }),
      awaits: Type.Optional(OneOf(["model"] as const)),
    }, { additionalProperties: false }), { description: "DeepSpeed \"auto\" values of the job, filled as the Hugging Face Trainer fills them (value null: not known from the workspace)" })),
  })),
  skipped: Type.Optional(Type.Array(Type.Object({
    path: Type.String(),
    reason: Type.String(),
  }))),
}, { title: "optimizer-advisor scan --json" });
export type ScanJson = Declared<typeof ScanJsonSchema>;
