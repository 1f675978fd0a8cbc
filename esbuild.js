// Builds the extension bundle (vscode external), the CLI bundle, the profiler bundles and the sidebar webview.
// Usage: node esbuild.js [--watch] [--production]
const esbuild = require('esbuild');
const { webviewBuildOptions } = require('./webview/build');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints build errors in the "file:line:col: message" form problem matchers read. */
const problemReporter = {
  name: 'problem-reporter',
  setup(build) {
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        if (location) console.error(`${location.file}:${location.line}:${location.column}: error: ${text}`);
        else console.error(`error: ${text}`);
      }
    });
  },
};

/** The package's version, compiled into the bundles (the CLI's --version); unbundled runs say "dev". */
const version = JSON.parse(fs.readFileSync(path.join(__dirname, 'package.json'), 'utf8')).version;

const common = {
  bundle: true,
  define: { OPTIMIZER_ADVISOR_VERSION: JSON.stringify(version) },
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  sourcesContent: false,
  minify: production,
  logLevel: 'silent',
  plugins: [problemReporter],
};

// Native TensorFlow.js backends are optional and loaded at run time from node_modules or from the folder
// "Install GPU Backend" puts them in: never bundled.
const nativeTfjs = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

const builds = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', ...nativeTfjs] },
  // The workspace index's scan worker (src/extension/scan-pool.ts starts it on the first large file): the pure
  // per-file scan, run off the extension host's main loop.
  { ...common, entryPoints: ['src/extension/scan-worker.ts'], outfile: 'dist/scan-worker.js' },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, external: nativeTfjs },
  // The profiler child process: the only place TensorFlow.js is loaded.
  { ...common, entryPoints: ['src/profiler/child.ts'], outfile: 'dist/profiler-child.js', external: nativeTfjs },
  // tfjs-core's CommonJS build registers no gradients; the child loads this bundle of them (src/profiler/gradients.ts).
  { ...common, entryPoints: [require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js')], outfile: 'dist/tfjs-gradients.js', sourcemap: false },
  // The parent side of the profiling sweep: the extension loads it from this file only when a profile runs,
  // so TensorFlow.js (reachable from the sweep's modules) stays out of dist/extension.js.
  { ...common, entryPoints: ['src/profiler/sweep/sweep.ts'], outfile: 'dist/profiler-sweep.js', external: nativeTfjs },
].filter((b) => fs.existsSync(b.entryPoints[0]) || fs.existsSync(path.join(__dirname, b.entryPoints[0])));
// The sidebar webview (browser bundle: dist/webview/main.js + main.css); its entry is a map, so it is added after the filter.
builds.push(webviewBuildOptions({ production, plugins: [problemReporter] }));

/** The wasm backend looks for its .wasm files beside the bundle that loads it. */
function copyWasm() {
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  for (const f of fs.readdirSync(path.join(dir, 'dist')).filter((n) => n.endsWith('.wasm'))) {
    fs.copyFileSync(path.join(dir, 'dist', f), path.join(__dirname, 'dist', f));
  }
}

async function main() {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  if (watch) {
    fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });
    copyWasm();
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  let failed = false;
  for (const c of contexts) {
    try {
      await c.rebuild();
    } catch {
      failed = true;
    }
    await c.dispose();
  }
  copyWasm();
  const cli = path.join(__dirname, 'dist', 'cli.js');
  if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
  if (failed) process.exit(1);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
