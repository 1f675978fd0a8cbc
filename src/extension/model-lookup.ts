/**
 * Where the extension looks for a job's model beyond the workspace (core/model-source.ts):
 * - trusted workspace: paths the job names outside the workspace, the Hugging Face cache, the Hub's
 *   answers cached in globalStorage, and the Hub itself with consent;
 * - untrusted workspace: the local caches only (HF cache and globalStorage), no other path, no network.
 * Consent to the Hub is machine-level: the setting `optimizerAdvisor.hub.access` (scope "machine", so a
 * workspace cannot set it; only its user value is read) or a one-time prompt that writes it.
 * `HF_HUB_OFFLINE=1` always wins. Endpoint, token and proxy come from the machine: HF_ENDPOINT, HF_TOKEN
 * or the token file under HF_HOME, VS Code's `http.proxy` or HTTPS_PROXY.
 *
 * A model the user picked for a job ("pick a model config") is remembered per job in workspace state.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { hubIdsToFetch, type JobModel, type LookupAnswer, type ModelLookup } from '../core/model-source';
import { buildInventory, findPreset } from '../core/models';
import { parseConfigFile } from '../core/scan/config-file';
import type { ScanJob } from '../core/scan/results';
import { checkValue, type Declared } from '../core/schema/check';
import { Type } from '../core/schema/declare';
import { InputError } from '../core/types';
import { readCachedConfig, readConfigAt, resolveJobPath } from '../platform/hf-cache';
import { envOffline, hubCacheDir, hubEndpoint } from '../platform/hf-env';
import { cachedHubConfig, DEFAULT_TIMEOUT_MS, fetchHubConfig, hubOptionsFromEnv, type HubOptions } from '../platform/hub-client';
import type { Log } from './log';

/** A model the user chose for a job (saved in workspace state, so checked when read back). */
const ModelChoiceSchema = Type.Union([
  Type.Object({ kind: Type.Literal('file'), path: Type.String() }),
  Type.Object({ kind: Type.Literal('cache'), id: Type.String(), revision: Type.String() }),
  Type.Object({ kind: Type.Literal('preset'), id: Type.String() }),
]);
export type ModelChoice = Declared<typeof ModelChoiceSchema>;

export const HUB_ACCESS_SETTING = 'hub.access';
export type HubAccess = 'ask' | 'allow' | 'deny';
const CHOICES_KEY = 'optimizerAdvisor.modelChoices';

export interface LookupContext {
  readonly globalStorageUri: vscode.Uri;
  readonly workspaceState: vscode.Memento;
}

export class ExtensionModelLookup {
  private readonly fetched = new Map<string, LookupAnswer>();
  private readonly pending = new Set<string>();
  private promptShown = false;
  /** Changes whenever an answer may differ (a fetch finished, a choice changed): part of evaluation cache keys. */
  generation = 0;

  constructor(private readonly context: LookupContext, private readonly log: Log, private readonly changed: () => void) {}

  private get env(): NodeJS.ProcessEnv {
    return process.env;
  }

  /** The machine-level answer about the Hub (a workspace value of the setting is ignored). */
  access(): HubAccess {
    const inspected = vscode.workspace.getConfiguration('optimizerAdvisor').inspect<string>(HUB_ACCESS_SETTING);
    const v = inspected?.globalValue;
    return v === 'allow' || v === 'deny' ? v : 'ask';
  }

  /** Request settings; the token (file) is read only for a request (`withToken`), never for the disk cache. */
  private hubOptions(withToken: boolean): HubOptions {
    const vsProxy = vscode.workspace.getConfiguration('http').get<string>('proxy', '').trim();
    return hubOptionsFromEnv(this.env, withToken, { proxy: vsProxy, timeoutMs: DEFAULT_TIMEOUT_MS, cacheDir: this.context.globalStorageUri.fsPath });
  }

  /** Why the Hub is not asked now, or null when it may be. */
  hubBlocked(): string | null {
    if (!vscode.workspace.isTrusted) return 'not asked (untrusted workspace: only the local caches are read)';
    if (envOffline(this.env)) return 'not asked (HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE is set)';
    const access = this.access();
    if (access === 'deny') return "not asked (the setting 'optimizerAdvisor.hub.access' is 'deny')";
    if (access === 'ask') return "not asked yet: allow it once with the prompt or the user setting 'optimizerAdvisor.hub.access'";
    return null;
  }

  /** The lookups for jobs of `root` (synchronous: the Hub's answers are those fetched so far). */
  lookupFor(root: string): ModelLookup {
    const cacheDir = hubCacheDir(this.env);
    const opts = this.hubOptions(false);
    const trusted = vscode.workspace.isTrusted;
    const blocked = this.hubBlocked();
    return {
      ...(trusted ? { localPath: (value: string, fromFile: string) => readConfigAt(resolveJobPath(value, fromFile, root)) } : {}),
      hfCache: (id, revision, subfolder) => readCachedConfig(cacheDir, id, revision, subfolder),
      hub: (id, revision) =>
        this.fetched.get(`${id}@${revision}`) ??
        cachedHubConfig(opts, id, revision) ??
        (blocked !== null ? { kind: 'missing', reason: blocked } : this.pending.has(`${id}@${revision}`) ? { kind: 'missing', reason: 'being fetched' } : undefined),
    };
  }

  /**
   * Fetches, in the background, the Hub configs the jobs need; asks once per machine when the setting
   * is 'ask'. Calls `changed` when answers arrive.
   */
  request(jobs: readonly ScanJob[], root: string): void {
    if (!vscode.workspace.isTrusted || envOffline(this.env)) return;
    const base = this.lookupFor(root);
    const ids = hubIdsToFetch(jobs, { ...(base.hfCache ? { hfCache: base.hfCache } : {}) }).filter(
      ({ id, revision }) => !this.fetched.has(`${id}@${revision}`) && !this.pending.has(`${id}@${revision}`) && base.hub?.(id, revision)?.kind !== 'found',
    );
    if (ids.length === 0) return;
    const access = this.access();
    if (access === 'deny') return;
    if (access === 'ask') {
      void this.prompt(ids.map((x) => x.id));
      return;
    }
    const opts = this.hubOptions(true);
    for (const { id, revision } of ids) this.pending.add(`${id}@${revision}`);
    void (async () => {
      for (const { id, revision } of ids) {
        const answer = await fetchHubConfig(opts, id, revision);
        this.pending.delete(`${id}@${revision}`);
        this.fetched.set(`${id}@${revision}`, answer);
        this.log.info(`Hub: ${id}@${revision}: ${answer.kind === 'found' ? answer.config.location : answer.reason}`);
      }
      this.generation++;
      this.changed();
    })();
  }

  private async prompt(ids: readonly string[]): Promise<void> {
    if (this.promptShown) return;
    this.promptShown = true;
    const allow = vscode.l10n.t('Allow');
    const deny = vscode.l10n.t("Don't allow");
    const endpoint = hubEndpoint(this.env);
    const answer = await vscode.window.showInformationMessage(
      vscode.l10n.t('Optimizer Advisor can fetch config.json of {0} model(s) not found locally ({1}) from {2}. Allow requests to the Hub on this machine?', ids.length, ids.slice(0, 3).join(', '), endpoint),
      allow,
      deny,
    );
    if (answer === undefined) return; // asked again next session
    await vscode.workspace.getConfiguration('optimizerAdvisor').update(HUB_ACCESS_SETTING, answer === allow ? 'allow' : 'deny', vscode.ConfigurationTarget.Global);
    this.generation++;
    this.changed();
  }

  choice(jobKey: string): ModelChoice | undefined {
    const all = this.context.workspaceState.get<Record<string, unknown>>(CHOICES_KEY, {});
    const c = checkValue(ModelChoiceSchema, all[jobKey]);
    return c.ok ? c.value : undefined;
  }

  async setChoice(jobKey: string, choice: ModelChoice | undefined): Promise<void> {
    const all = { ...this.context.workspaceState.get<Record<string, unknown>>(CHOICES_KEY, {}) };
    if (choice === undefined) delete all[jobKey];
    else all[jobKey] = choice;
    await this.context.workspaceState.update(CHOICES_KEY, all);
    this.generation++;
    this.changed();
  }

  /** The model of a choice, with an assumption saying the user picked it; an InputError when it cannot be read. */
  modelOf(choice: ModelChoice): JobModel {
    const picked = (what: string) => [`model config picked for this job in VS Code: ${what} (Optimizer Advisor: Pick a Model Config to change it)`];
    if (choice.kind === 'preset') {
      const preset = findPreset(choice.id);
      if (!preset) throw new InputError(`the picked preset '${choice.id}' is no longer bundled; pick another`);
      return { inventory: buildInventory(preset.config, preset.hubId), source: preset.hubId, origin: { kind: 'preset', location: preset.hubId }, assumptions: picked(`preset ${preset.hubId}`), notes: [] };
    }
    const answer =
      choice.kind === 'cache'
        ? readCachedConfig(hubCacheDir(this.env), choice.id, choice.revision)
        : vscode.workspace.isTrusted
          ? readConfigAt(choice.path)
          : ({ kind: 'missing', reason: 'a picked file outside the cache is not read in an untrusted workspace' } as const);
    if (answer.kind === 'missing') throw new InputError(`the picked model config cannot be read: ${answer.reason}`);
    const c = answer.config;
    const inventory = buildInventory(parseConfigFile(c.location, c.text), c.location);
    return {
      inventory,
      source: c.location,
      origin: { kind: choice.kind === 'cache' ? 'hf-cache' : 'local-path', location: c.location },
      approximate: inventory.family === 'generic',
      assumptions: picked(choice.kind === 'cache' ? `${choice.id}@${choice.revision} from the Hugging Face cache` : path.basename(path.dirname(c.location)) + '/config.json'),
      notes: [],
    };
  }
}
