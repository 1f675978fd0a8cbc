/**
 * Extension entry point: thin. It wires the settings, the log, the workspace index, the advisor
 * service, the editor providers, the commands, the status bar and the sidebar view, pushes every disposable to
 * `context.subscriptions`, and returns immediately; indexing and GPU detection start right after
 * activation, off its critical path. Failures are logged and shown, never thrown at VS Code.
 */
import * as vscode from 'vscode';
import type { JobEvaluation } from '../core/evaluate';
import { AdvisorService } from './advisor-service';
import { estimateCommand } from './commands/estimate';
import { setGpuBudgetCommand } from './commands/gpu-budget';
import { recommendCommand } from './commands/recommend';
import { scanCommand } from './commands/scan';
import { disableRule, ignoreFileDiagnostics } from './commands/settings';
import { Config } from './config';
import type { GpuBudget } from './hints/budget';
import { createLog, reportError, type Log } from './log';
import { AdvisorCodeActionProvider, DISABLE_RULE_COMMAND, IGNORE_FILE_COMMAND } from './providers/code-actions';
import { AdvisorCodeLensProvider, RECOMMEND_COMMAND } from './providers/codelens';
import { DOCUMENT_SELECTOR } from './providers/convert';
import { AdvisorDiagnostics } from './providers/diagnostics';
import { AdvisorHoverProvider } from './providers/hover';
import { registerSidebarView, type SidebarHandle } from './sidebar/register';
import { BudgetStatusBar, SET_GPU_BUDGET_COMMAND } from './status-bar';
import { WorkspaceIndex, type IndexActivity } from './workspace-index';
import { ExtensionModelLookup } from './model-lookup';
import { pickModelCommand, PICK_MODEL_COMMAND } from './commands/pick-model';

export const COMMANDS = {
  recommend: RECOMMEND_COMMAND,
  estimateMemory: 'optimizerAdvisor.estimateMemory',
  scanWorkspace: 'optimizerAdvisor.scanWorkspace',
  setGpuBudget: SET_GPU_BUDGET_COMMAND,
  showLog: 'optimizerAdvisor.showLog',
  installGpuBackend: 'optimizerAdvisor.installGpuBackend',
  removeGpuBackend: 'optimizerAdvisor.removeGpuBackend',
  pickModelConfig: PICK_MODEL_COMMAND,
} as const;

/** The GPU backend commands (installer, profiler check): loaded when one of them runs, not at activation. */
type GpuBackendCommands = typeof import('./gpu-backend/command');
function gpuBackendCommands(): GpuBackendCommands {
  return require('./gpu-backend/command') as GpuBackendCommands;
}

/** What the extension exports (tests and other extensions): read-only views of its state. */
export interface OptimizerAdvisorApi {
  /** Resolves once the workspace is indexed, GPUs are detected and every job is evaluated. */
  ready(): Promise<void>;
  jobs(): { readonly folder: string; readonly id: string; readonly key: string; readonly files: readonly string[]; readonly evaluated: boolean; readonly error: string | null; readonly needsModelConfig: string | null }[];
  evaluation(jobId: string, folder?: string): JobEvaluation | undefined;
  budget(): GpuBudget;
  statusBarText(): string;
  /** The sidebar view: the deps it uses and how often VS Code resolved it. */
  readonly sidebar: Pick<SidebarHandle, 'deps' | 'resolvedCount'>;
  /** Milliseconds activate() took (reading the workspace happens after it returns). */
  readonly activationMs: number;
  /** Workspace storage: the sidebar's saved profile results live under it (saved-profiles.ts); undefined without a folder. */
  readonly storageUri: vscode.Uri | undefined;
  /** Fires when the index starts reading or scanning a folder's files, and when it publishes the folder's scan. */
  readonly onDidChangeIndexing: vscode.Event<{ readonly folder: string; readonly phase: IndexActivity['phase']; readonly files: number }>;
  /** Where per-file scans run: 'worker' (files over 64 KiB in the scan worker) or 'main' (the fallback, with its reason). */
  scanMode(): { readonly mode: 'worker' | 'main'; readonly reason: string | null };
}

function safe<A extends unknown[], R>(log: Log, what: string, fn: (...args: A) => Promise<R> | R): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (e) {
      reportError(log, what, e);
      return undefined;
    }
  };
}

export function activate(context: vscode.ExtensionContext): OptimizerAdvisorApi | undefined {
  const started = Date.now();
  const log = createLog();
  context.subscriptions.push(log);
  try {
    const config = new Config();
    const index = new WorkspaceIndex(config, log);
    // The model lookups re-evaluate the jobs when a Hub answer arrives or a picked model changes.
    const models = new ExtensionModelLookup(context, log, () => service.reevaluate());
    const service: AdvisorService = new AdvisorService(index, config, log, models, context.storageUri);
    const diagnostics = new AdvisorDiagnostics(service);
    const statusBar = new BudgetStatusBar(service);
    const reg = vscode.commands.registerCommand;
    const gpuServices = { globalStorageUri: context.globalStorageUri, extensionPath: context.extensionPath, log };
    context.subscriptions.push(
      index,
      service,
      diagnostics,
      statusBar,
      vscode.languages.registerCodeLensProvider(DOCUMENT_SELECTOR, new AdvisorCodeLensProvider(service, config)),
      vscode.languages.registerHoverProvider(DOCUMENT_SELECTOR, new AdvisorHoverProvider(service, config)),
      vscode.languages.registerCodeActionsProvider(DOCUMENT_SELECTOR, new AdvisorCodeActionProvider(service, index), {
        providedCodeActionKinds: AdvisorCodeActionProvider.providedCodeActionKinds,
      }),
      reg(COMMANDS.recommend, safe(log, vscode.l10n.t('Recommend Optimizer'), (arg?: unknown) => recommendCommand(arg, service, index, log))),
      reg(COMMANDS.estimateMemory, safe(log, vscode.l10n.t('Estimate Memory'), (arg?: unknown) => estimateCommand(arg, service, index, log))),
      reg(COMMANDS.scanWorkspace, safe(log, vscode.l10n.t('Scan Workspace'), (arg?: unknown) => scanCommand(arg, index, service, log))),
      reg(COMMANDS.setGpuBudget, safe(log, vscode.l10n.t('Set GPU Budget'), (arg?: unknown) => setGpuBudgetCommand(arg, service))),
      reg(COMMANDS.showLog, () => log.show()),
      reg(COMMANDS.pickModelConfig, safe(log, vscode.l10n.t('Pick a Model Config'), (arg?: unknown) => pickModelCommand(arg, service))),
      reg(COMMANDS.installGpuBackend, safe(log, vscode.l10n.t('Install GPU Backend'), (arg?: unknown) => gpuBackendCommands().installGpuBackendCommand(arg, gpuServices))),
      reg(COMMANDS.removeGpuBackend, safe(log, vscode.l10n.t('Remove GPU Backend'), (arg?: unknown) => gpuBackendCommands().removeGpuBackendCommand(arg, gpuServices))),
      reg(DISABLE_RULE_COMMAND, safe(log, vscode.l10n.t('Disable rule'), disableRule)),
      reg(IGNORE_FILE_COMMAND, safe(log, vscode.l10n.t('Ignore file'), ignoreFileDiagnostics)),
    );
    const sidebar = registerSidebarView(context, { service, log });
    context.subscriptions.push(sidebar);
    // The heavy part (reading the workspace, running nvidia-smi) starts after activation returns.
    const warmUp = setTimeout(() => {
      service.ready().then(
        () => log.info(`ready: ${service.entries().length} job(s) in ${Date.now() - started} ms after activation`),
        (e: unknown) => reportError(log, vscode.l10n.t('Indexing'), e),
      );
    }, 0);
    context.subscriptions.push({ dispose: () => clearTimeout(warmUp) });
    const activationMs = Date.now() - started;
    log.info(`activated in ${activationMs} ms (workspace trusted: ${vscode.workspace.isTrusted})`);

    return {
      ready: () => service.ready(),
      jobs: () =>
        service.entries().map((e) => ({
          folder: e.folder.name,
          id: e.job.id,
          key: e.key,
          files: e.job.files,
          evaluated: e.outcome.kind === 'evaluated',
          error: e.outcome.kind === 'failed' ? e.outcome.message : null,
          needsModelConfig: e.outcome.kind === 'needs-config' ? e.outcome.message : null,
        })),
      evaluation: (jobId, folder) => {
        const entry = service.findJob({ jobId, ...(folder !== undefined ? { folder } : {}) });
        return entry?.outcome.kind === 'evaluated' ? entry.outcome.evaluation : undefined;
      },
      budget: () => service.budget,
      statusBarText: () => statusBar.text,
      sidebar,
      activationMs,
      storageUri: context.storageUri,
      onDidChangeIndexing: (listener, thisArg, disposables) =>
        index.onDidChangeActivity((a) => listener.call(thisArg, { folder: a.folder.name, phase: a.phase, files: a.files }), undefined, disposables),
      scanMode: () => index.scanMode(),
    };
  } catch (e) {
    reportError(log, vscode.l10n.t('Activation'), e);
    return undefined;
  }
}

export function deactivate(): void {}
