/**
 * Writing values in a file's syntax: JSON, YAML and Python literals.
 *
 * Numbers are written with at most 4 significant digits, and in exponent form always with a decimal
 * point in the mantissa (`3.333e-5`, `1.0e-5`): YAML 1.1 readers such as PyYAML (used by axolotl,
 * torchtune, Lightning and Hydra) read `1e-5` as a string, because their float pattern requires a
 * dot (https://yaml.org/type/float.html), while `1.0e-5` is a float in YAML 1.1 and 1.2, JSON and Python.
 */
export type Syntax = 'json' | 'yaml' | 'python';

export type WritableValue = number | boolean | string | readonly number[];

/** A value of a keyword argument or config key: a hyperparameter's, or a list of names (HF `optim_target_modules`). */
export type ArgumentValue = WritableValue | readonly string[];

const SIGNIFICANT_DIGITS = 4;

/** A number as every supported syntax reads it (see the module comment). */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`cannot write ${x} in a config file`);
  if (x === 0) return '0.0';
  const rounded = Number(x.toPrecision(SIGNIFICANT_DIGITS));
  const abs = Math.abs(rounded);
  if (abs >= 1e-3 && abs < 1e6) {
    const plain = String(rounded);
    return plain.includes('.') || plain.includes('e') ? plain : `${plain}.0`;
  }
  const [mantissa, exponent] = rounded.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  const e = exponent.startsWith('+') ? exponent.slice(1) : exponent;
  return `${m}e${e}`;
}

/** An integer-valued setting (step counts) is written without a decimal point. */
function formatScalarNumber(x: number, integer: boolean): string {
  return integer && Number.isInteger(x) ? String(x) : formatNumber(x);
}

const PLAIN_YAML = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/;
const YAML_RESERVED = /^(true|false|yes|no|on|off|null|y|n|~)$/i;

/** A string in `syntax`; `quote` is the quote character the replaced value used, if any. */
export function formatString(value: string, syntax: Syntax, quote: '"' | "'" | null): string {
  if (syntax === 'json') return JSON.stringify(value);
  if (syntax === 'yaml' && quote === null && PLAIN_YAML.test(value) && !YAML_RESERVED.test(value)) return value;
  const q = quote ?? (syntax === 'python' ? '"' : "'");
  if (q === "'") return syntax === 'yaml' ? `'${value.replace(/'/g, "''")}'` : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return JSON.stringify(value);
}

/**
 * Settings that count something (steps, ranks, dimensions): the libraries read them as int (HF TrainingArguments
 * `warmup_steps: int`, GaLore's `rank`), so a whole value is written without a decimal point.
 */
export const INTEGER_SETTINGS: ReadonlySet<string> = new Set([
  'warmup_steps', 'rank', 'update_proj_gap', 'max_preconditioner_dim', 'precondition_frequency', 'min_8bit_size',
  'percentile_clipping', 'dim', 'n_heads', 'per_device_train_batch_size', 'gradient_accumulation_steps', 'micro_batch_size',
]);

/**
 * Any value in `syntax`. Number lists are JSON arrays / YAML flow sequences / Python tuples (as torch takes betas);
 * name lists are lists everywhere. `key`
 * names the setting: a count (INTEGER_SETTINGS) is written as an integer.
 */
export function formatValue(value: ArgumentValue, syntax: Syntax, options: { quote?: '"' | "'" | null; integer?: boolean; key?: string } = {}): string {
  if (typeof value === 'number') return formatScalarNumber(value, options.integer === true || (options.key !== undefined && INTEGER_SETTINGS.has(options.key)));
  if (typeof value === 'boolean') return syntax === 'python' ? (value ? 'True' : 'False') : String(value);
  if (typeof value === 'string') return formatString(value, syntax, options.quote ?? null);
  // Names are a list in every syntax (HF `optim_target_modules` takes a list or a string, not a tuple).
  if (value.some((v) => typeof v === 'string')) return `[${value.map((v) => (typeof v === 'string' ? formatString(v, syntax, null) : formatNumber(v))).join(', ')}]`;
  const items = value.map((v) => formatNumber(v as number));
  return syntax === 'python' ? `(${items.join(', ')}${items.length === 1 ? ',' : ''})` : `[${items.join(', ')}]`;
}

/** The quote character a written scalar starts with, if any. */
export function quoteOf(written: string): '"' | "'" | null {
  const c = written.trimStart().replace(/^[rRbBuUfF]{1,2}(?=['"])/, '')[0];
  return c === '"' || c === "'" ? c : null;
}
