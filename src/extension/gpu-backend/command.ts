/**
 * "Optimizer Advisor: Install GPU Backend" and "Remove GPU Backend". Installing refuses in an
 * untrusted workspace and on platforms without a GPU build, asks a modal confirmation that says what
 * is downloaded, where it goes and what it needs, runs the installer (install.ts) under a cancellable
 * progress notification with its output in the log, then checks with the profiler child which backend
 * loads (verify.ts). Loaded only when one of the commands runs (extension.ts requires it lazily).
 *
 * Arguments (tests and other callers): `{ confirmed: true }` skips the modal confirmation — the
 * command palette and the sidebar pass no argument, so a person always sees it.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SECTION } from '../config';
import type { Log } from '../log';
import { findNpm, installGpuBackend, removeGpuBackend, type InstallFailure, type InstallFailureKind, type InstallStep } from './install';
import { gpuBackendDir, readInstalled, writeMarker } from './location';
import { GPU_BACKEND_SPEC, GPU_PLATFORMS, GPU_REQUIREMENTS, gpuPlatformSupported, LIBTENSORFLOW_HOST, LIBTENSORFLOW_VERSION, TFJS_VERSION } from './spec';
import { verifyGpuBackend, type Verification } from './verify';

export interface GpuBackendServices {
  readonly globalStorageUri: vscode.Uri;
  /** Root of the installed extension (dist/profiler-child.js). */
  readonly extensionPath: string;
  readonly log: Log;
}

export type GpuBackendInstallAnswer =
  | { readonly outcome: 'refused'; readonly reason: 'untrusted' | 'platform' | 'npm-not-found' | 'busy'; readonly message: string }
  | { readonly outcome: 'declined' }
  | { readonly outcome: 'failed'; readonly kind: InstallFailureKind; readonly message: string }
  | { readonly outcome: 'installed'; readonly dir: string; readonly version: string; readonly verification: Verification; readonly message: string };

export type GpuBackendRemoveAnswer =
  | { readonly outcome: 'removed' | 'nothing-installed'; readonly dir: string }
  | { readonly outcome: 'declined' }
  | { readonly outcome: 'failed'; readonly message: string };

let running = false;

function confirmedByCaller(arg: unknown): boolean {
  return typeof arg === 'object' && arg !== null && (arg as { confirmed?: unknown }).confirmed === true;
}

/** The installer's failure frames (install.ts FAILURE_FRAMES), localised. */
const FAILURE_TEXT: Readonly<Record<InstallFailureKind, (detail: string) => string>> = {
  'npm-not-found': (d) => vscode.l10n.t('npm was not found: {0}', d),
  'npm-failed': (d) => vscode.l10n.t('npm install failed: {0}', d),
  'download-failed': (d) => vscode.l10n.t('downloading libtensorflow failed: {0}', d),
  'binding-failed': (d) => vscode.l10n.t('the native binding (tfjs_binding.node) could not be downloaded or built: {0}', d),
  'script-failed': (d) => vscode.l10n.t("the package's install script failed: {0}", d),
  cancelled: (d) => vscode.l10n.t('cancelled: {0}', d),
  timeout: (d) => vscode.l10n.t('stopped at the time limit: {0}', d),
  busy: (d) => vscode.l10n.t('another installation is running: {0}', d),
  io: (d) => vscode.l10n.t('the install folder could not be written: {0}', d),
};

function failureText(f: InstallFailure): string {
  return vscode.l10n.t('Optimizer Advisor: the GPU backend was not installed: {0}', FAILURE_TEXT[f.kind](f.detail));
}

/** A non-modal message with "Show Log"; not awaited, so the command returns at once. */
function notify(kind: 'info' | 'warning' | 'error', message: string, log: Log): void {
  const show = vscode.l10n.t('Show Log');
  const shown =
    kind === 'info' ? vscode.window.showInformationMessage(message, show)
    : kind === 'warning' ? vscode.window.showWarningMessage(message, show)
    : vscode.window.showErrorMessage(message, show);
  void shown.then((pick) => {
    if (pick === show) log.show();
  });
}

function stepMessage(step: InstallStep): string {
  switch (step) {
    case 'npm':
      return vscode.l10n.t('npm install {0}…', GPU_BACKEND_SPEC);
    case 'install-script':
      return vscode.l10n.t('downloading libtensorflow {0} (GPU build) and the native binding…', LIBTENSORFLOW_VERSION);
    case 'finish':
      return vscode.l10n.t('putting the install in place…');
  }
}

function confirmationDetail(dir: string, npm: string): string {
  const t = vscode.l10n.t;
  return [
    t('Downloads {0} (the TensorFlow.js release the profiler uses) and its dependencies from the npm registry; its install script then downloads libtensorflow {1} (GPU build) and the prebuilt native binding from {2}.', GPU_BACKEND_SPEC, LIBTENSORFLOW_VERSION, LIBTENSORFLOW_HOST),
    t('Installs into {0}; nothing else on this machine changes, and "Remove GPU Backend" deletes it.', dir),
    t('The GPU build needs an NVIDIA GPU with driver {0}, CUDA {1} and cuDNN {2} (tfjs-node {3} README). Without them profiling keeps to the CPU backends and says why.', GPU_REQUIREMENTS.driver, GPU_REQUIREMENTS.cuda, GPU_REQUIREMENTS.cudnn, TFJS_VERSION),
    t('npm: {0}', npm),
  ].join('\n\n');
}

function verificationMessage(dir: string, v: Verification): { kind: 'info' | 'warning' | 'error'; text: string } {
  switch (v.outcome) {
    case 'gpu':
      return { kind: 'info', text: vscode.l10n.t('Optimizer Advisor: GPU backend installed; profiling runs TensorFlow on the GPU ({0}).', v.location ?? dir) };
    case 'fallback':
      return { kind: 'warning', text: vscode.l10n.t('Optimizer Advisor: GPU backend installed in {0}, but profiling cannot use it: {1}. Profiling will use {2}.', dir, v.gpuReason ?? v.detail, v.backend ?? '?') };
    case 'crashed':
      return { kind: 'error', text: vscode.l10n.t('Optimizer Advisor: GPU backend installed in {0}, but loading it crashed the profiler ({1}); it will not be used. "Remove GPU Backend" deletes it.', dir, v.detail) };
    case 'failed':
      return { kind: 'warning', text: vscode.l10n.t('Optimizer Advisor: GPU backend installed in {0}; the check that the profiler can load it did not finish: {1}', dir, v.detail) };
  }
}

export async function installGpuBackendCommand(arg: unknown, s: GpuBackendServices): Promise<GpuBackendInstallAnswer> {
  const t = vscode.l10n.t;
  if (!vscode.workspace.isTrusted) {
    const message = t('Optimizer Advisor: installing the GPU backend runs npm and a download script on this machine; trust the workspace first (Workspaces: Manage Workspace Trust).');
    void vscode.window.showErrorMessage(message);
    return { outcome: 'refused', reason: 'untrusted', message };
  }
  if (!gpuPlatformSupported(process.platform, process.arch)) {
    const message = t('Optimizer Advisor: TensorFlow.js has a GPU build for {0} only; this machine is {1} {2}. Profiling uses the CPU backends here.', GPU_PLATFORMS.map((p) => p.label).join(', '), process.platform, process.arch);
    void vscode.window.showErrorMessage(message);
    return { outcome: 'refused', reason: 'platform', message };
  }
  if (running) {
    const message = t('Optimizer Advisor: the GPU backend is being installed already.');
    void vscode.window.showWarningMessage(message);
    return { outcome: 'refused', reason: 'busy', message };
  }
  const configured = vscode.workspace.getConfiguration(SECTION).get<string>('npmPath', '');
  const npm = findNpm(configured);
  if ('ok' in npm) {
    const message = failureText(npm);
    s.log.error(`gpu backend: ${npm.message}`);
    notify('error', message, s.log);
    return { outcome: 'refused', reason: 'npm-not-found', message };
  }
  const storageDir = s.globalStorageUri.fsPath;
  const dir = gpuBackendDir(storageDir);
  if (!confirmedByCaller(arg)) {
    const install = t('Install');
    const pick = await vscode.window.showWarningMessage(t('Install the GPU backend for profiling?'), { modal: true, detail: confirmationDetail(dir, npm.npm) }, install);
    if (pick !== install) return { outcome: 'declined' };
  }

  running = true;
  try {
    s.log.info(`gpu backend: installing ${GPU_BACKEND_SPEC} into ${dir} with ${npm.npm}`);
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: t('Optimizer Advisor: installing the GPU backend'), cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const cancel = token.onCancellationRequested(() => controller.abort());
        try {
          const result = await installGpuBackend({
            storageDir,
            npm: npm.npm,
            signal: controller.signal,
            onStep: (step) => progress.report({ message: stepMessage(step) }),
            onLine: (source, line) => s.log.info(`gpu backend: ${source}: ${line}`),
          });
          if (!result.ok) return { ok: false as const, failure: result };
          progress.report({ message: t('checking that the profiler can load it…') });
          const verification = await verifyGpuBackend({ dir: result.dir, childScript: path.join(s.extensionPath, 'dist', 'profiler-child.js'), signal: controller.signal });
          return { ok: true as const, result, verification };
        } finally {
          cancel.dispose();
        }
      },
    );
    if (!outcome.ok) {
      const f = outcome.failure;
      s.log.error(`gpu backend: ${f.message}`);
      const message = failureText(f);
      notify(f.kind === 'cancelled' ? 'info' : 'error', message, s.log);
      return { outcome: 'failed', kind: f.kind, message };
    }
    const { result, verification } = outcome;
    s.log.info(`gpu backend: ${result.version} installed in ${result.dir} (${(result.durationMs / 1000).toFixed(1)} s); check: ${verification.outcome}: ${verification.detail}`);
    const installed = readInstalled(storageDir);
    if (installed !== null) {
      const { outcome: o, detail, at } = verification;
      writeMarker(installed.dir, { ...installed.marker, verification: { outcome: o, detail, at, ...(verification.backend !== undefined ? { backend: verification.backend } : {}) } });
    }
    const shown = verificationMessage(result.dir, verification);
    notify(shown.kind, shown.text, s.log);
    return { outcome: 'installed', dir: result.dir, version: result.version, verification, message: shown.text };
  } finally {
    running = false;
  }
}

export async function removeGpuBackendCommand(arg: unknown, s: GpuBackendServices): Promise<GpuBackendRemoveAnswer> {
  const t = vscode.l10n.t;
  const storageDir = s.globalStorageUri.fsPath;
  const dir = gpuBackendDir(storageDir);
  if (running) {
    const message = t('Optimizer Advisor: the GPU backend is being installed; remove it once that has finished.');
    void vscode.window.showWarningMessage(message);
    return { outcome: 'failed', message };
  }
  if (readInstalled(storageDir) === null && !(await exists(vscode.Uri.file(dir)))) {
    void vscode.window.showInformationMessage(t('Optimizer Advisor: no GPU backend is installed.'));
    return { outcome: 'nothing-installed', dir };
  }
  if (!confirmedByCaller(arg)) {
    const remove = t('Remove');
    const pick = await vscode.window.showWarningMessage(t('Remove the GPU backend?'), { modal: true, detail: t('Deletes {0}. Profiling then uses the CPU backends.', dir) }, remove);
    if (pick !== remove) return { outcome: 'declined' };
  }
  const removed = removeGpuBackend(storageDir);
  if ('ok' in removed) {
    s.log.error(`gpu backend: ${removed.message}`);
    const message = t('Optimizer Advisor: the GPU backend could not be removed: {0}', FAILURE_TEXT[removed.kind](removed.detail));
    notify('error', message, s.log);
    return { outcome: 'failed', message };
  }
  s.log.info(`gpu backend: removed ${dir}`);
  void vscode.window.showInformationMessage(t('Optimizer Advisor: the GPU backend was removed ({0}).', dir));
  return { outcome: removed.removed ? 'removed' : 'nothing-installed', dir };
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
