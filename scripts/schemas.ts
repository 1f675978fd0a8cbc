/**
 * Writes schemas/*.json from the declarations of the CLI's JSON documents (src/cli/json/): the files
 * are generated, never edited by hand. `npm run schemas`; test/unit/schemas.test.ts fails when a
 * committed file differs from what this writes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generatedSchemaFiles } from '../src/cli/json';

const dir = path.resolve(__dirname, '..', '..', 'schemas');
for (const [file, text] of Object.entries(generatedSchemaFiles())) {
  fs.writeFileSync(path.join(dir, file), text);
  console.log(`wrote schemas/${file}`);
}
