/**
 * Where the GPU backend is installed and whether that install is complete: the folder
 * `<global storage>/gpu-backend` counts only once the installer has written its marker file there (it
 * builds the install in a sibling folder and renames it at the end) and it matches its declaration
 * below (TypeBox, ARCHITECTURE.md "Data shapes"). No 'vscode' import.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkValue, type Declared } from '../../core/schema/check';
import { OneOf, Type } from '../../core/schema/declare';
import { GPU_BACKEND_PACKAGE, INSTALL_FOLDER, INSTALL_MARKER } from './spec';

/** How the check after installing went (verify.ts), as stored in the marker. */
const StoredVerificationSchema = Type.Object({
  outcome: OneOf(['gpu', 'fallback', 'crashed', 'failed']),
  /** The backend the profiler child chose. */
  backend: Type.Optional(Type.String()),
  detail: Type.String(),
  at: Type.String(),
});
export type StoredVerification = Declared<typeof StoredVerificationSchema>;

/** The marker file the installer writes last: its one declaration (type and reader). */
const InstallMarkerSchema = Type.Object({
  package: Type.String(),
  version: Type.String(),
  installedAt: Type.String(),
  npm: Type.String(),
  verification: Type.Optional(StoredVerificationSchema),
});
export type InstallMarker = Declared<typeof InstallMarkerSchema>;

export interface InstalledGpuBackend {
  /** The folder to give the profiler as an extra module directory. */
  readonly dir: string;
  /** The package folder inside it. */
  readonly packageDir: string;
  readonly marker: InstallMarker;
}

export function gpuBackendDir(storageDir: string): string {
  return path.join(storageDir, INSTALL_FOLDER);
}

export function packageDirIn(installDir: string): string {
  return path.join(installDir, 'node_modules', ...GPU_BACKEND_PACKAGE.split('/'));
}

/** The complete install under `storageDir`, or null (nothing installed, or an install that did not finish). */
export function readInstalled(storageDir: string): InstalledGpuBackend | null {
  const dir = gpuBackendDir(storageDir);
  let marker: unknown;
  try {
    marker = JSON.parse(fs.readFileSync(path.join(dir, INSTALL_MARKER), 'utf8'));
  } catch {
    return null;
  }
  const checked = checkValue(InstallMarkerSchema, marker, undefined, INSTALL_MARKER);
  if (!checked.ok) return null;
  const packageDir = packageDirIn(dir);
  if (!fs.existsSync(path.join(packageDir, 'package.json'))) return null;
  return { dir, packageDir, marker: checked.value };
}

/** Writes the marker atomically (temporary file + rename). */
export function writeMarker(installDir: string, marker: InstallMarker): void {
  const file = path.join(installDir, INSTALL_MARKER);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(marker, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/**
 * The module directories to give the profiler: the install, unless its check after installing saw
 * the profiler crash while loading it (a native crash cannot be caught in the child; profiling then
 * keeps to the other backends).
 */
export function profilerModuleDirs(storageDir: string | undefined): { dirs: string[]; note: string | null } {
  if (storageDir === undefined) return { dirs: [], note: null };
  const installed = readInstalled(storageDir);
  if (installed === null) return { dirs: [], note: null };
  if (installed.marker.verification?.outcome === 'crashed') {
    return { dirs: [], note: `the GPU backend in ${installed.dir} is not used: loading it crashed the profiler when it was checked (${installed.marker.verification.detail})` };
  }
  return { dirs: [installed.dir], note: null };
}
