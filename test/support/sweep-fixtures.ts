/** What the three sweep test files share: the repository's data folder and an advisor input for a preset. */
import * as path from 'node:path';
import type { AdvisorInput } from '../../src/core/advisor/types';
import { inventoryForRef } from '../../src/core/models';
import { sourceFile } from '../reference/python';

export const ROOT = path.dirname(sourceFile('package.json'));
export const DATA = path.join(ROOT, 'data');

export function advisorInput(ref: string, fineTune = true): AdvisorInput {
  return { model: inventoryForRef(ref), estimateBase: { gpuMemoryBytes: null }, fineTune, priority: 'quality' };
}
