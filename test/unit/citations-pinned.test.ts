/**
 * Citations to GitHub files point at a commit, not a branch (README, "Development"): every github.com
 * blob/tree/raw URL and raw.githubusercontent.com URL in the TypeScript sources under src/ and
 * webview/src names a 40-hex commit, or a `${NAME}` whose `const NAME = '<40-hex>'` is declared in the
 * same file. A URL on main, master, dev, a tag or any other ref fails with its file:line. The few URLs
 * that could not be pinned are listed in EXEMPT with the reason; an exemption that no longer matches
 * fails too, so the list cannot go stale.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCANNED = ['src', path.join('webview', 'src')];

/** A GitHub URL whose ref was not pinned on purpose: the file, the URL up to and including its path, and why. */
interface Exemption {
  readonly file: string;
  readonly url: string;
  readonly reason: string;
}

const TRANSFORMERS_TAG =
  'transformers release tag v4.46.0, read at that release; the tag\'s commit cannot be resolved here (the repository ' +
  'snapshot is over the size limit and the file index holds one later version of each file)';
const modelFamily = (file: string, model: string): Exemption => ({
  file: `src/core/models/families/${file}.ts`,
  url: `https://github.com/huggingface/transformers/blob/v4.46.0/src/transformers/models/${model}/modeling_${model}.py`,
  reason: TRANSFORMERS_TAG,
});

const EXEMPT: readonly Exemption[] = [
  modelFamily('bert', 'bert'),
  modelFamily('clip', 'clip'),
  modelFamily('gemma', 'gemma'),
  modelFamily('gpt2', 'gpt2'),
  modelFamily('gpt_neox', 'gpt_neox'),
  modelFamily('llama', 'llama'),
  modelFamily('mistral', 'mistral'),
  modelFamily('mixtral', 'mixtral'),
  modelFamily('phi3', 'phi3'),
  modelFamily('qwen2', 'qwen2'),
  modelFamily('roberta', 'roberta'),
  modelFamily('t5', 't5'),
  modelFamily('vit', 'vit'),
  {
    file: 'src/core/models/families/efficientnet.ts',
    url: 'https://github.com/pytorch/vision/blob/main/torchvision/models/efficientnet.py',
    reason: 'the one stored torchvision version reachable here predates _efficientnet_conf and Conv2dNormActivation',
  },
  {
    file: 'src/core/optimizers/rmsprop.ts',
    url: 'https://github.com/pytorch/pytorch/blob/main/torch/optim/rmsprop.py',
    reason: 'the one stored rmsprop.py reachable here is the 2016 file without _init_group',
  },
  {
    file: 'src/core/memory/optimizer-temporaries.ts',
    url: 'https://github.com/pytorch/pytorch/blob/main/torch/optim/rmsprop.py',
    reason: 'the one stored rmsprop.py reachable here is the 2016 file without _multi_tensor_rmsprop',
  },
  {
    file: 'src/core/optimizers/sources.ts',
    url: 'https://github.com/huggingface/transformers/blob/main/src/transformers/trainer.py',
    reason: 'the one stored trainer.py reachable here registers the 32-bit embedding override only for a class named Adam8bit',
  },
  {
    file: 'src/core/memory/overhead.ts',
    url: 'https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/cuda/CublasHandlePool.cpp',
    reason: 'the one stored CublasHandlePool.cpp reachable here lacks the quoted "32MiB for Hopper and Blackwell" comment',
  },
];

const SHA = /^[0-9a-f]{40}$/;
/** github.com/<owner>/<repo>/(blob|tree|raw)/<ref>/<path> and raw.githubusercontent.com/<owner>/<repo>/<ref>/<path>. */
const GITHUB_URL =
  /https?:\/\/(?:github\.com\/[\w.-]+\/[\w.-]+\/(?:blob|tree|raw)\/|raw\.githubusercontent\.com\/[\w.-]+\/[\w.-]+\/)(\$\{\w+\}|[^/\s'"`)#?]+)[^\s'"`)#?]*/g;
const SHA_CONST = /\bconst\s+(\w+)\s*=\s*'([0-9a-f]{40})'/g;

export interface Unpinned {
  readonly line: number;
  readonly url: string;
  readonly ref: string;
}

/** The GitHub URLs in one file's text whose ref is neither a commit nor a constant holding one. */
export function unpinnedUrls(text: string): Unpinned[] {
  const shaConsts = new Set([...text.matchAll(SHA_CONST)].map((m) => m[1]));
  const out: Unpinned[] = [];
  const lines = text.split('\n');
  lines.forEach((lineText, i) => {
    for (const m of lineText.matchAll(GITHUB_URL)) {
      const ref = m[1] ?? '';
      const constName = /^\$\{(\w+)\}$/.exec(ref)?.[1];
      const pinned = SHA.test(ref) || (constName !== undefined && shaConsts.has(constName));
      if (!pinned) out.push({ line: i + 1, url: m[0], ref });
    }
  });
  return out;
}

function sourceFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => path.join(dir, f).split(path.sep).join('/'))
    .sort();
}

test('citations-pinned: the checker flags branch, tag and unknown-constant refs and accepts commits', () => {
  const sha = '0123456789abcdef0123456789abcdef01234567';
  const text = [
    `const COMMIT = '${sha}';`,
    "url: 'https://github.com/o/r/blob/main/a.py',",
    `url: 'https://github.com/o/r/blob/${sha}/a.py',`,
    'url: `https://github.com/o/r/tree/${COMMIT}/dir`,',
    'url: `https://github.com/o/r/blob/${OTHER}/a.py`,',
    "see https://github.com/o/r/tree/master/config and https://raw.githubusercontent.com/o/r/dev/x.json",
    "url: 'https://github.com/o/r/blob/v1.2.3/a.py#L3',",
    `url: 'https://raw.githubusercontent.com/o/r/${sha}/x.json',`,
    "url: 'https://github.com/o/r/pull/12', home: 'https://github.com/o/r'",
  ].join('\n');
  assert.deepEqual(
    unpinnedUrls(text).map((u) => `${u.line} ${u.ref}`),
    ['2 main', '5 ${OTHER}', '6 master', '6 dev', '7 v1.2.3'],
  );
});

test('citations-pinned: every GitHub file URL in src/ and webview/src names a commit', () => {
  const files = SCANNED.flatMap(sourceFiles);
  assert.ok(files.length > 100, `expected the sources under ${SCANNED.join(', ')}, found ${files.length} files`);
  const used = new Set<Exemption>();
  const failures: string[] = [];
  for (const file of files) {
    for (const u of unpinnedUrls(fs.readFileSync(path.join(ROOT, file), 'utf8'))) {
      const exemption = EXEMPT.find((e) => e.file === file && e.url === u.url);
      if (exemption !== undefined) used.add(exemption);
      else failures.push(`${file}:${u.line}: ${u.url} (ref "${u.ref}")`);
    }
  }
  assert.deepEqual(failures, [], `GitHub URLs on a branch or tag, not a commit:\n${failures.join('\n')}`);
  const stale = EXEMPT.filter((e) => !used.has(e)).map((e) => `${e.file}: ${e.url}`);
  assert.deepEqual(stale, [], `exemptions that match no URL any more:\n${stale.join('\n')}`);
});
