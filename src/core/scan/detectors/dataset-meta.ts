/**
 * nanoGPT's dataset metadata, data/<dataset>/meta.pkl (karpathy/nanoGPT data/shakespeare_char/prepare.py pickles
 * `{'vocab_size': …, 'itos': …, 'stoi': …}`; train.py reads `meta['vocab_size']` from `data/<dataset>/meta.pkl` when
 * the file exists, else uses GPT-2's padded 50304). The walks read it by its name as bytes (../walk-rules.ts
 * SYNTAX_BY_NAME), and the bounded pickle reader (../../parse/pickle.ts) reads it without executing anything. A
 * pickle it cannot read (over its size bound, an opcode other than those of a dict of ints and strings, truncated)
 * is a finding with the reason and the byte where the reading stopped; the job then assumes nanoGPT's default.
 * The file forms no job: a nanoGPT job whose script reads it (../module-globals.ts) takes it in.
 * Positions in a binary file count bytes: line 1, column = byte offset + 1 (a pickle's bytes may include 0x0a,
 * which is no line break).
 */
import { latin1Bytes, pickleDictIntAt, readPickle } from '../../parse/pickle';
import type { Detection, Detector } from '../detector';
import { baseName } from '../paths';

export const DATASET_META_KIND = 'nanogpt-dataset-meta';

export const datasetMetaDetector: Detector = {
  kind: DATASET_META_KIND,
  syntaxes: ['pickle'],
  acceptsJsonc: false,
  matches: (file) => baseName(file.path) === 'meta.pkl',
  detect(file): Detection {
    const at = (offset: number) => ({ line: 1, column: offset + 1, endLine: 1, endColumn: offset + 2 });
    const empty = { settings: {}, sources: {}, defaults: [], defaultSettings: {} };
    const read = readPickle(latin1Bytes(file.text));
    const failed = (message: string, offset: number): Detection => {
      return { fields: [], error: { message, line: 1, column: Math.min(offset, file.text.length) + 1 }, warnings: [], role: 'dataset', contribution: empty, links: [] };
    };
    if (!read.ok) return failed(`meta.pkl is not read (${read.reason}): the reader takes a pickled dict of ints and strings and executes nothing`, read.offset ?? 0);
    const vocab = pickleDictIntAt(read, 'vocab_size');
    if (vocab === undefined || vocab.value < 1) return failed("meta.pkl holds no positive integer 'vocab_size'", 0);
    const range = at(vocab.offset);
    return {
      fields: [{ name: 'vocab_size', value: vocab.value, range }],
      error: null,
      warnings: [],
      role: 'dataset',
      contribution: empty,
      links: [],
      datasetMeta: { vocabSize: vocab.value, range },
    };
  },
};
