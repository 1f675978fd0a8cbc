/**
 * GPU presets a user can pick as the memory budget when detection finds nothing (or to plan for
 * another machine). Each capacity is the vendor's published figure for that board; it is read as
 * GiB (2^30 bytes) because the memory chips are binary-sized (e.g. twelve 2 GiB GDDR6X chips on an
 * RTX 4090). nvidia-smi may report slightly less, since the driver reserves some memory.
 * `tensorTflops` is the vendor's peak dense (without 2:4 sparsity) BF16/FP16 tensor-core throughput with
 * FP32 accumulation, where the vendor's datasheet gives it (the figure the profiler's "share of a
 * training step" assumption divides 6 * N * tokens by); boards whose product page gives none have none.
 * Pure data: no I/O. The ids are the values of the `optimizerAdvisor.gpu` setting (package.json).
 */
import type { Citation } from '../core/types';

export interface GpuPreset {
  /** Setting value. */
  readonly id: string;
  readonly label: string;
  readonly memoryGiB: number;
  readonly source: Citation;
  /** Peak dense BF16/FP16 tensor throughput, TFLOPS, and where the figure is published. */
  readonly tensorTflops?: { readonly value: number; readonly source: Citation };
}

const datasheet = (title: string, url: string, locator: string): Citation => ({ title, url, locator });
const A100_TFLOPS = { value: 312, source: datasheet('NVIDIA A100 Tensor Core GPU datasheet', 'https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf', 'BFLOAT16 Tensor Core: 312 TFLOPS (624 with sparsity)') };

const nvidia = (path: string, locator: string): Citation => ({ title: `NVIDIA product page (${locator})`, url: `https://www.nvidia.com/en-us/${path}`, locator });

export const GPU_PRESETS: readonly GpuPreset[] = [
  { id: 'rtx-3090', label: 'NVIDIA GeForce RTX 3090 (24 GB)', memoryGiB: 24, source: nvidia('geforce/graphics-cards/30-series/rtx-3090-3090ti/', 'specs: 24 GB GDDR6X') },
  { id: 'rtx-4090', label: 'NVIDIA GeForce RTX 4090 (24 GB)', memoryGiB: 24, source: nvidia('geforce/graphics-cards/40-series/rtx-4090/', 'specs: 24 GB GDDR6X') },
  { id: 'rtx-a6000', label: 'NVIDIA RTX A6000 (48 GB)', memoryGiB: 48, source: nvidia('design-visualization/rtx-a6000/', 'specs: 48 GB GDDR6 with ECC') },
  { id: 't4', label: 'NVIDIA T4 (16 GB)', memoryGiB: 16, source: nvidia('data-center/tesla-t4/', 'specs: 16 GB GDDR6'), tensorTflops: { value: 65, source: nvidia('data-center/tesla-t4/', 'specs: Mixed Precision (FP16/FP32) 65 TFLOPS') } },
  { id: 'v100-16gb', label: 'NVIDIA V100 (16 GB)', memoryGiB: 16, source: nvidia('data-center/v100/', 'specs: 16 GB HBM2'), tensorTflops: { value: 125, source: nvidia('data-center/v100/', 'specs: Tensor Performance 125 TFLOPS (V100 SXM2; 112 for PCIe)') } },
  { id: 'v100-32gb', label: 'NVIDIA V100 (32 GB)', memoryGiB: 32, source: nvidia('data-center/v100/', 'specs: 32 GB HBM2'), tensorTflops: { value: 125, source: nvidia('data-center/v100/', 'specs: Tensor Performance 125 TFLOPS (V100 SXM2; 112 for PCIe)') } },
  { id: 'a10', label: 'NVIDIA A10 (24 GB)', memoryGiB: 24, source: nvidia('data-center/products/a10-gpu/', 'specs: 24 GB GDDR6'), tensorTflops: { value: 125, source: nvidia('data-center/products/a10-gpu/', 'specs: BF16 Tensor Core 125 TF (250 with sparsity)') } },
  { id: 'l4', label: 'NVIDIA L4 (24 GB)', memoryGiB: 24, source: nvidia('data-center/l4/', 'specs: 24 GB GPU memory'), tensorTflops: { value: 121, source: nvidia('data-center/l4/', 'specs: BF16 Tensor Core 242 teraFLOPS with sparsity, half without') } },
  { id: 'l40s', label: 'NVIDIA L40S (48 GB)', memoryGiB: 48, source: nvidia('data-center/l40s/', 'specs: 48 GB GDDR6 with ECC'), tensorTflops: { value: 362.05, source: nvidia('data-center/l40s/', 'specs: BF16 Tensor Core 362.05 TFLOPS (733 with sparsity)') } },
  { id: 'a100-40gb', label: 'NVIDIA A100 (40 GB)', memoryGiB: 40, source: nvidia('data-center/a100/', 'specs: A100 40GB PCIe / SXM, 40 GB HBM2'), tensorTflops: A100_TFLOPS },
  { id: 'a100-80gb', label: 'NVIDIA A100 (80 GB)', memoryGiB: 80, source: nvidia('data-center/a100/', 'specs: A100 80GB PCIe / SXM, 80 GB HBM2e'), tensorTflops: A100_TFLOPS },
  { id: 'h100-80gb', label: 'NVIDIA H100 (80 GB)', memoryGiB: 80, source: nvidia('data-center/h100/', 'specs: H100 SXM / PCIe, 80 GB'), tensorTflops: { value: 989, source: nvidia('data-center/h100/', 'specs: H100 SXM BF16 Tensor Core 1,979 teraFLOPS with sparsity, half without (PCIe: 1,513 / 756)') } },
  {
    id: 'mi300x',
    label: 'AMD Instinct MI300X (192 GB)',
    memoryGiB: 192,
    source: { title: 'AMD Instinct MI300X accelerator', url: 'https://www.amd.com/en/products/accelerators/instinct/mi300/mi300x.html', locator: 'specifications: 192 GB HBM3' },
    tensorTflops: {
      value: 1307.4,
      source: { title: 'AMD Instinct MI300X accelerator', url: 'https://www.amd.com/en/products/accelerators/instinct/mi300/mi300x.html', locator: 'specifications: Peak bfloat16 1307.4 TFLOPs (2614.9 with structured sparsity)' },
    },
  },
];

export function findGpuPreset(id: string): GpuPreset | undefined {
  return GPU_PRESETS.find((p) => p.id === id);
}

export function presetBytes(preset: GpuPreset): number {
  return preset.memoryGiB * 2 ** 30;
}

/**
 * The preset a detected GPU name matches (nvidia-smi's `NVIDIA A100-SXM4-80GB`, `Tesla T4`, ...), by the
 * board's name and, where the preset comes in two sizes, its memory; undefined when none matches.
 */
export function presetForGpuName(name: string, memoryBytes: number | null): GpuPreset | undefined {
  const n = name.toLowerCase().replace(/[\s_-]+/g, ' ');
  const gib = memoryBytes === null ? null : memoryBytes / 2 ** 30;
  const bySize = (small: string, large: string, threshold: number) => findGpuPreset(gib !== null && gib > threshold ? large : small);
  if (/\bh100\b/.test(n)) return findGpuPreset('h100-80gb');
  if (/\ba100\b/.test(n)) return /80 ?gb/.test(n) ? findGpuPreset('a100-80gb') : /40 ?gb/.test(n) ? findGpuPreset('a100-40gb') : bySize('a100-40gb', 'a100-80gb', 48);
  if (/\bv100\b/.test(n)) return /32 ?gb/.test(n) ? findGpuPreset('v100-32gb') : bySize('v100-16gb', 'v100-32gb', 20);
  if (/\bl40s\b/.test(n)) return findGpuPreset('l40s');
  if (/\bl4\b/.test(n)) return findGpuPreset('l4');
  if (/\ba10\b/.test(n)) return findGpuPreset('a10');
  if (/\bt4\b/.test(n)) return findGpuPreset('t4');
  if (/\ba6000\b/.test(n)) return findGpuPreset('rtx-a6000');
  if (/\b4090\b/.test(n)) return findGpuPreset('rtx-4090');
  if (/\b3090\b/.test(n)) return findGpuPreset('rtx-3090');
  if (/\bmi300x\b/.test(n)) return findGpuPreset('mi300x');
  return undefined;
}
