// Lint and the layer rules (design: "dependencies point downwards only"), run by `npm test` (step "lint").
//
//   webview/  ->  src/webview-protocol.ts, src/charts  ->  src/core
//   src/extension  ->  src/profiler, src/charts, src/platform, src/core   (never src/cli)
//   src/cli  ->  src/profiler, src/charts, src/platform, src/core
//   src/profiler  ->  src/core          src/charts  ->  src/core          src/platform  ->  src/core
//   src/core  ->  nothing outside src/core: no node:* module, no vscode
//
// Only src/platform/process.ts imports node:child_process: every other file starts processes through it.
//
// A layer that imports upwards fails `no-restricted-imports` with the message below; test/unit/lint.test.ts
// checks that a deliberately wrong import does.
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'http', 'https', 'net', 'crypto', 'util', 'url', 'stream', 'zlib', 'worker_threads'];

/** Relative-import patterns (gitignore syntax, matched against the import string) of each top-level part of src/. */
const PART = {
  core: ['**/core', '**/core/**'],
  charts: ['**/charts', '**/charts/**'],
  platform: ['**/platform', '**/platform/**'],
  profiler: ['**/profiler', '**/profiler/**'],
  cli: ['**/cli', '**/cli/**'],
  extension: ['**/extension', '**/extension/**'],
  protocol: ['**/webview-protocol'],
};

/** Child processes start in one place (design.md, "one implementation per concept"). */
const SUPERVISOR = 'src/platform/process.ts';
const ONE_SUPERVISOR = { group: ['node:child_process', 'child_process'], message: `processes start through the one supervisor, superviseProcess in ${SUPERVISOR}.` };

function layer(files, forbidden, why, extra = [], { ignores = [], spawns = false } = {}) {
  return {
    files,
    ...(ignores.length > 0 ? { ignores } : {}),
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...(forbidden.length > 0 ? [{ group: forbidden.flatMap((p) => PART[p]), message: why }] : []),
          ...extra,
          ...(spawns ? [] : [ONE_SUPERVISOR]),
        ],
      }],
    },
  };
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', 'artifacts/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  comments.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Every eslint-disable says why on the same line ("-- reason").
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The house loads heavy and optional modules lazily with require() inside functions (TensorFlow.js
      // backends, the sidebar, the GPU installer), typed with import() type queries (design.md).
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  layer(['src/core/**/*.ts'], ['charts', 'platform', 'profiler', 'cli', 'extension', 'protocol'],
    'src/core is the bottom layer: it imports nothing from the layers above it (design.md, "Layers").',
    [{ group: NODE_BUILTINS, message: 'src/core does no I/O of its own: Node modules belong to the adapters (cli, extension, profiler, platform).' },
      { group: ['vscode'], message: 'src/core runs under plain Node: no vscode import.' }]),
  layer(['src/charts/**/*.ts'], ['platform', 'profiler', 'cli', 'extension', 'protocol'],
    'src/charts imports only src/core (design.md, "Layers").', [{ group: ['vscode'], message: 'src/charts renders in the webview and the CLI: no vscode import.' }]),
  layer(['src/platform/**/*.ts'], ['charts', 'profiler', 'cli', 'extension', 'protocol'], 'src/platform imports only src/core.', [{ group: ['vscode'], message: 'no vscode import below src/extension.' }], { ignores: [SUPERVISOR] }),
  layer([SUPERVISOR], ['charts', 'profiler', 'cli', 'extension', 'protocol'], 'src/platform imports only src/core.', [{ group: ['vscode'], message: 'no vscode import below src/extension.' }], { spawns: true }),
  layer(['src/profiler/**/*.ts'], ['charts', 'cli', 'extension', 'protocol'], 'src/profiler imports only src/core and src/platform.', [{ group: ['vscode'], message: 'no vscode import below src/extension.' }]),
  layer(['src/cli/**/*.ts'], ['extension', 'protocol'], 'src/cli is a front end beside src/extension: it never imports it.', [{ group: ['vscode'], message: 'the CLI runs without VS Code.' }]),
  layer(['src/extension/**/*.ts'], ['cli'], 'src/extension never imports src/cli: what both need lives in a lower layer.'),
  layer(['src/webview-protocol.ts'], ['charts', 'platform', 'profiler', 'cli', 'extension'], 'the webview protocol imports only src/core.', [{ group: ['vscode'], message: 'the protocol is shared with the webview: no vscode import.' }]),
  layer(['webview/src/**/*.ts'], ['platform', 'profiler', 'cli', 'extension'], 'the webview talks to the extension only through the protocol.',
    [{ group: [...NODE_BUILTINS, 'vscode'], message: 'the webview runs in a browser: no Node module, no vscode.' }]),
);
