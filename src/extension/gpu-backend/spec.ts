/**
 * What "Install GPU Backend" installs, where, and what it needs: declared data with its sources.
 * No 'vscode' import (the installer and its tests use it under plain Node).
 */

/** The npm package that runs TensorFlow.js on CUDA GPUs. */
export const GPU_BACKEND_PACKAGE = '@tensorflow/tfjs-node-gpu';

/**
 * The TensorFlow.js version the profiler child bundles (@tensorflow/tfjs-core in package.json and
 * package-lock.json). The GPU package is pinned to it: the package brings its own copy of tfjs-core,
 * which shares the child's engine and kernel registry only when both are the same release. This is
 * the one place the version is written; test/unit/gpu-backend-install.test.ts checks it against
 * package.json, package-lock.json and the installed tfjs-core.
 */
export const TFJS_VERSION = '4.22.0';

/** `<package>@<version>` as given to npm. */
export const GPU_BACKEND_SPEC = `${GPU_BACKEND_PACKAGE}@${TFJS_VERSION}`;

/**
 * The libtensorflow release the package's install script downloads: LIBTENSORFLOW_VERSION in
 * scripts/deps-constants.js of @tensorflow/tfjs-node-gpu 4.22.0.
 */
export const LIBTENSORFLOW_VERSION = '2.9.1';

/** Where the install script downloads from (BASE_HOST in the package's scripts/install.js, unless TFJS_NODE_CDN_STORAGE is set). */
export const LIBTENSORFLOW_HOST = 'storage.googleapis.com';

/**
 * NVIDIA software the GPU build needs, as the tfjs-node README of the pinned release lists it
 * ("For GPU support, tfjs-node-gpu@1.2.4 or later requires the following NVIDIA® software"), which
 * matches TensorFlow's tested build configuration for 2.9 (CUDA 11.2, cuDNN 8.1).
 */
export const GPU_REQUIREMENTS = {
  driver: '>450.x',
  cuda: '11.2',
  cudnn: '8.1.0',
  source: 'https://github.com/tensorflow/tfjs/blob/e5d5e9371ed1fd0a4df6d7cd0b947d2a820cefd7/tfjs-node/README.md#installing',
} as const;

/**
 * Platforms with a GPU build: ALL_SUPPORTED_COMBINATION in the package's scripts/deps-constants.js has
 * 'gpu-linux-x86_64' and 'gpu-windows-x86_64'. Elsewhere its install script fetches a CPU-only
 * libtensorflow (macOS: "Exception for mac+gpu user"; Linux arm/arm64: CPU builds), so installing the
 * GPU package there gains nothing.
 */
export const GPU_PLATFORMS: ReadonlyArray<{ readonly platform: NodeJS.Platform; readonly arch: string; readonly label: string }> = [
  { platform: 'linux', arch: 'x64', label: 'Linux x64' },
  { platform: 'win32', arch: 'x64', label: 'Windows x64' },
];

export function gpuPlatformSupported(platform: string, arch: string): boolean {
  return GPU_PLATFORMS.some((p) => p.platform === platform && p.arch === arch);
}

/** Folder under the extension's global storage that holds the installed package (<dir>/node_modules/...). */
export const INSTALL_FOLDER = 'gpu-backend';
/** Written last into a finished install: an install folder without it is not used. */
export const INSTALL_MARKER = 'optimizer-advisor-install.json';
