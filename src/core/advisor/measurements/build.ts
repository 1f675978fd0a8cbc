/**
 * Small constructors that keep the source files short: a setting with the fields most settings
 * leave unknown defaulted to null, a measured optimizer, a numeric row and a qualitative row.
 */
import type { OptimizerId } from '../../optimizers/types';
import type { MeasuredOptimizer, Measurement, QualitativeOutcome, Setting } from './types';

type Defaulted = 'referenceName' | 'paramsMax' | 'steps' | 'tokens' | 'tokensPerParam' | 'globalBatch' | 'precision' | 'referenceValue' | 'spread' | 'group';

export function setting(s: Omit<Setting, Defaulted> & Partial<Pick<Setting, Defaulted>>): Setting {
  return {
    referenceName: null,
    paramsMax: null,
    steps: null,
    tokens: null,
    tokensPerParam: null,
    globalBatch: null,
    precision: null,
    referenceValue: null,
    spread: null,
    ...s,
    group: s.group ?? s.id,
  };
}

export function opt(key: string, catalogId: OptimizerId | null, name: string, settings: string | null = null): MeasuredOptimizer {
  return { key, catalogId, name, settings };
}

interface RowExtras {
  readonly stepMs?: number;
  readonly diverged?: boolean;
  readonly note?: string;
  readonly derivation?: string;
}

export function measured(settingId: string, optimizer: MeasuredOptimizer, value: number, excerpt: string, extras: RowExtras = {}): Measurement {
  return {
    setting: settingId,
    optimizer,
    excerpt,
    value,
    qualitative: null,
    stepMs: extras.stepMs ?? null,
    diverged: extras.diverged ?? false,
    note: extras.note ?? null,
    derivation: extras.derivation ?? null,
  };
}

export function stated(settingId: string, optimizer: MeasuredOptimizer, outcome: QualitativeOutcome, excerpt: string, extras: RowExtras = {}): Measurement {
  return {
    setting: settingId,
    optimizer,
    excerpt,
    value: null,
    qualitative: outcome,
    stepMs: extras.stepMs ?? null,
    diverged: extras.diverged ?? false,
    note: extras.note ?? null,
    derivation: extras.derivation ?? null,
  };
}

/** Common optimizers as the sources name them. */
export const ADAMW = (name = 'AdamW', settings: string | null = null): MeasuredOptimizer => opt('adamw', 'adamw', name, settings);
export const MUON = (name = 'Muon', settings: string | null = null): MeasuredOptimizer => opt('muon', 'muon', name, settings);
export const SOAP = (name = 'SOAP', settings: string | null = null): MeasuredOptimizer => opt('soap', 'soap', name, settings);
export const LION = (name = 'Lion', settings: string | null = null): MeasuredOptimizer => opt('lion', 'lion', name, settings);
export const SOPHIA = (name = 'Sophia', settings: string | null = null): MeasuredOptimizer => opt('sophia', 'sophia', name, settings);
export const NADAMW = (name = 'NAdamW', settings: string | null = null): MeasuredOptimizer => opt('nadamw', 'nadamw', name, settings);

/** One optimizer's line of a table read as LaTeX (Li et al.'s and SAC's tables in tianshijing/ScalingOpt). */
export interface LatexTableRow {
  readonly key: string;
  readonly catalogId: OptimizerId | null;
  readonly name: string;
  /** The table's LaTeX line for this optimizer, verbatim. */
  readonly line: string;
  /** Its numbers in the table's column order. */
  readonly values: readonly number[];
}
