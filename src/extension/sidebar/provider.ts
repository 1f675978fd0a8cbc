/**
 * The Optimizer Advisor sidebar: a WebviewViewProvider in its own activity-bar container. Local
 * resources only from dist/webview and media/, every URL through asWebviewUri, strict CSP
 * (html.ts). No retainContextWhenHidden: the view keeps its state with getState/setState and
 * re-reads saved profile results from workspace storage when shown again.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ThemeKind, ViewAction } from '../../webview-protocol';
import { SidebarController, type HostPort } from './controller';
import type { SidebarDeps } from './deps';
import { sidebarHtml } from './html';

/** The view id in package.json `contributes.views`. */
export const SIDEBAR_VIEW_ID = 'optimizerAdvisor.sidebar';
/** The activity-bar container id in package.json `contributes.viewsContainers.activitybar`. */
export const SIDEBAR_CONTAINER_ID = 'optimizerAdvisor';

/** Commands the empty states' buttons run (overridable in registerSidebar's options). */
export const DEFAULT_ACTION_COMMANDS: Readonly<Record<ViewAction, string>> = {
  scanWorkspace: 'optimizerAdvisor.scanWorkspace',
  setGpuBudget: 'optimizerAdvisor.setGpuBudget',
  showLog: 'optimizerAdvisor.showLog',
  installGpuBackend: 'optimizerAdvisor.installGpuBackend',
  // With no argument it picks the job that needs a model config (or asks which).
  pickModelConfig: 'optimizerAdvisor.pickModelConfig',
  // Built in: with no argument it asks for a folder.
  openFolder: 'vscode.openFolder',
};

export interface SidebarOptions {
  readonly actionCommands?: Partial<Record<ViewAction, string>>;
}

function themeKind(kind: vscode.ColorThemeKind): ThemeKind {
  switch (kind) {
    case vscode.ColorThemeKind.Light:
      return 'light';
    case vscode.ColorThemeKind.HighContrast:
      return 'high-contrast';
    case vscode.ColorThemeKind.HighContrastLight:
      return 'high-contrast-light';
    default:
      return 'dark';
  }
}

class SidebarViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private current: { controller: SidebarController; disposables: vscode.Disposable[] } | null = null;
  private readonly commands: Readonly<Record<ViewAction, string>>;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly deps: SidebarDeps,
    options: SidebarOptions,
  ) {
    this.commands = { ...DEFAULT_ACTION_COMMANDS, ...options.actionCommands };
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.release();
    const bundle = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const webview = view.webview;
    webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [bundle, media] };
    webview.html = sidebarHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(bundle, 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(bundle, 'main.css')).toString(),
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      locale: vscode.env.language,
      title: vscode.l10n.t('Optimizer Advisor'),
    });

    const port: HostPort = {
      post: (message) => {
        void webview.postMessage(message);
      },
      confirmApply: async (optimizerName, description) => {
        const apply = vscode.l10n.t('Apply');
        const choice = await vscode.window.showWarningMessage(
          vscode.l10n.t('Switch this job to {0}?', optimizerName),
          { modal: true, detail: description },
          apply,
        );
        return choice === apply;
      },
      copy: async (label, text) => {
        await vscode.env.clipboard.writeText(text);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0} snippet', label), 3000);
      },
      runAction: async (action) => {
        await vscode.commands.executeCommand(this.commands[action]);
      },
      environment: () => ({ locale: vscode.env.language, theme: themeKind(vscode.window.activeColorTheme.kind) }),
    };
    const controller = new SidebarController(this.deps, port);
    const disposables: vscode.Disposable[] = [
      webview.onDidReceiveMessage((m: unknown) => controller.handle(m)),
      vscode.window.onDidChangeActiveColorTheme(() => controller.environmentChanged()),
      view.onDidDispose(() => this.release()),
    ];
    this.current = { controller, disposables };
  }

  private release(): void {
    if (!this.current) return;
    this.current.controller.dispose();
    for (const d of this.current.disposables) d.dispose();
    this.current = null;
  }

  dispose(): void {
    this.release();
  }
}

/**
 * The view's provider without registering it: for a caller that registers a small provider at
 * activation and loads this module only when the view is first shown (src/extension/sidebar/register.ts).
 */
export function createSidebarProvider(extensionUri: vscode.Uri, deps: SidebarDeps, options: SidebarOptions = {}): vscode.WebviewViewProvider & vscode.Disposable {
  return new SidebarViewProvider(extensionUri, deps, options);
}
