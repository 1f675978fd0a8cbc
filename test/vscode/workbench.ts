// Drives a real VS Code for the extension's tests: the VS Code that the npm package code-server ships
// (installed by scripts/code-server/setup.sh), opened headless in the Debian Chromium via playwright-core.
// Used by run.ts (mocha suite in the extension host) and ui.ts (UI test through the workbench).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { checkExtensionBuilt, copyWorkspace } from './paths';

/** Keep in step with VERSION in scripts/code-server/setup.sh. */
export const CODE_SERVER_VERSION = '4.100.3';

/** Where scripts/code-server/setup.sh installs code-server: <CODE_SERVER_CACHE or repo/.cache>/code-server-<version>. */
export function codeServerDir(repoRoot: string): string {
  return path.join(process.env.CODE_SERVER_CACHE ?? path.join(repoRoot, '.cache'), `code-server-${CODE_SERVER_VERSION}`);
}

/** The browser playwright-core drives (CHROMIUM_PATH overrides /usr/bin/chromium). */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/** Fails with a message naming the missing piece and the command that provides it. */
export function checkPrerequisites(repoRoot: string): void {
  const entry = path.join(codeServerDir(repoRoot), 'out', 'node', 'entry.js');
  if (!fs.existsSync(path.join(codeServerDir(repoRoot), '.setup-complete')) || !fs.existsSync(entry)) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed in ${codeServerDir(repoRoot)}: run \`bash scripts/code-server/setup.sh\``);
  }
  if (!fs.existsSync(chromiumPath())) {
    throw new Error(`no Chromium at ${chromiumPath()}: run \`bash scripts/code-server/setup.sh\` (or set CHROMIUM_PATH)`);
  }
  checkExtensionBuilt(repoRoot);
}

export interface CodeServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** host:port, the authority of vscode-remote:// URIs */
  readonly authority: string;
  /** The server's own output so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  repoRoot: string;
  /** A fresh folder for this run: user data, extensions, config, logs. */
  scratchDir: string;
  /** Extra environment for the server and its extension host. */
  env?: Record<string, string>;
  /** How long to wait for "HTTP server listening on". */
  startTimeoutMs?: number;
  /** User settings laid over the quiet defaults below (e.g. optimizerAdvisor.gpu, workbench.colorTheme). */
  settings?: Record<string, unknown>;
  /** VS Code's display language (code-server --locale), e.g. zh-cn; default English. */
  locale?: string;
}

/** The user settings file of a server started with this scratch folder (VS Code watches it: edits apply at once). */
export function userSettingsFile(scratchDir: string): string {
  return path.join(scratchDir, 'user-data', 'User', 'settings.json');
}

const runningGroups = new Set<number>();
let exitHookInstalled = false;

/**
 * On any exit of this process, leftover servers (whole process groups: the server, its extension host
 * and helpers) are killed; so they are on Ctrl-C and SIGTERM, after which this process exits too
 * (playwright-core closes the browsers it launched on these signals).
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = (): void => {
    for (const pid of runningGroups) killGroup(pid, 'SIGKILL');
    runningGroups.clear();
  };
  process.on('exit', killAll);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      console.error(`${signal}: stopping code-server and the browser`);
      killAll();
      setTimeout(() => process.exit(code), 1_000);
    });
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/**
 * VS Code runs in a display language only when a language pack for it is installed (otherwise
 * `vscode.env.language` stays `en`), and this machine cannot download one. So the server is given the
 * record an installed pack leaves in the user data folder (`languagepacks.json`, as VS Code's server reads
 * it to resolve `--locale`) pointing at a translation file with no entries: the workbench's own words stay
 * English, while VS Code runs in `locale` and loads the extension's `l10n/bundle.l10n.<locale>.json` and
 * `package.nls.<locale>.json`, and the view its catalogue, as with a real pack.
 */
function registerLanguagePack(userData: string, locale: string): void {
  const translations = path.join(userData, `empty-language-pack.${locale}.json`);
  fs.writeFileSync(translations, JSON.stringify({ contents: {} }));
  const pack = { extensionIdentifier: { id: `optimizer-advisor-tests.empty-language-pack-${locale}` }, version: '0.0.0' };
  const record = { [locale]: { hash: `test-${locale}`, extensions: [pack], translations: { vscode: translations }, label: locale } };
  fs.writeFileSync(path.join(userData, 'languagepacks.json'), JSON.stringify(record));
}

/** Starts code-server on a free loopback port with its own user data, config and extensions folders. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const dir = codeServerDir(options.repoRoot);
  const userData = path.join(options.scratchDir, 'user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  // Quiet, offline, deterministic workbench.
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'security.workspace.trust.enabled': false,
    'git.enabled': false,
    ...options.settings,
  };
  fs.writeFileSync(userSettingsFile(options.scratchDir), JSON.stringify(settings, null, 2));
  if (options.locale !== undefined) registerLanguagePack(userData, options.locale);
  const args = [
    path.join(dir, 'out', 'node', 'entry.js'),
    '--auth', 'none',
    '--bind-addr', '127.0.0.1:0',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--config', path.join(options.scratchDir, 'config.yaml'),
    '--user-data-dir', userData,
    '--extensions-dir', path.join(userData, 'ext'),
    ...(options.locale !== undefined ? ['--locale', options.locale] : []),
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(options.scratchDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(options.scratchDir, 'xdg-data'),
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, args, { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start code-server');
  installExitHook();
  runningGroups.add(pid);

  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(`code-server did not report "HTTP server listening" within ${(options.startTimeoutMs ?? 60_000) / 1000} s`), options.startTimeoutMs ?? 60_000);
    const fail = (message: string): void => {
      clearTimeout(timer);
      reject(new Error(`${message}\n--- code-server output ---\n${output}`));
    };
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /HTTP server listening on (http:\/\/[^\s/]+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => fail(`code-server exited before listening (code ${code}, signal ${signal})`));
  }).catch(async (error: unknown) => {
    killGroup(pid, 'SIGKILL');
    runningGroups.delete(pid);
    throw error;
  });

  return {
    url,
    authority: new URL(url).host,
    output: () => output,
    stop: async () => {
      if (!runningGroups.has(pid)) return;
      killGroup(pid, 'SIGTERM');
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000).unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') killGroup(pid, 'SIGKILL');
      // The extension host and other helpers share the group; make sure none is left.
      killGroup(pid, 'SIGKILL');
      runningGroups.delete(pid);
    },
  };
}

/** Launches the Debian Chromium headless (no sandbox: CI containers run as root; no GPU; no background traffic). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
  });
}

export interface WorkbenchTarget {
  server: CodeServer;
  /** Absolute path of the folder to open. */
  folder: string;
  /** Absolute path of the extension under development (the folder holding its package.json). */
  extensionDevelopmentPath: string;
  /** Absolute path of the compiled mocha entry point exporting run(); omitted in UI mode. */
  extensionTestsPath?: string;
}

/** The workbench URL: the folder to open and, in the payload, the development extension and test entry. */
export function workbenchUrl(target: WorkbenchTarget): string {
  const remote = (p: string): string => `vscode-remote://${target.server.authority}${p.split(path.sep).join('/')}`;
  const payload: [string, string][] = [['extensionDevelopmentPath', remote(target.extensionDevelopmentPath)]];
  if (target.extensionTestsPath !== undefined) payload.push(['extensionTestsPath', remote(target.extensionTestsPath)]);
  const query = new URLSearchParams({ folder: target.folder, payload: JSON.stringify(payload) });
  return `${target.server.url}/?${query.toString()}`;
}

export interface ConsoleLine {
  type: string;
  text: string;
}

/**
 * A page whose console is collected (and optionally echoed). The web workbench relays the extension
 * host's console there too, as styled log lines ("%c INFO color: #33f <text>", "%c  ERR color: #f33 <text>").
 */
export async function newWorkbenchPage(browser: Browser, onConsole?: (line: ConsoleLine) => void): Promise<{ page: Page; consoleLines: ConsoleLine[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const consoleLines: ConsoleLine[] = [];
  page.on('console', (message) => {
    const line = { type: message.type(), text: message.text() };
    consoleLines.push(line);
    onConsole?.(line);
  });
  page.on('pageerror', (error) => {
    const line = { type: 'pageerror', text: error.message };
    consoleLines.push(line);
    onConsole?.(line);
  });
  return { page, consoleLines };
}

/** Waits until the workbench has rendered and its explorer shows the opened folder. */
export async function waitForWorkbench(page: Page, folder: string, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  const folderName = path.basename(folder).toUpperCase();
  await page.locator('.explorer-folders-view, .pane-header').filter({ hasText: new RegExp(escapeRegExp(folderName), 'i') }).first()
    .waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Runs a command through the command palette: F1, type its title, wait for the focused match to be that
 * command, Enter. The palette lists a contributed command only once the extension host has registered
 * the extension, so until `timeoutMs` it closes and reopens the palette while nothing matches.
 */
export async function runFromCommandPalette(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  const focusedRow = widget.locator('.monaco-list-row.focused').first();
  const deadline = Date.now() + timeoutMs;
  let lastSeen = '(the palette did not open)';
  while (Date.now() < deadline) {
    if (!(await input.isVisible())) {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
    }
    if (await input.isVisible()) {
      await input.fill(`>${title}`);
      // The palette filters as it is typed into, later on a busy machine: wait (a few seconds) for the entry that
      // Enter would run, the focused one, to be the command, rather than reading whatever a fixed pause leaves.
      const filterDeadline = Date.now() + 5_000;
      for (;;) {
        lastSeen = (await focusedRow.getAttribute('aria-label', { timeout: 1_000 }).catch(() => null)) ?? '(no entry)';
        if (lastSeen.startsWith(title) || Date.now() > filterDeadline) break;
        await page.waitForTimeout(100);
      }
      if (lastSeen.startsWith(title)) {
        await page.keyboard.press('Enter');
        await widget.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
        return;
      }
      await page.keyboard.press('Escape');
    }
    await page.waitForTimeout(1_000);
  }
  throw new Error(`the command palette did not offer "${title}" within ${timeoutMs / 1000} s (its focused entry: "${lastSeen}")`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A fresh scratch folder for one run (removed by the caller). */
export function makeScratchDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
}

/** A code-server with a copy of a workspace open in headless Chromium (the UI tests' setup). */
export interface WorkbenchSession {
  readonly scratch: string;
  /** The copied workspace folder the workbench has open. */
  readonly folder: string;
  readonly server: CodeServer;
  readonly browser: Browser;
  readonly page: Page;
  /** Closes the browser, stops the server and deletes the scratch folder. */
  close(): Promise<void>;
}

export interface WorkbenchSessionOptions {
  readonly repoRoot: string;
  /** Prefix of the scratch folder. */
  readonly name: string;
  /** The workspace folder to copy and open (never edited in place). */
  readonly workspace: string;
  readonly settings?: Record<string, unknown>;
  /** VS Code's display language (see CodeServerOptions.locale). */
  readonly locale?: string;
  readonly viewport?: { width: number; height: number };
  readonly onConsole?: (line: ConsoleLine) => void;
  readonly timeoutMs: number;
}

export async function openWorkbench(o: WorkbenchSessionOptions): Promise<WorkbenchSession> {
  const scratch = makeScratchDir(o.name);
  const folder = copyWorkspace(o.workspace, path.join(scratch, 'workspace-parent'));
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  };
  try {
    server = await startCodeServer({ repoRoot: o.repoRoot, scratchDir: scratch, ...(o.settings ? { settings: o.settings } : {}), ...(o.locale !== undefined ? { locale: o.locale } : {}) });
    browser = await launchBrowser();
    const { page } = await newWorkbenchPage(browser, o.onConsole);
    if (o.viewport) await page.setViewportSize(o.viewport);
    await page.goto(workbenchUrl({ server, folder, extensionDevelopmentPath: o.repoRoot }));
    await waitForWorkbench(page, folder, o.timeoutMs);
    return { scratch, folder, server, browser, page, close };
  } catch (e) {
    await close();
    throw e;
  }
}
