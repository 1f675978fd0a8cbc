/**
 * GPU detection on the machine the code runs on (Node only, no 'vscode'): NVIDIA through
 * `nvidia-smi` (every GPU, MIG slices, total and used memory), AMD through `rocm-smi`, Apple silicon
 * through `sysctl` (unified memory). None of these tools has to exist: absence, failure or output we
 * cannot read gives `null`, and callers fall back to a configured size or to "unknown".
 *
 * The tools are run through a `CommandRunner`, so tests inject recorded outputs. The default runner
 * uses the process supervisor (process.ts: no shell, a timeout, capped output), in the temporary folder, on the absolute path found in
 * PATH's absolute entries (which.ts): neither a relative PATH entry nor Windows' search of the
 * current folder can pick up an executable from the workspace.
 */
import * as os from 'node:os';
import { superviseProcess } from './process';
import { findExecutable } from './which';

/** What a command printed, or null when it could not be started (not installed, not executable). */
export interface CommandOutput {
  /** Exit code; null when the process was killed (timeout). */
  readonly code: number | null;
  readonly stdout: string;
}

export type CommandRunner = (command: string, args: readonly string[]) => Promise<CommandOutput | null>;

export type GpuVendor = 'nvidia' | 'amd' | 'apple';

/** One device a training process can use: a GPU, a MIG slice of one, or Apple's unified memory. */
export interface GpuDevice {
  readonly vendor: GpuVendor;
  readonly name: string;
  readonly totalBytes: number;
  /** Memory in use by other processes when detected; null when the tool does not say. */
  readonly usedBytes: number | null;
  /** 'mig': a Multi-Instance GPU slice (memory from its profile name); 'unified': shared with the CPU. */
  readonly kind: 'gpu' | 'mig' | 'unified';
  /** For a MIG slice, the GPU it belongs to. */
  readonly parent?: string;
}

export interface GpuDetection {
  /** The tool the devices come from. */
  readonly source: 'nvidia-smi' | 'rocm-smi' | 'sysctl';
  readonly devices: readonly GpuDevice[];
  /** Facts worth showing next to the figure (MIG profile memory, unified memory). */
  readonly notes: readonly string[];
}

/** The budget a data-parallel job sees: every device, the smallest one's memory. */
export interface DetectedGpus {
  readonly count: number;
  /** Total memory of the smallest visible device, in bytes (the one that limits data-parallel training). */
  readonly memoryBytes: number;
  /** Free memory of the device with the least free memory, when the tool reports usage. */
  readonly freeBytes: number | null;
  readonly names: readonly string[];
  readonly source: GpuDetection['source'];
  readonly notes: readonly string[];
}

const MIB = 2 ** 20;
const TIMEOUT_MS = 5000;

/** Runs a program without a shell through the process supervisor; null when it cannot be started. */
export const defaultCommandRunner: CommandRunner = async (command, args) => {
  // An absolute path from PATH's absolute entries only: never a program in the current folder.
  const program = findExecutable(command);
  if (program === null) return null;
  const outcome = await superviseProcess({ command: program, args, cwd: os.tmpdir(), timeoutMs: TIMEOUT_MS, captureStdout: 4 * MIB });
  // Not started (ENOENT, EACCES), or more output than any of these tools prints: not a reading.
  if (outcome.exit === 'spawn-failed' || outcome.exit === 'output-overflow') return null;
  return { code: outcome.exit === 'exited' ? outcome.exitCode : null, stdout: outcome.stdout };
};

// ---- nvidia-smi ----------------------------------------------------------------------------------

/** The query this module runs: `nvidia-smi --query-gpu=name,memory.total,memory.used --format=csv`. */
export const NVIDIA_SMI_QUERY: readonly string[] = ['--query-gpu=name,memory.total,memory.used', '--format=csv'];
/** `nvidia-smi -L` lists the GPUs and, under each, its MIG devices. */
export const NVIDIA_SMI_LIST: readonly string[] = ['-L'];

export interface NvidiaGpuRow {
  readonly name: string;
  readonly totalBytes: number;
  readonly usedBytes: number | null;
}

/** A memory cell of nvidia-smi's CSV: `81920 MiB` (or a bare number under a `[MiB]` header); null for `[N/A]`. */
function parseMemoryCell(cell: string, headerUnit: string | null): number | null | undefined {
  const text = cell.trim();
  if (/^\[?n\/a\]?$/i.test(text) || /not supported/i.test(text)) return null;
  const m = /^(\d+(?:\.\d+)?)\s*(KiB|MiB|GiB)?$/i.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? headerUnit ?? 'MiB').toLowerCase();
  const mult = unit === 'kib' ? 2 ** 10 : unit === 'gib' ? 2 ** 30 : MIB;
  return Math.round(Number(m[1]) * mult);
}

/**
 * Parses the CSV of `nvidia-smi --query-gpu=name,memory.total,memory.used --format=csv` (header
 * `name, memory.total [MiB], memory.used [MiB]`, one row per GPU; `noheader`/`nounits` output is read
 * too). The name may contain commas, so the two memory columns are taken from the right. Null when
 * no row can be read.
 */
export function parseNvidiaSmiCsv(text: string): NvidiaGpuRow[] | null {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  let unit: string | null = null;
  const rows: NvidiaGpuRow[] = [];
  for (const line of lines) {
    if (/^name\s*,/i.test(line)) {
      unit = /\[(KiB|MiB|GiB)\]/i.exec(line)?.[1] ?? null;
      continue;
    }
    const cells = line.split(',');
    if (cells.length < 3) return null;
    const used = parseMemoryCell(cells[cells.length - 1], unit);
    const total = parseMemoryCell(cells[cells.length - 2], unit);
    const name = cells.slice(0, -2).join(',').trim();
    if (total === undefined || total === null || total <= 0 || used === undefined || name === '') return null;
    rows.push({ name, totalBytes: total, usedBytes: used });
  }
  return rows.length > 0 ? rows : null;
}

export interface NvidiaListedGpu {
  readonly index: number;
  readonly name: string;
  /** MIG devices under this GPU: the profile name (`3g.40gb`) and the memory it names. */
  readonly mig: readonly { readonly profile: string; readonly memoryBytes: number }[];
}

/**
 * Parses `nvidia-smi -L`: `GPU 0: NVIDIA A100-SXM4-80GB (UUID: GPU-...)`, then for each MIG device
 * `  MIG 3g.40gb     Device  0: (UUID: MIG-...)`. NVIDIA names a MIG device by its compute slices
 * and its memory in GB (NVIDIA Multi-Instance GPU User Guide, "MIG Device Names":
 * https://docs.nvidia.com/datacenter/tesla/mig-user-guide/), so `3g.40gb` is 40 GB = 40e9 bytes
 * here: the profile figure, rounded by NVIDIA (the decimal reading is the smaller one).
 */
export function parseNvidiaSmiList(text: string): NvidiaListedGpu[] {
  const gpus: { index: number; name: string; mig: { profile: string; memoryBytes: number }[] }[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const gpu = /^GPU\s+(\d+):\s*(.*?)\s*\(UUID:/.exec(raw.trim());
    if (gpu) {
      gpus.push({ index: Number(gpu[1]), name: gpu[2], mig: [] });
      continue;
    }
    const mig = /^MIG\s+((?:\d+c\.)?\d+g\.(\d+)gb)\s+Device\s+\d+:/i.exec(raw.trim());
    const owner = gpus[gpus.length - 1];
    if (mig && owner) owner.mig.push({ profile: mig[1], memoryBytes: Number(mig[2]) * 1e9 });
  }
  return gpus;
}

async function detectNvidia(run: CommandRunner): Promise<GpuDetection | null> {
  const query = await run('nvidia-smi', NVIDIA_SMI_QUERY);
  if (query === null || query.code !== 0) return null;
  const rows = parseNvidiaSmiCsv(query.stdout);
  if (rows === null) return null;
  const listed = await run('nvidia-smi', NVIDIA_SMI_LIST);
  const list = listed !== null && listed.code === 0 ? parseNvidiaSmiList(listed.stdout) : [];
  const devices: GpuDevice[] = [];
  const notes: string[] = [];
  rows.forEach((row, i) => {
    const slices = list.find((g) => g.index === i)?.mig ?? [];
    if (slices.length === 0) {
      devices.push({ vendor: 'nvidia', name: row.name, totalBytes: row.totalBytes, usedBytes: row.usedBytes, kind: 'gpu' });
      return;
    }
    for (const s of slices) {
      devices.push({ vendor: 'nvidia', name: `${row.name} MIG ${s.profile}`, totalBytes: s.memoryBytes, usedBytes: null, kind: 'mig', parent: row.name });
    }
    notes.push(`GPU ${i} (${row.name}) is split into ${slices.length} MIG device(s); their memory comes from the MIG profile names (GB).`);
  });
  return { source: 'nvidia-smi', devices, notes };
}

// ---- rocm-smi ------------------------------------------------------------------------------------

/** `rocm-smi --showproductname --showmeminfo vram --json`: one object per card, byte counts as strings. */
export const ROCM_SMI_QUERY: readonly string[] = ['--showproductname', '--showmeminfo', 'vram', '--json'];

function numberField(card: Readonly<Record<string, unknown>>, pattern: RegExp): number | null {
  for (const [key, value] of Object.entries(card)) {
    if (!pattern.test(key)) continue;
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
    if (Number.isFinite(n) && n >= 0) return n;
  }
  return null;
}

/**
 * Parses rocm-smi's JSON: `{"card0": {"Card series": "...", "VRAM Total Memory (B)": "68702699520",
 * "VRAM Total Used Memory (B)": "10960896"}, ...}` (key spellings vary in case between ROCm
 * releases; a "system" entry without VRAM is ignored). Null when no card reports its VRAM.
 */
export function parseRocmSmiJson(text: string): GpuDevice[] | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const devices: GpuDevice[] = [];
  for (const [cardName, value] of Object.entries(data as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    const card = value as Record<string, unknown>;
    const total = numberField(card, /^vram total memory \(b\)$/i);
    if (total === null || total <= 0) continue;
    const used = numberField(card, /^vram total used memory \(b\)$/i);
    const series = Object.entries(card).find(([k]) => /^card series$/i.test(k))?.[1];
    const name = typeof series === 'string' && series.trim() !== '' ? series.trim() : cardName;
    devices.push({ vendor: 'amd', name, totalBytes: total, usedBytes: used, kind: 'gpu' });
  }
  return devices.length > 0 ? devices : null;
}

async function detectRocm(run: CommandRunner): Promise<GpuDetection | null> {
  const out = await run('rocm-smi', ROCM_SMI_QUERY);
  if (out === null || out.code !== 0) return null;
  const devices = parseRocmSmiJson(out.stdout);
  return devices === null ? null : { source: 'rocm-smi', devices, notes: [] };
}

// ---- Apple silicon ---------------------------------------------------------------------------------

/**
 * Apple silicon from `sysctl -n hw.memsize` (bytes of RAM) and `sysctl -n machdep.cpu.brand_string`
 * (`Apple M2 Max`). The GPU shares this unified memory with the CPU and macOS, so the whole figure is
 * an upper bound; Intel Macs (brand "Intel(R) ...") give null.
 */
export function parseAppleSysctl(memsize: string, brand: string): GpuDevice | null {
  const bytes = Number(memsize.trim());
  const name = brand.trim();
  if (!Number.isFinite(bytes) || bytes <= 0 || !/^Apple\b/.test(name)) return null;
  return { vendor: 'apple', name, totalBytes: bytes, usedBytes: null, kind: 'unified' };
}

async function detectApple(run: CommandRunner): Promise<GpuDetection | null> {
  const mem = await run('sysctl', ['-n', 'hw.memsize']);
  const brand = await run('sysctl', ['-n', 'machdep.cpu.brand_string']);
  if (mem === null || brand === null || mem.code !== 0 || brand.code !== 0) return null;
  const device = parseAppleSysctl(mem.stdout, brand.stdout);
  if (device === null) return null;
  return {
    source: 'sysctl',
    devices: [device],
    notes: ['Apple silicon: the GPU shares unified memory with the CPU and macOS, so less than this total is available to training.'],
  };
}

// ---- Detection ------------------------------------------------------------------------------------

/**
 * The GPUs of this machine: nvidia-smi, else rocm-smi, else (on macOS) Apple silicon's unified
 * memory; null when none of them answers. Never throws.
 */
export async function detectGpus(run: CommandRunner = defaultCommandRunner, platform: NodeJS.Platform = process.platform): Promise<GpuDetection | null> {
  try {
    const nvidia = await detectNvidia(run);
    if (nvidia !== null && nvidia.devices.length > 0) return nvidia;
    const rocm = await detectRocm(run);
    if (rocm !== null) return rocm;
    if (platform === 'darwin') return await detectApple(run);
    return null;
  } catch {
    return null;
  }
}

/** The budget of a detection: device count and the smallest device's memory. */
export function summarizeGpus(detection: GpuDetection): DetectedGpus | null {
  const devices = detection.devices;
  if (devices.length === 0) return null;
  const memoryBytes = Math.min(...devices.map((d) => d.totalBytes));
  const free = devices.map((d) => (d.usedBytes === null ? null : d.totalBytes - d.usedBytes));
  const freeBytes = free.some((f) => f === null) ? null : Math.min(...(free as number[]));
  return { count: devices.length, memoryBytes, freeBytes, names: devices.map((d) => d.name), source: detection.source, notes: detection.notes };
}
