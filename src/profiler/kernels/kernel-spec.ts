/**
 * The fused optimizer updates, written once as data: per element, a few temporaries and stores over
 * the arrays (parameter, gradient, states) and the step's scalars. simd-kernels.ts compiles a spec to
 * WebAssembly (4 lanes at a time with SIMD, then a scalar tail); js-kernels.ts evaluates the same
 * spec in JavaScript for the cpu backend. Each operation rounds to float32, in the same order as the
 * tfjs-op implementation of the optimizer (../optimizers/*.ts), so the fused step gives the same
 * numbers as the unfused one. A spec may also return sums over its elements (norms, means for the
 * updates with reductions); those are added in another order than tfjs's reductions. Kernels of a
 * matrix's rows (Adafactor, CAME, Adam-mini's heads) are ordinary specs run once per row, with
 * column vectors as arrays that do not advance and the row's own scalar first (multiRowSpec makes the
 * same kernel over 4 rows per call). Block-wise kernels (BlockwiseKernelSpec: 8-bit AdamW) add
 * dequantise and requantise steps over bitsandbytes' 8-bit block-wise states. Pure.
 */

export type Expr =
  | { readonly k: 'load'; readonly array: string }
  | { readonly k: 'scalar'; readonly name: string }
  | { readonly k: 'tmp'; readonly name: string }
  | { readonly k: 'const'; readonly value: number }
  | { readonly k: 'add' | 'sub' | 'mul' | 'div' | 'max'; readonly a: Expr; readonly b: Expr }
  | { readonly k: 'sqrt' | 'sign'; readonly a: Expr }
  /** Block-wise kernels only: the old value of an 8-bit state, map[code] * absmax of the element's block. */
  | { readonly k: 'dequant'; readonly state: string }
  /** In `between` and `then` only: the first pass's total of one of spec.sums (as the kernel returns it). */
  | { readonly k: 'sum'; readonly name: string };

export type Stmt =
  | { readonly k: 'let'; readonly name: string; readonly value: Expr }
  | { readonly k: 'store'; readonly array: string; readonly value: Expr }
  /** Adds value to the running sum `sum` (one of spec.sums); the kernel returns the sums. */
  | { readonly k: 'acc'; readonly sum: string; readonly value: Expr }
  /** Block-wise kernels only: the new value of an 8-bit state, requantised once its block is done. */
  | { readonly k: 'requant'; readonly state: string; readonly value: Expr };

export interface KernelSpec {
  readonly name: string;
  /** Arrays, by name, in argument order (float32, n elements each). */
  readonly arrays: readonly string[];
  /** Scalars (float32) in argument order after the arrays and n. */
  readonly scalars: readonly string[];
  readonly body: readonly Stmt[];
  /**
   * Sums over the elements the kernel returns, in this order (LAMB's norms, NovoGrad's sum of g^2,
   * Adafactor's row sums...). Their order of summation is not the tfjs ops' (WebAssembly: 4 float32
   * lanes, then the tail; JavaScript: float64), so results that depend on them agree with the tfjs-op
   * optimizer to rounding, not bit for bit.
   */
  readonly sums?: readonly string[];
  /**
   * A second pass over the same elements (a row still in cache), after the first: `between` computes
   * scalar temporaries ('let' only) from the scalars and the first pass's sums (Expr 'sum'), once;
   * `then` runs over the elements again and may read them.
   */
  readonly between?: readonly Stmt[];
  readonly then?: readonly Stmt[];
  /** multiRowSpec's kernels: the rows each call takes (each SIMD iteration already works on that many rows). */
  readonly rows?: number;
}

export const load = (array: string): Expr => ({ k: 'load', array });
export const scalar = (name: string): Expr => ({ k: 'scalar', name });
export const tmp = (name: string): Expr => ({ k: 'tmp', name });
export const add = (a: Expr, b: Expr): Expr => ({ k: 'add', a, b });
export const sub = (a: Expr, b: Expr): Expr => ({ k: 'sub', a, b });
export const mul = (a: Expr, b: Expr): Expr => ({ k: 'mul', a, b });
export const div = (a: Expr, b: Expr): Expr => ({ k: 'div', a, b });
export const sqrt = (a: Expr): Expr => ({ k: 'sqrt', a });
/** max(a, b), NaN when either is NaN (tfjs Maximum: Math.max on cpu; wasm f32.max). */
export const max = (a: Expr, b: Expr): Expr => ({ k: 'max', a, b });
/** sign(x): 1, -1 or 0 (0 for NaN, where tfjs's Sign gives NaN). */
export const sign = (a: Expr): Expr => ({ k: 'sign', a });
export const dequant = (state: string): Expr => ({ k: 'dequant', state });
export const sumOf = (name: string): Expr => ({ k: 'sum', name });
const requant = (state: string, value: Expr): Stmt => ({ k: 'requant', state, value });
const set = (name: string, value: Expr): Stmt => ({ k: 'let', name, value });
const store = (array: string, value: Expr): Stmt => ({ k: 'store', array, value });
const acc = (sum: string, value: Expr): Stmt => ({ k: 'acc', sum, value });

/**
 * The Adam family's one-pass update: AdamW/Adam (weight decay decoupled or 0) as AdamOptimizer.updateParameter,
 * and with `nesterov` NAdamW as NAdamWOptimizer.updateParameter (../optimizers/nadamw.ts):
 *   p <- p*decay;  m <- m*b1 + g*c1;  v <- v*b2 + (g*g)*c2;  (NAdamW: n = m*b1 + g*c1)
 *   p <- p - (m or n / (sqrt(v)/bc2sqrt + eps)) * stepSize      (stepSize = lr/(1-b1^t); decay 1 without decay)
 */
function adamFamilyKernel(name: string, nesterov: boolean): KernelSpec {
  const numerator = nesterov ? 'n' : 'm';
  return {
    name,
    arrays: ['p', 'g', 'm', 'v'],
    scalars: ['decay', 'b1', 'c1', 'b2', 'c2', 'bc2sqrt', 'eps', 'stepSize'],
    body: [
      set('g', load('g')),
      set('m', add(mul(load('m'), scalar('b1')), mul(tmp('g'), scalar('c1')))),
      set('v', add(mul(load('v'), scalar('b2')), mul(mul(tmp('g'), tmp('g')), scalar('c2')))),
      store('m', tmp('m')),
      store('v', tmp('v')),
      ...(nesterov ? [set('n', add(mul(tmp('m'), scalar('b1')), mul(tmp('g'), scalar('c1'))))] : []),
      set('denom', add(div(sqrt(tmp('v')), scalar('bc2sqrt')), scalar('eps'))),
      store('p', sub(mul(load('p'), scalar('decay')), mul(div(tmp(numerator), tmp('denom')), scalar('stepSize')))),
    ],
  };
}

export const ADAMW_KERNEL: KernelSpec = adamFamilyKernel('adamw', false);

/**
 * Lion, as LionOptimizer.updateParameter:
 *   p <- p*decay;  p <- p - sign(m*b1 + g*c1)*lr;  m <- m*b2 + g*c2
 */
export const LION_KERNEL: KernelSpec = {
  name: 'lion',
  arrays: ['p', 'g', 'm'],
  scalars: ['decay', 'lr', 'b1', 'c1', 'b2', 'c2'],
  body: [
    set('g', load('g')),
    set('m', load('m')),
    store('p', sub(mul(load('p'), scalar('decay')), mul(sign(add(mul(tmp('m'), scalar('b1')), mul(tmp('g'), scalar('c1')))), scalar('lr')))),
    store('m', add(mul(tmp('m'), scalar('b2')), mul(tmp('g'), scalar('c2')))),
  ],
};

export function sgdName(l2: boolean, maximize: boolean): string {
  return `sgd${maximize ? '_max' : ''}${l2 ? '_l2' : ''}`;
}

/**
 * Plain SGD (no momentum), as SgdOptimizer.updateParameter:
 *   d <- g, or g*(-1) with maximize (tfjs Neg: the sign flipped, exactly);  d <- d + p*wd (L2);  p <- p - d*lr
 */
export function sgdSpec(l2: boolean, maximize: boolean): KernelSpec {
  const g = maximize ? mul(load('g'), { k: 'const', value: -1 }) : load('g');
  return {
    name: sgdName(l2, maximize),
    arrays: ['p', 'g'],
    scalars: [...(l2 ? ['wd'] : []), 'lr'],
    body: [set('p', load('p')), set('d', l2 ? add(g, mul(tmp('p'), scalar('wd'))) : g), store('p', sub(tmp('p'), mul(tmp('d'), scalar('lr'))))],
  };
}

/**
 * SGD with momentum (heavy ball or Nesterov), as SgdOptimizer.updateParameter:
 *   d <- g + p*wd;  buf <- buf*a + d*b  (first step: a 0, b 1, buf zero, so buf = d);
 *   d <- d*c + buf*k  (Nesterov: c 1, k momentum; heavy ball: c 0, k 1);  p <- p - d*lr
 */
export const SGD_MOMENTUM_KERNEL: KernelSpec = {
  name: 'sgd_momentum',
  arrays: ['p', 'g', 'buf'],
  scalars: ['wd', 'a', 'b', 'c', 'k', 'lr'],
  body: [
    set('p', load('p')),
    set('d', add(load('g'), mul(tmp('p'), scalar('wd')))),
    set('buf', add(mul(load('buf'), scalar('a')), mul(tmp('d'), scalar('b')))),
    store('buf', tmp('buf')),
    store('p', sub(tmp('p'), mul(add(mul(tmp('d'), scalar('c')), mul(tmp('buf'), scalar('k'))), scalar('lr')))),
  ],
};

/**
 * bitsandbytes' fp32 Adam path for tensors under min_8bit_size (AdamW8bitOptimizer.update32bit):
 *   s1 <- s1*b1 + g*c1;  s2 <- s2*b2 + (g*g)*c2;  p <- p*decay;
 *   p <- p + (s1 / (sqrt(s2) + epsC2)) * stepSize     (epsC2 = eps*sqrt(1-b2^t), stepSize = -lr*sqrt(1-b2^t)/(1-b1^t))
 * Scalars: adamw8bitScalars (the same as adamw_8bit's).
 */
export const ADAMW_BNB32_KERNEL: KernelSpec = {
  name: 'adamw_bnb32',
  arrays: ['p', 'g', 's1', 's2'],
  scalars: ['decay', 'b1', 'c1', 'b2', 'c2', 'epsC2', 'stepSize'],
  body: [
    set('g', load('g')),
    set('s1', add(mul(load('s1'), scalar('b1')), mul(tmp('g'), scalar('c1')))),
    set('s2', add(mul(load('s2'), scalar('b2')), mul(mul(tmp('g'), tmp('g')), scalar('c2')))),
    store('s1', tmp('s1')),
    store('s2', tmp('s2')),
    store('p', add(mul(load('p'), scalar('decay')), mul(div(tmp('s1'), add(sqrt(tmp('s2')), scalar('epsC2'))), scalar('stepSize')))),
  ],
};


/** torch.lerp(start, end, w) in the branch the scalar weight selects (../optimizers/ops.ts lerp). */
function lerpExpr(start: Expr, end: Expr, branch: 'low' | 'high', w: Expr, oneMinusW: Expr): Expr {
  const diff = sub(end, start);
  return branch === 'low' ? add(start, mul(diff, w)) : sub(end, mul(diff, oneMinusW));
}

/** g + p*wd (L2 decay folded into the gradient), or g alone. */
function l2Grad(l2: boolean): Expr {
  return l2 ? add(load('g'), mul(load('p'), scalar('wd'))) : load('g');
}

/**
 * AMSGrad, as AdamOptimizer.updateParameter with amsgrad (L2 decay in the gradient, or decoupled decay
 * p*decay, 1 without decay):
 *   g <- g + p*wd;  m <- m*b1 + g*c1;  v <- v*b2 + (g*g)*c2;  vmax <- max(vmax, v);
 *   p <- p*decay - (m / (sqrt(vmax)/bc2sqrt + eps)) * stepSize
 */
export function amsgradSpec(l2: boolean): KernelSpec {
  return {
    name: l2 ? 'amsgrad_l2' : 'amsgrad',
    arrays: ['p', 'g', 'm', 'v', 'vmax'],
    scalars: [...(l2 ? ['wd'] : []), 'decay', 'b1', 'c1', 'b2', 'c2', 'bc2sqrt', 'eps', 'stepSize'],
    body: [
      set('g', l2Grad(l2)),
      set('m', add(mul(load('m'), scalar('b1')), mul(tmp('g'), scalar('c1')))),
      set('v', add(mul(load('v'), scalar('b2')), mul(mul(tmp('g'), tmp('g')), scalar('c2')))),
      store('m', tmp('m')),
      store('v', tmp('v')),
      set('vmax', max(load('vmax'), tmp('v'))),
      store('vmax', tmp('vmax')),
      set('denom', add(div(sqrt(tmp('vmax')), scalar('bc2sqrt')), scalar('eps'))),
      store('p', sub(mul(load('p'), scalar('decay')), mul(div(tmp('m'), tmp('denom')), scalar('stepSize')))),
    ],
  };
}

/** Adagrad, as AdagradOptimizer.updateParameter: g <- g + p*wd;  sum <- sum + g*g;  p <- p - (g / (sqrt(sum) + eps)) * clr */
export function adagradSpec(l2: boolean): KernelSpec {
  return {
    name: l2 ? 'adagrad_l2' : 'adagrad',
    arrays: ['p', 'g', 'sum'],
    scalars: [...(l2 ? ['wd'] : []), 'eps', 'clr'],
    body: [
      set('g', l2Grad(l2)),
      set('sum', add(load('sum'), mul(tmp('g'), tmp('g')))),
      store('sum', tmp('sum')),
      store('p', sub(load('p'), mul(div(tmp('g'), add(sqrt(tmp('sum')), scalar('eps'))), scalar('clr')))),
    ],
  };
}

export interface RmspropVariant {
  readonly l2: boolean;
  readonly centered: boolean;
  readonly momentum: boolean;
}

export function rmspropName(o: RmspropVariant): string {
  return `rmsprop${o.l2 ? '_l2' : ''}${o.centered ? '_centered' : ''}${o.momentum ? '_momentum' : ''}`;
}

/**
 * RMSprop, as RmspropOptimizer.updateParameter:
 *   g <- g + p*wd;  sq <- sq*alpha + (g*g)*c;  avg <- sqrt(sq - gavg*gavg) (centered, gavg <- gavg*alpha + g*c)
 *   or sqrt(sq);  avg <- avg + eps;  buf <- buf*mom + g/avg, p <- p - buf*lr (momentum) or p <- p - (g/avg)*lr
 */
export function rmspropSpec(o: RmspropVariant): KernelSpec {
  const body: Stmt[] = [
    set('g', l2Grad(o.l2)),
    set('sq', add(mul(load('sq'), scalar('alpha')), mul(mul(tmp('g'), tmp('g')), scalar('c')))),
    store('sq', tmp('sq')),
  ];
  if (o.centered) {
    body.push(set('gavg', add(mul(load('gavg'), scalar('alpha')), mul(tmp('g'), scalar('c')))), store('gavg', tmp('gavg')));
    body.push(set('avg', add(sqrt(sub(tmp('sq'), mul(tmp('gavg'), tmp('gavg')))), scalar('eps'))));
  } else {
    body.push(set('avg', add(sqrt(tmp('sq')), scalar('eps'))));
  }
  if (o.momentum) {
    body.push(set('buf', add(mul(load('buf'), scalar('mom')), div(tmp('g'), tmp('avg')))), store('buf', tmp('buf')));
    body.push(store('p', sub(load('p'), mul(tmp('buf'), scalar('lr')))));
  } else {
    body.push(store('p', sub(load('p'), mul(div(tmp('g'), tmp('avg')), scalar('lr')))));
  }
  return {
    name: rmspropName(o),
    arrays: ['p', 'g', 'sq', ...(o.centered ? ['gavg'] : []), ...(o.momentum ? ['buf'] : [])],
    scalars: [...(o.l2 ? ['wd'] : []), 'alpha', 'c', 'eps', ...(o.momentum ? ['mom'] : []), 'lr'],
    body,
  };
}

/**
 * Schedule-free AdamW, as ScheduleFreeAdamWOptimizer.updateParameter (y the parameter, z the base
 * sequence; lerp in the branch of the weight ckp1):
 *   v <- v*b2 + (g*g)*c2;  u <- g/(sqrt(v) + eps) (+ y*wd);  y <- lerp(y, z, ckp1) + u*k;  z <- z - u*lr
 */
export function scheduleFreeSpec(branch: 'low' | 'high', decay: boolean): KernelSpec {
  const u = div(load('g'), add(sqrt(tmp('v')), scalar('eps')));
  return {
    name: `sf_adamw_${branch}${decay ? '_wd' : ''}`,
    arrays: ['y', 'z', 'v', 'g'],
    scalars: ['b2', 'c2', 'eps', ...(decay ? ['wd'] : []), 'ckp1', 'oneMinusCkp1', 'k', 'lr'],
    body: [
      set('y', load('y')),
      set('z', load('z')),
      set('v', add(mul(load('v'), scalar('b2')), mul(mul(load('g'), load('g')), scalar('c2')))),
      store('v', tmp('v')),
      set('u', decay ? add(u, mul(tmp('y'), scalar('wd'))) : u),
      store('y', add(lerpExpr(tmp('y'), tmp('z'), branch, scalar('ckp1'), scalar('oneMinusCkp1')), mul(tmp('u'), scalar('k')))),
      store('z', sub(tmp('z'), mul(tmp('u'), scalar('lr')))),
    ],
  };
}

/**
 * AdEMAMix, as AdEMAMixOptimizer.updateParameter (no fast EMA when beta1 is 0: g itself, bc1 = 1):
 *   m1 <- m1*b1 + g*c1;  m2 <- m2*b3 + g*c3;  v <- v*b2 + (g*g)*c2;
 *   u <- (m1/bc1 + m2*alpha) / (sqrt(v)/bc2sqrt + eps)  (+ p*wd);  p <- p - u*lr
 */
export function ademamixSpec(fast: boolean, decay: boolean): KernelSpec {
  const g = tmp('g');
  return {
    name: `ademamix${fast ? '' : '_nofast'}${decay ? '_wd' : ''}`,
    arrays: ['p', 'g', ...(fast ? ['m1'] : []), 'm2', 'v'],
    scalars: [...(fast ? ['b1', 'c1'] : []), 'b3', 'c3', 'b2', 'c2', 'bc2sqrt', 'eps', 'bc1', 'alpha', ...(decay ? ['wd'] : []), 'lr'],
    body: [
      set('g', load('g')),
      ...(fast ? [set('m1', add(mul(load('m1'), scalar('b1')), mul(g, scalar('c1')))), store('m1', tmp('m1'))] : []),
      set('m2', add(mul(load('m2'), scalar('b3')), mul(g, scalar('c3')))),
      store('m2', tmp('m2')),
      set('v', add(mul(load('v'), scalar('b2')), mul(mul(g, g), scalar('c2')))),
      store('v', tmp('v')),
      set('denom', add(div(sqrt(tmp('v')), scalar('bc2sqrt')), scalar('eps'))),
      set('u', div(add(div(fast ? tmp('m1') : g, scalar('bc1')), mul(tmp('m2'), scalar('alpha'))), tmp('denom'))),
      set('p', load('p')),
      store('p', sub(tmp('p'), mul(decay ? add(tmp('u'), mul(tmp('p'), scalar('wd'))) : tmp('u'), scalar('lr')))),
    ],
  };
}

/** MARS-AdamW's corrected gradient c = (g - last)*k + g (k = gamma*b1/(1-b1)), as MarsAdamWOptimizer.updateParameter. */
function marsCorrection(): Expr {
  return add(mul(sub(tmp('g'), load('last')), scalar('k')), tmp('g'));
}

/** MARS-AdamW pass 1: sum(c*c), the squared norm that decides the clipping of c. */
export const MARS_NORM_KERNEL: KernelSpec = {
  name: 'mars_norm',
  arrays: ['g', 'last'],
  scalars: ['k'],
  body: [set('g', load('g')), set('c', marsCorrection()), acc('cc', mul(tmp('c'), tmp('c')))],
  sums: ['cc'],
};

/**
 * MARS-AdamW pass 2 (path 'mars'; cdiv = ||c|| when it exceeds 1, else 1: c/1 is c bit for bit), or the
 * plain AdamW update of the tensors that do not take MARS (path 'adamw': c = g), as
 * MarsAdamWOptimizer.updateParameter:
 *   m <- m*b1 + c*c1;  v <- v*b2 + (c*c)*c2;  last <- g;  denom <- (sqrt(v)*invbc2sqrt + eps)*bc1;
 *   p <- p + ((p*wd +) m/denom)*nlr
 */
export function marsApplySpec(path: 'mars' | 'adamw', decay: boolean): KernelSpec {
  const c = tmp('c');
  return {
    name: `mars_apply_${path}${decay ? '_wd' : ''}`,
    arrays: ['p', 'g', 'last', 'm', 'v'],
    scalars: [...(path === 'mars' ? ['k', 'cdiv'] : []), 'b1', 'c1', 'b2', 'c2', 'invbc2sqrt', 'eps', 'bc1', ...(decay ? ['wd'] : []), 'nlr'],
    body: [
      set('g', load('g')),
      set('c', path === 'mars' ? div(marsCorrection(), scalar('cdiv')) : tmp('g')),
      set('m', add(mul(load('m'), scalar('b1')), mul(c, scalar('c1')))),
      store('m', tmp('m')),
      set('v', add(mul(load('v'), scalar('b2')), mul(mul(c, c), scalar('c2')))),
      store('v', tmp('v')),
      store('last', tmp('g')),
      set('denom', mul(add(mul(sqrt(tmp('v')), scalar('invbc2sqrt')), scalar('eps')), scalar('bc1'))),
      set('d', div(tmp('m'), tmp('denom'))),
      set('p', load('p')),
      store('p', add(tmp('p'), mul(decay ? add(mul(tmp('p'), scalar('wd')), tmp('d')) : tmp('d'), scalar('nlr')))),
    ],
  };
}

/** sum of g*g (NovoGrad's per-tensor second moment, LAMB's gradient norm, Adam-mini's per-head means). */
export const SUMSQ_KERNEL: KernelSpec = {
  name: 'sumsq',
  arrays: ['g'],
  scalars: [],
  body: [set('g', load('g')), acc('ss', mul(tmp('g'), tmp('g')))],
  sums: ['ss'],
};

export interface LambVariant {
  /** How m is updated: lerp(m, g, beta3) in either branch (grad averaging), or m*b1 + g. */
  readonly moment: 'low' | 'high' | 'sum';
  /** Weight decay: none, L2 in the update (u + p*wd), or decoupled p <- p + p*nd before the norms. */
  readonly decay: 'none' | 'l2' | 'decoupled';
}

export function lambName(pass: 'moments', o: LambVariant): string {
  return `lamb_${pass}_${o.moment}_${o.decay}`;
}

/** LAMB's update direction u = (m/bc1) / (sqrt(v)/bc2sqrt + eps) (+ p*wd), from the stored moments. */
function lambUpdate(o: LambVariant, m: Expr, v: Expr, p: Expr): Expr {
  const u = div(div(m, scalar('bc1')), add(div(sqrt(v), scalar('bc2sqrt')), scalar('eps')));
  return o.decay === 'l2' ? add(u, mul(p, scalar('wd'))) : u;
}

/**
 * LAMB pass 1, as LambOptimizer.updateParameter up to the trust ratio: g <- g/div (global-norm clip,
 * div 1 without); m, v updated and stored; decoupled decay stored into p; the update direction u
 * stored into a scratch array (so that pass 2 neither reads m and v again nor repeats u's divisions
 * and square root); returns sum(p*p) and sum(u*u).
 */
export function lambMomentsSpec(o: LambVariant): KernelSpec {
  const g = tmp('g');
  const m = o.moment === 'sum' ? add(mul(load('m'), scalar('b1')), g) : lerpExpr(load('m'), g, o.moment, scalar('beta3'), scalar('oneMinusBeta3'));
  const body: Stmt[] = [
    set('g', div(load('g'), scalar('div'))),
    set('m', m),
    set('v', add(mul(load('v'), scalar('b2')), mul(mul(g, g), scalar('c2')))),
    store('m', tmp('m')),
    store('v', tmp('v')),
  ];
  if (o.decay === 'decoupled') body.push(set('p', add(load('p'), mul(load('p'), scalar('nd')))), store('p', tmp('p')));
  else body.push(set('p', load('p')));
  body.push(set('u', lambUpdate(o, tmp('m'), tmp('v'), tmp('p'))), store('u', tmp('u')), acc('pp', mul(tmp('p'), tmp('p'))), acc('uu', mul(tmp('u'), tmp('u'))));
  return {
    name: lambName('moments', o),
    arrays: ['p', 'g', 'm', 'v', 'u'],
    scalars: ['div', ...(o.moment === 'sum' ? ['b1'] : ['beta3', 'oneMinusBeta3']), 'b2', 'c2', 'bc1', 'bc2sqrt', 'eps', ...(o.decay === 'l2' ? ['wd'] : []), ...(o.decay === 'decoupled' ? ['nd'] : [])],
    body,
    sums: ['pp', 'uu'],
  };
}

/** LAMB pass 2 (every variant): p <- p - (u*trust)*lr with pass 1's u. */
export const LAMB_APPLY_KERNEL: KernelSpec = {
  name: 'lamb_apply',
  arrays: ['p', 'u'],
  scalars: ['trust', 'lr'],
  body: [store('p', sub(load('p'), mul(mul(load('u'), scalar('trust')), scalar('lr'))))],
};

const LAMB_VARIANTS: LambVariant[] = (['low', 'high', 'sum'] as const).flatMap((moment) => (['none', 'l2', 'decoupled'] as const).map((decay) => ({ moment, decay })));

/**
 * NovoGrad after its per-tensor second moment (den = sqrt(v) + eps, a scalar), as
 * NovoGradOptimizer.updateParameter: g <- g/den (+ p*wd) (*ga with grad averaging);  m <- m*b1 + g;  p <- p - m*lr
 */
export function novogradSpec(l2: boolean, averaging: boolean): KernelSpec {
  let g = div(load('g'), scalar('den'));
  if (l2) g = add(g, mul(load('p'), scalar('wd')));
  if (averaging) g = mul(g, scalar('ga'));
  return {
    name: `novograd${l2 ? '_l2' : ''}${averaging ? '_avg' : ''}`,
    arrays: ['p', 'g', 'm'],
    scalars: ['den', ...(l2 ? ['wd'] : []), ...(averaging ? ['ga'] : []), 'b1', 'lr'],
    body: [set('m', add(mul(load('m'), scalar('b1')), g)), store('m', tmp('m')), store('p', sub(load('p'), mul(tmp('m'), scalar('lr'))))],
  };
}

/**
 * Adam-mini with one second moment per tensor or per head (scalar stepsize = (1/bc1)/h), as
 * AdamMiniOptimizer.updateParameter: p <- p*decay;  m <- lerp(m, g, w);  p <- p - (m*stepsize)*lr
 */
export function adamMiniSharedSpec(branch: 'low' | 'high'): KernelSpec {
  return {
    name: `adam_mini_shared_${branch}`,
    arrays: ['p', 'g', 'm'],
    scalars: ['stepsize', 'decay', 'w', 'oneMinusW', 'lr'],
    body: [
      set('p', mul(load('p'), scalar('decay'))),
      set('m', lerpExpr(load('m'), load('g'), branch, scalar('w'), scalar('oneMinusW'))),
      store('m', tmp('m')),
      store('p', sub(tmp('p'), mul(mul(tmp('m'), scalar('stepsize')), scalar('lr')))),
    ],
  };
}

/**
 * Adam-mini's embedding block (a full second moment), as AdamMiniOptimizer.updateParameter:
 *   v <- v*b2 + (g*g)*c2;  p <- p*decay;  m <- lerp(m, g, w);  p <- p - (m / (sqrt(v)/bc2sqrt + eps)) * stepSize
 */
export function adamMiniEmbeddingSpec(branch: 'low' | 'high'): KernelSpec {
  return {
    name: `adam_mini_embedding_${branch}`,
    arrays: ['p', 'g', 'm', 'v'],
    scalars: ['b2', 'c2', 'decay', 'w', 'oneMinusW', 'bc2sqrt', 'eps', 'stepSize'],
    body: [
      set('g', load('g')),
      set('v', add(mul(load('v'), scalar('b2')), mul(mul(tmp('g'), tmp('g')), scalar('c2')))),
      store('v', tmp('v')),
      set('p', mul(load('p'), scalar('decay'))),
      set('m', lerpExpr(load('m'), tmp('g'), branch, scalar('w'), scalar('oneMinusW'))),
      store('m', tmp('m')),
      store('p', sub(tmp('p'), mul(div(tmp('m'), add(div(sqrt(tmp('v')), scalar('bc2sqrt')), scalar('eps'))), scalar('stepSize')))),
    ],
  };
}

/**
 * Kernels run once per row of a matrix (BoundTensors.runRows) take the row's own scalar first.
 *
 * The factored second moment's pass over one row of a [rows, cols] matrix (Adafactor, CAME), in one
 * call: sq = g*g + eps1 is added into the column sums `col` (cols long, the same for every row) and
 * summed for the row (with `param`, sum(p*p) too: Adafactor's RMS of the parameter); then the row's new
 * moment row = old*beta + (sum/cols)*oneMinusBeta (ema in fused-reductions.ts, float32 operations) and
 * inv = 1/row; then, over the row again while it is in cache, g^2 * inv is added into per-column weights
 * w: the sum over the matrix of ((r*c)*g)^2, Adafactor's and CAME's RMS of the update, is then
 * mean(row) * sum_j w_j / col_j, without another pass over g.
 */
export function factoredStatsSpec(param: boolean): KernelSpec {
  return {
    name: param ? 'factored_stats_p' : 'factored_stats',
    arrays: [...(param ? ['p'] : []), 'g', 'col', 'w'],
    scalars: ['old', 'eps1', 'beta', 'oneMinusBeta', 'cols'],
    body: [
      set('sq', add(mul(load('g'), load('g')), scalar('eps1'))),
      store('col', add(load('col'), tmp('sq'))),
      acc('row', tmp('sq')),
      ...(param ? [acc('pp', mul(load('p'), load('p')))] : []),
    ],
    sums: param ? ['row', 'pp'] : ['row'],
    between: [
      set('rowNew', add(mul(scalar('old'), scalar('beta')), mul(div(sumOf('row'), scalar('cols')), scalar('oneMinusBeta')))),
      set('inv', div({ k: 'const', value: 1 }, tmp('rowNew'))),
    ],
    then: [store('w', add(load('w'), mul(mul(load('g'), load('g')), tmp('inv'))))],
  };
}

/**
 * Adafactor's update of one row (no first moment), as AdafactorOptimizer.updateParameter:
 *   u <- (((r*c)*g) / clip) * lr;  p <- p + p*nd (weight decay, nd = lr*-wd);  p <- p - u
 * and returns the sum of the new p^2: the next step's RMS of the parameter, read from here rather
 * than by another pass over p (FUSED_ADAFACTOR, while p has not been written since).
 */
export function adafactorApplySpec(decay: boolean): KernelSpec {
  return {
    name: decay ? 'adafactor_apply_wd' : 'adafactor_apply',
    arrays: ['p', 'g', 'c'],
    scalars: ['r', 'clip', 'lr', ...(decay ? ['nd'] : [])],
    body: [
      set('u', mul(div(mul(mul(scalar('r'), load('c')), load('g')), scalar('clip')), scalar('lr'))),
      set('p', decay ? add(load('p'), mul(load('p'), scalar('nd'))) : load('p')),
      set('pNew', sub(tmp('p'), tmp('u'))),
      store('p', tmp('pNew')),
      acc('pp', mul(tmp('pNew'), tmp('pNew'))),
    ],
    sums: ['pp'],
  };
}

/**
 * CAME's first moment of one row, as CameOptimizer.updateParameter: u <- ((r*c)*g) / clip;
 * m <- m*b1 + u*c1;  res = (u - m)^2 + eps2 added into the column sums `rescol` and summed for the row.
 */
export const CAME_MOMENT_KERNEL: KernelSpec = {
  name: 'came_moment',
  arrays: ['g', 'c', 'm', 'rescol'],
  scalars: ['r', 'clip', 'b1', 'c1', 'eps2'],
  body: [
    set('u', div(mul(mul(scalar('r'), load('c')), load('g')), scalar('clip'))),
    set('m', add(mul(load('m'), scalar('b1')), mul(tmp('u'), scalar('c1')))),
    store('m', tmp('m')),
    set('d', sub(tmp('u'), tmp('m'))),
    set('res', add(mul(tmp('d'), tmp('d')), scalar('eps2'))),
    store('rescol', add(load('rescol'), tmp('res'))),
    acc('resrow', tmp('res')),
  ],
  sums: ['resrow'],
};

/** CAME's step of one row: p <- p + p*nd (weight decay);  p <- p - ((rr*rc)*m)*lr. */
export function cameApplySpec(decay: boolean): KernelSpec {
  return {
    name: decay ? 'came_apply_wd' : 'came_apply',
    arrays: ['p', 'm', 'rc'],
    scalars: ['rr', 'lr', ...(decay ? ['nd'] : [])],
    body: [
      set('p', decay ? add(load('p'), mul(load('p'), scalar('nd'))) : load('p')),
      store('p', sub(tmp('p'), mul(mul(mul(scalar('rr'), load('rc')), load('m')), scalar('lr')))),
    ],
  };
}

/**
 * A kernel over block-wise 8-bit states (bitsandbytes' blockwise quantisation, README: Profiling on
 * your machine): per block of blockSize elements, the body runs over the elements with `dequant(s)`
 * reading each state's old value (map[code] * the block's absmax) and `requant(s, value)` giving its
 * new one; then each state's new block absmax is max |value| (1 for a block of zeros), stored, and
 * every value times the block's reciprocal 1/absmax (one float32 division per block, then a float32
 * product per element) is requantised to the nearest code of the state's map, ties to the lower index
 * (quant-table.ts gives that code from a table indexed by the top 16 bits of the float). Arguments:
 * the float arrays, then per state its codes (one byte per element), absmax (one float per block),
 * map (256 floats) and quantisation table (65536 int32), then a scratch area (blockwiseScratchFloats),
 * n, and the scalars.
 */
export interface BlockwiseKernelSpec {
  readonly name: string;
  readonly blockSize: number;
  readonly arrays: readonly string[];
  readonly states: readonly string[];
  readonly scalars: readonly string[];
  readonly body: readonly Stmt[];
}

/**
 * bitsandbytes' 8-bit blockwise AdamW, as AdamW8bitOptimizer.update8bit (../optimizers/adamw-8bit.ts):
 *   m <- dequant(m)*b1 + g*c1;  v <- dequant(v)*b2 + (g*g)*c2;  p <- p*decay + (m / (sqrt(v) + epsC2)) * stepSize;
 *   requantise m (signed map) and v (unsigned map), each value times 1/absmax of its block
 * (bias correction folded into epsC2 = eps*sqrt(1-b2^t) and stepSize = -lr*sqrt(1-b2^t)/(1-b1^t), as
 * bitsandbytes' CUDA kernel: one square root and one division per element; decay 1 without weight
 * decay: p*1 is p bit for bit). Scalars: adamw8bitScalars.
 */
export const ADAMW_8BIT_KERNEL: BlockwiseKernelSpec = {
  name: 'adamw_8bit',
  blockSize: 256,
  arrays: ['p', 'g'],
  states: ['m', 'v'],
  scalars: ['decay', 'b1', 'c1', 'b2', 'c2', 'epsC2', 'stepSize'],
  body: [
    set('g', load('g')),
    set('m', add(mul(dequant('m'), scalar('b1')), mul(tmp('g'), scalar('c1')))),
    set('v', add(mul(dequant('v'), scalar('b2')), mul(mul(tmp('g'), tmp('g')), scalar('c2')))),
    requant('m', tmp('m')),
    requant('v', tmp('v')),
    store('p', add(mul(load('p'), scalar('decay')), mul(div(tmp('m'), add(sqrt(tmp('v')), scalar('epsC2'))), scalar('stepSize')))),
  ],
};

/**
 * The scalars of adamw_8bit and adamw_bnb32 at step t (1-based), in their specs' order, in float64 (the
 * kernels take them as float32, as tf.scalar rounds the tfjs-op version's): decay (1 without weight
 * decay), b1, 1-b1, b2, 1-b2, eps*sqrt(1-b2^t), -lr*sqrt(1-b2^t)/(1-b1^t).
 */
export function adamw8bitScalars(o: { readonly lr: number; readonly beta1: number; readonly beta2: number; readonly eps: number; readonly weightDecay: number; readonly step: number }): number[] {
  const correction2 = Math.sqrt(1 - o.beta2 ** o.step);
  return [o.weightDecay > 0 ? 1 - o.lr * o.weightDecay : 1, o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, o.eps * correction2, (-o.lr * correction2) / (1 - o.beta1 ** o.step)];
}

/** Floats of the scratch area a block-wise kernel takes: two rows of blockSize per state (values, quotients). */
export function blockwiseScratchFloats(spec: BlockwiseKernelSpec): number {
  return 2 * spec.blockSize * spec.states.length;
}

/** NAdamW: the Adam family's kernel with the Nesterov numerator (adamFamilyKernel). */
export const NADAMW_KERNEL: KernelSpec = adamFamilyKernel('nadamw', true);

export function signumName(momentum: boolean, l2: boolean): string {
  return `signum${momentum ? '' : '_nomom'}${l2 ? '_l2' : ''}`;
}

/**
 * Signum / signSGD, as SignumOptimizer.updateParameter (../optimizers/signum.ts):
 *   d <- g (+ p*wd2);  buf <- buf*mom + d*c, d <- buf (momentum);  p <- p*decay - sign(d)*lr
 */
export function signumSpec(momentum: boolean, l2: boolean): KernelSpec {
  const body: Stmt[] = [set('p', load('p')), set('d', l2 ? add(load('g'), mul(tmp('p'), scalar('wd2'))) : load('g'))];
  if (momentum) body.push(set('buf', add(mul(load('buf'), scalar('mom')), mul(tmp('d'), scalar('c')))), store('buf', tmp('buf')));
  body.push(store('p', sub(mul(tmp('p'), scalar('decay')), mul(sign(tmp(momentum ? 'buf' : 'd')), scalar('lr')))));
  return {
    name: signumName(momentum, l2),
    arrays: ['p', 'g', ...(momentum ? ['buf'] : [])],
    scalars: [...(l2 ? ['wd2'] : []), ...(momentum ? ['mom', 'c'] : []), 'decay', 'lr'],
    body,
  };
}

/** LARS pass 1: sum(p*p) and sum(g*g), the two norms of the trust ratio. */
export const LARS_NORMS_KERNEL: KernelSpec = {
  name: 'lars_norms',
  arrays: ['p', 'g'],
  scalars: [],
  body: [set('p', load('p')), set('g', load('g')), acc('pp', mul(tmp('p'), tmp('p'))), acc('gg', mul(tmp('g'), tmp('g')))],
  sums: ['pp', 'gg'],
};

/**
 * LARS pass 2, as LarsOptimizer.updateParameter after the trust ratio: d <- (g + p*wd)*trust (wd 0 and
 * trust 1 where the tensor is not adapted: d = g bit for bit); with momentum buf <- buf*a + d*b (first
 * step: a 0, b 1 on a zero buffer, so buf = d) and d <- d*c + buf*k (Nesterov: c 1, k momentum; heavy
 * ball: c 0, k 1);  p <- p - d*lr
 */
export function larsApplySpec(momentum: boolean): KernelSpec {
  const body: Stmt[] = [set('p', load('p')), set('d', mul(add(load('g'), mul(tmp('p'), scalar('wd'))), scalar('trust')))];
  if (momentum) {
    body.push(set('buf', add(mul(load('buf'), scalar('a')), mul(tmp('d'), scalar('b')))), store('buf', tmp('buf')));
    body.push(set('u', add(mul(tmp('d'), scalar('c')), mul(tmp('buf'), scalar('k')))));
  }
  body.push(store('p', sub(tmp('p'), mul(tmp(momentum ? 'u' : 'd'), scalar('lr')))));
  return {
    name: momentum ? 'lars_apply_momentum' : 'lars_apply',
    arrays: ['p', 'g', ...(momentum ? ['buf'] : [])],
    scalars: ['wd', 'trust', ...(momentum ? ['a', 'b', 'c', 'k'] : []), 'lr'],
    body,
  };
}

/** Every block-wise kernel the module exports. */
export const BLOCKWISE_KERNELS: readonly BlockwiseKernelSpec[] = [ADAMW_8BIT_KERNEL];

/** Rows per call of the multi-row variants (multiRowSpec). */
export const ROWS_PER_CALL = 4;

/** Name of the multi-row variant of a row kernel. */
export function multiRowName(name: string, rows: number = ROWS_PER_CALL): string {
  return `${name}_x${rows}`;
}

/**
 * A row kernel (run once per row, BoundTensors.runRows) as one kernel over `rows` consecutive rows:
 * every array with a row stride, every temporary and sum, and the row's own scalar (the first scalar,
 * withRowScalar) appear once per row (suffix _r); the column vectors `columns` appear once, so one
 * iteration reads a column vector's 4 lanes once for all the rows (the matrix's rows stream from memory
 * while a column vector of a wide matrix no longer fits in L1). Row r's statements are row r's of the
 * one-row kernel, in row order, so every value, including a column vector accumulated row by row, is the
 * same float32 as `rows` calls of the one-row kernel. Sums come row by row: row 0's sums, then row 1's...
 * A second pass (between, then) is expanded the same way, row by row.
 */
export function multiRowSpec(spec: KernelSpec, columns: readonly string[], withRowScalar: boolean, rows: number = ROWS_PER_CALL): KernelSpec {
  const column = new Set(columns);
  const rowScalar = withRowScalar ? spec.scalars[0] : undefined;
  const at = (name: string, r: number) => `${name}_${r}`;
  const range = Array.from({ length: rows }, (_, r) => r);
  /** One pass's statements over the rows (`between`'s scalar statements: no column vectors). */
  const pass = (stmts: readonly Stmt[]): Stmt[] => {
    // A column vector the pass uses is loaded once per iteration into a temporary; each row's store to it
    // becomes a new temporary that later rows read, and the last is stored once (no store-to-load round trip per row).
    const used = columns.filter((c) => stmts.some((st) => (st.k === 'store' && st.array === c) || ('value' in st && loads(st.value, c))));
    const current = new Map(used.map((c) => [c, tmp(`${c}_in`)]));
    const stored = new Set<string>();
    const expr = (e: Expr, r: number): Expr => {
      switch (e.k) {
        case 'load':
          return column.has(e.array) ? current.get(e.array)! : load(at(e.array, r));
        case 'scalar':
          return e.name === rowScalar ? scalar(at(e.name, r)) : e;
        case 'tmp':
          return tmp(at(e.name, r));
        case 'sum':
          return sumOf(at(e.name, r));
        case 'const':
        case 'dequant':
          return e;
        case 'sqrt':
        case 'sign':
          return { k: e.k, a: expr(e.a, r) };
        default:
          return { k: e.k, a: expr(e.a, r), b: expr(e.b, r) };
      }
    };
    const stmt = (st: Stmt, r: number): Stmt => {
      switch (st.k) {
        case 'let':
          return set(at(st.name, r), expr(st.value, r));
        case 'store': {
          if (!column.has(st.array)) return store(at(st.array, r), expr(st.value, r));
          const value = expr(st.value, r);
          const name = `${st.array}_out${r}`;
          current.set(st.array, tmp(name));
          stored.add(st.array);
          return set(name, value);
        }
        case 'acc':
          return acc(at(st.sum, r), expr(st.value, r));
        case 'requant':
          throw new Error(`${spec.name}: requant has no multi-row form`);
      }
    };
    return [
      ...used.map((c) => set(`${c}_in`, load(c))),
      ...range.flatMap((r) => stmts.map((st) => stmt(st, r))),
      ...used.filter((c) => stored.has(c)).map((c) => store(c, current.get(c)!)),
    ];
  };
  const expand = (names: readonly string[], perRow: (n: string) => boolean) => names.flatMap((n) => (perRow(n) ? range.map((r) => at(n, r)) : [n]));
  return {
    name: multiRowName(spec.name, rows),
    rows,
    arrays: expand(spec.arrays, (a) => !column.has(a)),
    scalars: expand(spec.scalars, (s) => s === rowScalar),
    body: pass(spec.body),
    ...(spec.sums ? { sums: range.flatMap((r) => spec.sums!.map((x) => at(x, r))) } : {}),
    ...(spec.between ? { between: pass(spec.between) } : {}),
    ...(spec.then ? { then: pass(spec.then) } : {}),
  };
}

/** Whether expression e reads array `array`. */
function loads(e: Expr, array: string): boolean {
  switch (e.k) {
    case 'load':
      return e.array === array;
    case 'sqrt':
    case 'sign':
      return loads(e.a, array);
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'max':
      return loads(e.a, array) || loads(e.b, array);
    default:
      return false;
  }
}

const BOOLS = [false, true] as const;
const BRANCHES = ['low', 'high'] as const;

/** Every kernel the module exports (one WebAssembly function and one JavaScript loop each). */
export const KERNELS: readonly KernelSpec[] = [
  ADAMW_KERNEL, LION_KERNEL, SGD_MOMENTUM_KERNEL, ADAMW_BNB32_KERNEL,
  ...BOOLS.flatMap((l2) => BOOLS.map((maximize) => sgdSpec(l2, maximize))),
  ...BOOLS.map(amsgradSpec),
  ...BOOLS.map(adagradSpec),
  ...BOOLS.flatMap((l2) => BOOLS.flatMap((centered) => BOOLS.map((momentum) => rmspropSpec({ l2, centered, momentum })))),
  ...BRANCHES.flatMap((b) => BOOLS.map((d) => scheduleFreeSpec(b, d))),
  ...BOOLS.flatMap((fast) => BOOLS.map((decay) => ademamixSpec(fast, decay))),
  MARS_NORM_KERNEL, ...(['mars', 'adamw'] as const).flatMap((path) => BOOLS.map((decay) => marsApplySpec(path, decay))),
  SUMSQ_KERNEL,
  ...LAMB_VARIANTS.map(lambMomentsSpec),
  LAMB_APPLY_KERNEL,
  ...BOOLS.flatMap((l2) => BOOLS.map((avg) => novogradSpec(l2, avg))),
  ...BRANCHES.flatMap((b) => [adamMiniSharedSpec(b), adamMiniEmbeddingSpec(b)]),
  ...BOOLS.map(factoredStatsSpec),
  ...BOOLS.map(adafactorApplySpec),
  CAME_MOMENT_KERNEL,
  ...BOOLS.map(cameApplySpec),
  // The factored optimizers' row kernels over ROWS_PER_CALL rows (column vectors read once per iteration).
  ...BOOLS.map((param) => multiRowSpec(factoredStatsSpec(param), ['col', 'w'], true)),
  ...BOOLS.map((decay) => multiRowSpec(adafactorApplySpec(decay), ['c'], true)),
  multiRowSpec(CAME_MOMENT_KERNEL, ['c', 'rescol'], true),
  ...BOOLS.map((decay) => multiRowSpec(cameApplySpec(decay), ['rc'], true)),
  NADAMW_KERNEL,
  ...BOOLS.flatMap((momentum) => BOOLS.map((l2) => signumSpec(momentum, l2))),
  LARS_NORMS_KERNEL, ...BOOLS.map(larsApplySpec),
];
