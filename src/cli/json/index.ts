/**
 * The CLI's JSON documents, each declared once (this folder), and the JSON Schema files generated
 * from the declarations: schemas/<name>.schema.json (`npm run schemas` writes them, scripts/schemas.ts;
 * test/unit/schemas.test.ts checks the committed files are these). Pure.
 */
import type { TSchema } from '@sinclair/typebox';
import { EstimateJsonSchema } from './estimate';
import { ParamsJsonSchema } from './params';
import { ProfileJsonSchema } from './profile';
import { RecommendJsonSchema } from './recommend';
import { ScanJsonSchema } from './scan';

/** File name under schemas/ -> the declaration. */
export const JSON_DOCUMENTS: Readonly<Record<string, TSchema>> = {
  'params.schema.json': ParamsJsonSchema,
  'estimate.schema.json': EstimateJsonSchema,
  'scan.schema.json': ScanJsonSchema,
  'profile.schema.json': ProfileJsonSchema,
  'recommend.schema.json': RecommendJsonSchema,
};

/** The text of each generated schema file (draft-07, the dialect the files have always declared). */
export function generatedSchemaFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, schema] of Object.entries(JSON_DOCUMENTS)) {
    const document = { $schema: 'http://json-schema.org/draft-07/schema#', $id: `https://optimizer-advisor/schemas/${ file}`, ...schema };
    out[file] = `${ JSON.stringify(document, null, 2)}\n`;
  }
  return out;
}
