/**
 * Typed access to the `optimizerAdvisor.*` settings (read on each use, so changes apply at once).
 * Descriptions and scopes are in package.json (`contributes.configuration`).
 */
import * as vscode from 'vscode';
import { isPriority, type Priority } from '../core/advisor/types';
import { InputError } from '../core/types';
import { MAX_FILE_SIZE_CEILING, parseFileSizeCap, parseSize } from '../core/units';
import type { GpuSettings } from './hints/budget';

export const SECTION = 'optimizerAdvisor';
/** The file size cap when the setting is unreadable (the CLI walker's default). */
export const DEFAULT_MAX_FILE_SIZE = '2MiB';
/**
 * Defaults of the sidebar's profile run, the CLI's (`profile` without --robustness: DEFAULT_BUDGET_SECONDS
 * in src/cli/commands/profile.ts, DEFAULT_STEPS in src/profiler/sweep/plan.ts); a unit test checks
 * package.json declares the same and that they are equal.
 */
export const PROFILE_DEFAULTS = { budgetSeconds: 120, steps: 80 } as const;
/** The ranges package.json declares for the profile settings (values outside fall back to the defaults). */
export const PROFILE_LIMITS = { budgetSeconds: [5, 86_400], steps: [2, 100_000] } as const;

/** The sidebar's profile run: wall-clock budget and optimizer steps per training run. */
export interface ProfileSettings {
  readonly budgetSeconds: number;
  readonly steps: number;
}

export class Config {
  private get cfg(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  private scoped(scope: vscode.ConfigurationScope | undefined): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION, scope);
  }

  get gpu(): GpuSettings {
    const count = this.cfg.get<number | null>('gpuCount', null);
    return {
      gpu: this.cfg.get<string>('gpu', 'auto'),
      gpuMemory: this.cfg.get<string>('gpuMemory', ''),
      gpuCount: typeof count === 'number' && Number.isInteger(count) && count >= 1 ? count : null,
    };
  }

  get priority(): Priority {
    const p = this.cfg.get<string>('priority', 'quality');
    return isPriority(p) ? p : 'quality';
  }

  /** Extra glob patterns to leave out of the scan, for a folder. */
  exclude(folder: vscode.WorkspaceFolder): string[] {
    const list = this.scoped(folder.uri).get<unknown>('exclude', []);
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : [];
  }

  /** Largest file read, in bytes, with the problem when the setting is not a size. */
  maxFileBytes(folder: vscode.WorkspaceFolder): { bytes: number; problem: string | null } {
    const text = this.scoped(folder.uri).get<string>('maxFileSize', DEFAULT_MAX_FILE_SIZE);
    try {
      return { bytes: parseFileSizeCap(String(text), 'optimizerAdvisor.maxFileSize'), problem: null };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      // A size over the ceiling reads up to the ceiling; anything else falls back to the default.
      let bytes = parseSize(DEFAULT_MAX_FILE_SIZE);
      try {
        bytes = Math.min(parseSize(String(text)), MAX_FILE_SIZE_CEILING);
      } catch {
        // not a size: the default
      }
      return { bytes, problem: e.message };
    }
  }

  /** `files.exclude` patterns that are switched on, for a folder (VS Code's own hidden files). */
  filesExclude(folder: vscode.WorkspaceFolder): string[] {
    const map = vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, unknown>>('exclude', {});
    return Object.entries(map).filter(([, on]) => on === true).map(([glob]) => glob);
  }

  get codeLensEnabled(): boolean {
    return this.cfg.get<boolean>('codeLens.enabled', true);
  }

  get hoverEnabled(): boolean {
    return this.cfg.get<boolean>('hover.enabled', true);
  }

  get diagnosticsEnabled(): boolean {
    return this.cfg.get<boolean>('diagnostics.enabled', true);
  }

  get disabledRules(): Set<string> {
    const list = this.cfg.get<unknown>('diagnostics.disabledRules', []);
    return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []);
  }

  /** Files whose diagnostics are silenced, for a folder. */
  diagnosticsExclude(folder: vscode.WorkspaceFolder): string[] {
    const list = this.scoped(folder.uri).get<unknown>('diagnostics.exclude', []);
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : [];
  }

  /** `optimizerAdvisor.profile.*`; a value out of range or of the wrong type gives the default. */
  get profile(): ProfileSettings {
    const budget = this.cfg.get<unknown>('profile.budgetSeconds', PROFILE_DEFAULTS.budgetSeconds);
    const steps = this.cfg.get<unknown>('profile.steps', PROFILE_DEFAULTS.steps);
    const within = (v: unknown, [lo, hi]: readonly [number, number]): v is number => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;
    return {
      budgetSeconds: within(budget, PROFILE_LIMITS.budgetSeconds) ? budget : PROFILE_DEFAULTS.budgetSeconds,
      steps: within(steps, PROFILE_LIMITS.steps) && Number.isInteger(steps) ? steps : PROFILE_DEFAULTS.steps,
    };
  }

  get detectGpus(): boolean {
    return this.cfg.get<boolean>('detectGpus', true);
  }
}
