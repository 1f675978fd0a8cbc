/**
 * Registers the sidebar view at activation with a small provider that loads the real one
 * (src/extension/sidebar/provider.ts, its message checks and src/extension/sidebar/host-deps.ts) only when
 * the view is first shown: activation stays free of the sidebar's protocol and chart-data code.
 * Modules are loaded with `require` inside functions, and their types are named with `import()` type
 * queries, so nothing here pulls them in when the extension starts.
 */
import * as vscode from 'vscode';
import type { AdvisorService } from '../advisor-service';
import type { Log } from '../log';

type SidebarDepsModule = typeof import('./host-deps');
type SidebarProviderModule = typeof import('./provider');
export type SidebarDeps = import('./deps').SidebarDeps;

/** The view's id as package.json declares it (SIDEBAR_VIEW_ID in src/extension/sidebar/provider.ts). */
export const SIDEBAR_VIEW = 'optimizerAdvisor.sidebar';

export interface SidebarHandle extends vscode.Disposable {
  /** The deps the view uses (created on first use). */
  deps(): SidebarDeps;
  /** How many times the view was resolved without an error (its page and message handler set). */
  readonly resolvedCount: number;
}

export function registerSidebarView(context: vscode.ExtensionContext, services: { service: AdvisorService; log: Log }): SidebarHandle {
  let deps: (SidebarDeps & vscode.Disposable) | null = null;
  let inner: (vscode.WebviewViewProvider & vscode.Disposable) | null = null;
  let resolved = 0;
  const getDeps = (): SidebarDeps & vscode.Disposable => {
    if (deps === null) {
      const { ExtensionSidebarDeps } = require('./host-deps') as SidebarDepsModule;
      deps = new ExtensionSidebarDeps({ ...services, extensionPath: context.extensionPath, storageUri: context.storageUri, globalStorageUri: context.globalStorageUri });
    }
    return deps;
  };
  const provider: vscode.WebviewViewProvider = {
    resolveWebviewView(view, resolveContext, token) {
      if (inner === null) {
        const { createSidebarProvider } = require('./provider') as SidebarProviderModule;
        inner = createSidebarProvider(context.extensionUri, getDeps());
      }
      try {
        const done = inner.resolveWebviewView(view, resolveContext, token);
        resolved++;
        return done;
      } catch (e) {
        services.log.error(`sidebar: the view could not be shown: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        throw e;
      }
    },
  };
  const registration = vscode.window.registerWebviewViewProvider(SIDEBAR_VIEW, provider);
  return {
    deps: getDeps,
    get resolvedCount() {
      return resolved;
    },
    dispose() {
      registration.dispose();
      inner?.dispose();
      deps?.dispose();
    },
  };
}
