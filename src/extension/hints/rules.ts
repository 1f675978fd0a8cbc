/**
 * The diagnostics the extension reports, keyed by `Diagnostic.code`. Each can be switched off with
 * the setting `optimizerAdvisor.diagnostics.disabledRules`.
 */
export const DIAGNOSTIC_CODES = ['does-not-fit', 'lr-out-of-range', 'unknown-optimizer', 'config-error', 'job-not-evaluated', 'needs-model-config', 'config-note'] as const;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

export type HintSeverity = 'error' | 'warning' | 'information';

export const DIAGNOSTIC_SEVERITY: Readonly<Record<DiagnosticCode, HintSeverity>> = {
  // The job's peak memory with its optimizer exceeds the GPU budget: training would run out of memory.
  'does-not-fit': 'warning',
  // The learning rate is outside the catalog's range for the optimizer (e.g. Lion with an AdamW-sized lr).
  'lr-out-of-range': 'warning',
  // The files name an optimizer the catalog does not know (a typo makes the training tool fail too).
  'unknown-optimizer': 'warning',
  // A recognised config that cannot be read (syntax error, wrong type): the tool reading it would fail.
  'config-error': 'error',
  // The job could not be evaluated (no model found, unknown hub id, contradictory settings).
  'job-not-evaluated': 'information',
  // The job's model was not found in the workspace, the HF cache, the Hub or the presets: guidance with a
  // quick fix to pick a config, never an error.
  'needs-model-config': 'information',
  // A config the tool reads but cannot use as written (DeepSpeed "auto" nothing fills, a launch
  // script's unset variable, a value not modelled): a note, never an error.
  'config-note': 'information',
};

export function isDiagnosticCode(s: string): s is DiagnosticCode {
  return (DIAGNOSTIC_CODES as readonly string[]).includes(s);
}
