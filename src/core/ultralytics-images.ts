/**
 * An Ultralytics job's training images, counted in the workspace folders its dataset YAML names (README "Ultralytics
 * YOLO"), and `optimizer=auto` decided again from that count. The folders come from the scan
 * (scan/ultralytics.ts trainImagesOf, following check_det_dataset); the count is the caller's bounded lister's
 * (FileAccess.countImages, src/platform/image-folder.ts: a cap on the files listed and on the time, links to folders not
 * followed, folders outside the workspace not opened). Ultralytics takes every file below the folder whose suffix is in
 * IMG_FORMATS (BaseDataset.get_img_files: glob `**\/*.*`), then the first round(n x fraction) (scan/ultralytics.ts
 * ULTRALYTICS_DATASET_PATHS). A folder that is missing, over a cap or unreadable leaves the count unknown with a note;
 * the auto rule then stays the scan's assumption. Pure.
 */
import { count, type CountedSamples } from './run-length';
import type { ScanJob, UltralyticsJob } from './scan/results';
import { resolveAutoOptimizer, ULTRALYTICS_DATASET_PATHS, ULTRALYTICS_TRAINER } from './scan/ultralytics';
import type { HyperValue } from './types';

/** Ultralytics' image suffixes (data/utils.py IMG_FORMATS, compared lower-cased). */
export const ULTRALYTICS_IMAGE_SUFFIXES: readonly string[] = ['bmp', 'dng', 'jpeg', 'jpg', 'mpo', 'png', 'tif', 'tiff', 'webp', 'pfm', 'heic'];

/** The images below a workspace folder, or why they are not counted. */
export type ImageCount = { readonly ok: true; readonly images: number } | { readonly ok: false; readonly message: string };

/** Counts the images below a workspace folder (workspace-relative path); null when there is no such folder. */
export type CountImages = (folder: string) => ImageCount | null;

/** Whether Ultralytics reads a file name as an image (its suffix after the last dot, lower-cased, in IMG_FORMATS). */
export function isUltralyticsImage(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot >= 0 && ULTRALYTICS_IMAGE_SUFFIXES.includes(name.slice(dot + 1).toLowerCase());
}

/** Python's round(): halves to the even neighbour (get_img_files' round(len(im_files) * fraction)). */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The job's training images: counted in its workspace folders, a bundled dataset's stated count (assumed), or why not. */
export function countedTrainImages(u: UltralyticsJob, countImages: CountImages | undefined): CountedSamples {
  const t = u.trainImages;
  if (t.kind === 'unknown') return { value: null, why: `the training images are not counted: ${t.why}`, problems: [] };
  if (t.kind === 'stated') return { value: t.value, from: t.from };
  if (countImages === undefined) return { value: null, why: `the training images of ${t.named} are not counted here`, problems: [] };
  let total = 0;
  const parts: string[] = [];
  for (const candidates of t.folders) {
    let found: { folder: string; images: number } | null = null;
    for (const folder of candidates) {
      const counted = countImages(folder);
      if (counted === null) continue;
      if (!counted.ok) return { value: null, why: `the training images in ${folder} (train: at ${t.named}) are not counted: ${counted.message}`, problems: [] };
      found = { folder, images: counted.images };
      break;
    }
    if (found === null) return { value: null, why: `the training images folder ${candidates.join(' or ')} (train: at ${t.named}) is not in the workspace`, problems: [] };
    total += found.images;
    parts.push(`${count(found.images)} images in ${found.folder}`);
  }
  const kept = u.fraction.value < 1 ? roundHalfEven(total * u.fraction.value) : total;
  const fraction = u.fraction.value < 1 ? `, of which fraction ${u.fraction.value} (${u.fraction.at ?? 'assumed'}) keeps the first ${count(kept)}` : '';
  return { value: kept, from: `${parts.join(' + ')} (train: at ${t.named}; counted as Ultralytics lists them, files with an image suffix, subfolders included: ${ULTRALYTICS_DATASET_PATHS.url})${fraction}` };
}

/**
 * The job with optimizer=auto decided from the training images when they are known (build_optimizer's rule,
 * scan/ultralytics.ts resolveAutoOptimizer) and the count said in its notes; the job as scanned otherwise (a written
 * optimizer, or images not known: then the scan's assumption stands, and the note says why).
 */
export function withTrainImages(job: ScanJob, images: CountedSamples): ScanJob {
  const u = job.ultralyticsJob;
  if (u === undefined) return job;
  const notes = [...(job.assumptions ?? [])];
  if (images.value === null) {
    if (u.auto) notes.push(`optimizer=auto stays assumed: ${images.why}`);
    return { ...job, assumptions: notes };
  }
  if (!u.auto) {
    notes.push(`training images: ${count(images.value)} (${images.from})`);
    return { ...job, assumptions: notes };
  }
  const auto = resolveAutoOptimizer({ batch: u.batch, nbs: u.nbs, epochs: u.epochs.value }, u.classes.value, images.value);
  notes.push(`${auto.why}; images: ${images.from}`);
  const params: Readonly<Record<string, HyperValue>> = auto.optimizer === 'SGD' ? { momentum: auto.momentum, nesterov: true } : { betas: [auto.momentum, 0.999] };
  const decided = (setting: string, value: string | number, note: string) => ({ setting, key: setting === 'optimizer' ? 'optimizer' : 'lr0', value, note, source: ULTRALYTICS_TRAINER });
  const defaults = job.defaults.map((d) =>
    d.setting === 'optimizer' ? decided('optimizer', auto.optimizer, auto.why)
    : d.setting === 'learningRate' && job.sources['learningRate'] === undefined ? decided('learningRate', auto.lr, 'optimizer=auto sets it')
    : d);
  return {
    ...job,
    settings: { ...job.settings, optimizer: auto.optimizer, learningRate: auto.lr, optimizerParams: params },
    defaults,
    assumptions: notes,
  };
}
