/**
 * Small dense linear algebra in float64 JavaScript, for the optimizers that need a decomposition
 * tfjs does not have (no eigh, no SVD; tf.linalg.qr is built from many small ops): GaLore's top singular
 * vectors (as eigenvectors of the smaller Gram matrix) and SOAP's eigenbases (eigh once, then one power
 * iteration + QR). Matrices are row-major Float64Arrays. Cost: O(n^3) per Jacobi sweep (about 6 to 10
 * sweeps) and O(n^2 k) per QR, meant for the profiler's proxy sizes (dimensions up to a few hundred).
 *
 * - symmetricEigen: the cyclic Jacobi eigenvalue method (Jacobi 1846; Golub & Van Loan, Matrix
 *   Computations, 4th ed., section 8.5, Algorithm 8.5.3), with the numerically stable rotation of
 *   Rutishauser (t = sign(theta) / (|theta| + sqrt(theta^2 + 1)), updates via tau = s / (1 + c)), and the
 *   rule that drops an off-diagonal entry that no longer changes either diagonal entry in floating point.
 * - householderQ: the Q factor of a Householder QR (Golub & Van Loan, Algorithm 5.2.1), reflections
 *   chosen as LAPACK's geqrf does (v = x - alpha e1 with alpha = -sign(x1) ||x||).
 */

export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  readonly values: Float64Array;
  /** n x n, row-major; column j is the unit eigenvector of values[j]. */
  readonly vectors: Float64Array;
  /** Jacobi sweeps used. */
  readonly sweeps: number;
}

const MAX_SWEEPS = 100;

/**
 * Eigen-decomposition of a symmetric n x n matrix (the input is symmetrised as (A + A^T)/2), eigenvalues
 * sorted descending (ties keep their index order).
 */
export function symmetricEigen(input: ArrayLike<number>, n: number): SymmetricEigen {
  if (input.length !== n * n) throw new Error(`symmetricEigen: expected ${n * n} values, got ${input.length}`);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) a[i * n + j] = 0.5 * (input[i * n + j]! + input[j * n + i]!);
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let sweeps = 0;
  for (; sweeps < MAX_SWEEPS; sweeps++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        const g = 100 * Math.abs(apq);
        // Negligible next to both diagonal entries: drop it (it cannot change them in float64).
        if (sweeps > 3 && Math.abs(app) + g === Math.abs(app) && Math.abs(aqq) + g === Math.abs(aqq)) {
          a[p * n + q] = 0;
          a[q * n + p] = 0;
          continue;
        }
        const h = aqq - app;
        let t: number;
        if (Math.abs(h) + g === Math.abs(h)) {
          t = apq / h;
        } else {
          const theta = (0.5 * h) / apq;
          t = 1 / (Math.abs(theta) + Math.sqrt(1 + theta * theta));
          if (theta < 0) t = -t;
        }
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        const tau = s / (1 + c);
        a[p * n + p] = app - t * apq;
        a[q * n + q] = aqq + t * apq;
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let r = 0; r < n; r++) {
          if (r === p || r === q) continue;
          const arp = a[r * n + p]!;
          const arq = a[r * n + q]!;
          const np = arp - s * (arq + arp * tau);
          const nq = arq + s * (arp - arq * tau);
          a[r * n + p] = np;
          a[p * n + r] = np;
          a[r * n + q] = nq;
          a[q * n + r] = nq;
        }
        for (let r = 0; r < n; r++) {
          const vrp = v[r * n + p]!;
          const vrq = v[r * n + q]!;
          v[r * n + p] = vrp - s * (vrq + vrp * tau);
          v[r * n + q] = vrq + s * (vrp - vrq * tau);
        }
        rotated = true;
      }
    }
    if (!rotated) break;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j]! - a[i * n + i]! || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = a[src * n + src]!;
    for (let r = 0; r < n; r++) vectors[r * n + dst] = v[r * n + src]!;
  });
  return { values, vectors, sweeps };
}

/** The thin Q (n x k, orthonormal columns) of the Householder QR of an n x k matrix (k <= n). */
export function householderQ(input: ArrayLike<number>, n: number, k: number): Float64Array {
  if (k > n) throw new Error(`householderQ: k (${k}) must not exceed n (${n})`);
  if (input.length !== n * k) throw new Error(`householderQ: expected ${n * k} values, got ${input.length}`);
  const r = Float64Array.from(input);
  const reflectors: Array<{ v: Float64Array; norm2: number } | null> = [];
  for (let j = 0; j < k; j++) {
    let norm2 = 0;
    for (let i = j; i < n; i++) norm2 += r[i * k + j]! ** 2;
    if (norm2 === 0) {
      reflectors.push(null);
      continue;
    }
    const x0 = r[j * k + j]!;
    const alpha = x0 > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    const v = new Float64Array(n - j);
    for (let i = j; i < n; i++) v[i - j] = r[i * k + j]!;
    v[0] = x0 - alpha;
    let vNorm2 = 0;
    for (let i = 0; i < v.length; i++) vNorm2 += v[i]! ** 2;
    if (vNorm2 === 0) {
      reflectors.push(null);
      continue;
    }
    for (let c = j; c < k; c++) {
      let dot = 0;
      for (let i = 0; i < v.length; i++) dot += v[i]! * r[(j + i) * k + c]!;
      const f = (2 * dot) / vNorm2;
      for (let i = 0; i < v.length; i++) r[(j + i) * k + c] = r[(j + i) * k + c]! - f * v[i]!;
    }
    reflectors.push({ v, norm2: vNorm2 });
  }
  // Q = H_0 H_1 ... H_{k-1} [I_k; 0], applied from the last reflector to the first.
  const q = new Float64Array(n * k);
  for (let i = 0; i < k; i++) q[i * k + i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const h = reflectors[j];
    if (!h) continue;
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let i = 0; i < h.v.length; i++) dot += h.v[i]! * q[(j + i) * k + c]!;
      const f = (2 * dot) / h.norm2;
      for (let i = 0; i < h.v.length; i++) q[(j + i) * k + c] = q[(j + i) * k + c]! - f * h.v[i]!;
    }
  }
  return q;
}

/** A^T A (cols x cols) of a row-major rows x cols matrix, accumulated in float64. */
export function gramOfColumns(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols * cols);
  for (let k = 0; k < rows; k++) {
    const base = k * cols;
    for (let i = 0; i < cols; i++) {
      const aki = a[base + i]!;
      if (aki === 0) continue;
      for (let j = i; j < cols; j++) out[i * cols + j] = out[i * cols + j]! + aki * a[base + j]!;
    }
  }
  for (let i = 0; i < cols; i++) for (let j = 0; j < i; j++) out[i * cols + j] = out[j * cols + i]!;
  return out;
}

/** A A^T (rows x rows) of a row-major rows x cols matrix, accumulated in float64. */
export function gramOfRows(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    for (let j = i; j < rows; j++) {
      let s = 0;
      for (let k = 0; k < cols; k++) s += a[i * cols + k]! * a[j * cols + k]!;
      out[i * rows + j] = s;
      out[j * rows + i] = s;
    }
  }
  return out;
}
