/**
 * The structured synthetic vision task: grayscale images of one bar at one of `classes` orientations
 * (0 to 180 degrees in equal steps), with random centre, length, width, contrast and Gaussian pixel
 * noise. Neighbouring orientations differ by a few pixels, so the task is learnable but not trivial:
 * optimizers separate on it. Deterministic for a seed.
 */
import { SweepRandom } from './random';

/** Standard deviation of the Gaussian pixel noise (the bar's half-contrast is 0.3 to 0.5). */
export const PIXEL_NOISE = 0.1;

export interface ImageBatch {
  /** [batch, size, size, 1], NHWC, values roughly in [-1, 1]. */
  readonly pixels: Float32Array;
  readonly labels: Int32Array;
}

export class BarImages {
  private readonly rng: SweepRandom;
  constructor(
    private readonly size: number,
    private readonly classes: number,
    seed: number,
  ) {
    this.rng = new SweepRandom(seed);
  }

  /** One image of class `label` into `out` at `offset`. */
  private draw(out: Float32Array, offset: number, label: number): void {
    const { size, rng } = this;
    const angle = (Math.PI * label) / this.classes + (rng.next() - 0.5) * (Math.PI / this.classes) * 0.5;
    const cx = size / 2 + (rng.next() - 0.5) * size * 0.3;
    const cy = size / 2 + (rng.next() - 0.5) * size * 0.3;
    const halfLength = size * (0.25 + 0.2 * rng.next());
    const halfWidth = 0.6 + 0.6 * rng.next();
    const contrast = 0.6 + 0.4 * rng.next();
    const dx = Math.cos(angle);
    const dy = Math.sin(angle);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const px = x + 0.5 - cx;
        const py = y + 0.5 - cy;
        const along = px * dx + py * dy;
        const across = -px * dy + py * dx;
        // Soft-edged bar: 1 inside, falling to 0 over one pixel.
        const inside = Math.min(1, Math.max(0, halfWidth + 0.5 - Math.abs(across))) * Math.min(1, Math.max(0, halfLength + 0.5 - Math.abs(along)));
        out[offset + y * size + x] = contrast * (2 * inside - 1) * 0.5 + PIXEL_NOISE * rng.gaussian();
      }
    }
  }

  next(batch: number): ImageBatch {
    const n = this.size * this.size;
    const pixels = new Float32Array(batch * n);
    const labels = new Int32Array(batch);
    for (let b = 0; b < batch; b++) {
      const label = this.rng.int(this.classes);
      labels[b] = label;
      this.draw(pixels, b * n, label);
    }
    return { pixels, labels };
  }
}
