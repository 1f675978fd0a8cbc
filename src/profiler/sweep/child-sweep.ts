/**
 * The sweep inside the profiler child (tfjs loaded): measures copy bandwidth and each optimizer's
 * effective bandwidth (when asked), times each optimizer's step (when asked: the timing phase, run
 * while nothing else of the sweep runs), then trains every (optimizer, lr, seed) run and the robustness
 * probes, streaming each measurement as a `partial` message the moment it exists, so that a parent
 * that loses the child later keeps everything sent so far.
 */
import type { Hyperparameters } from '../../core/types';
import { createBandwidthInputs, measureCopyBandwidth, measureOptimizerBandwidth } from '../kernels/bandwidth';
import { profilerOptimizer } from '../optimizers';
import type { ChildMessage, RobustnessRecord, RunRecord, StepTimeRecord, SweepRequest } from '../protocol';
import { loadCorpus, type Corpus } from './corpus';
import { probeSetup, ROBUSTNESS_PROBES } from './robustness';
import { SteppedRun, trainRun, type TrainRunOptions } from './train';

export interface SweepChildContext {
  send(message: ChildMessage): Promise<void>;
  shouldStop(): boolean;
  /** Called after each measured run with the number of runs done (ChildHooks.afterRun). */
  afterRun?(runsDone: number): void;
}

/** The record sent for a run: state tensors only on an optimizer's first run (they are the same for every run). */
function wireRun(r: RunRecord, first: boolean): RunRecord {
  return first ? r : { ...r, stateTensors: [] };
}

export async function runSweepInChild(request: SweepRequest, ctx: SweepChildContext): Promise<{ runs: number; stopped: boolean }> {
  const corpus: Corpus | undefined = request.spec.kind === 'transformer' && !request.spec.image ? loadCorpus(request.dataDir ?? '') : undefined;
  const fused = request.fused ?? true;

  if (request.bandwidth) {
    const copy = measureCopyBandwidth(request.bandwidth.elements);
    await ctx.send({ type: 'partial', kind: 'copy-bandwidth', data: copy });
    const inputs = createBandwidthInputs(request.bandwidth.elements);
    try {
      for (const o of request.optimizers) {
        if (ctx.shouldStop()) return { runs: 0, stopped: true };
        const hyper: Hyperparameters = { ...o.hyper, lr: o.lrs[Math.floor(o.lrs.length / 2)] ?? o.lrs[0]! };
        const bw = measureOptimizerBandwidth(o.id, hyper, copy, request.bandwidth.elements, request.bandwidth.reps, inputs);
        if (bw) await ctx.send({ type: 'partial', kind: 'optimizer-bandwidth', data: bw });
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      inputs.dispose();
    }
  }

  /** One training run's options: the same for the sweep's runs, the timing phase and the robustness probes. */
  const runOptions = (o: SweepRequest['optimizers'][number], lr: number, seed: number): TrainRunOptions => ({
    spec: request.spec,
    ...(corpus ? { corpus } : {}),
    optimizer: o.id,
    lr,
    hyper: o.hyper,
    seed,
    steps: request.steps,
    fused,
    ...(o.hvp ? { hvp: o.hvp } : {}),
    ...(request.evaluationBatches !== undefined ? { evaluationBatches: request.evaluationBatches } : {}),
    shouldStop: ctx.shouldStop,
  });

  if (request.timing) {
    const timed = await timeSteps(request, request.timing, runOptions, ctx);
    if (timed.stopped) return { runs: 0, stopped: true };
  }

  const total = request.optimizers.reduce((s, o) => s + o.lrs.length * request.seeds.length + (request.robustness ? ROBUSTNESS_PROBES.length : 0), 0);
  let done = 0;
  if (request.train === false) return { runs: 0, stopped: false };
  for (const o of request.optimizers) {
    let first = true;
    for (const lr of o.lrs) {
      for (const seed of request.seeds) {
        if (ctx.shouldStop()) return { runs: done, stopped: true };
        const run = await trainRun(runOptions(o, lr, seed));
        if (run.stopped) return { runs: done, stopped: true };
        await ctx.send({ type: 'partial', kind: 'run', data: wireRun(run, first) });
        first = false;
        done++;
        await ctx.send({ type: 'progress', done, total });
        ctx.afterRun?.(done);
      }
    }
    if (request.robustness) {
      const lr = o.recommendedLr ?? o.lrs[Math.floor(o.lrs.length / 2)]!;
      const seed = request.seeds[0]!;
      const needsLoss = profilerOptimizer(o.id).needsLoss;
      for (const probe of ROBUSTNESS_PROBES) {
        if (ctx.shouldStop()) return { runs: done, stopped: true };
        const setup = probeSetup(probe, needsLoss, request.steps, seed);
        let record: RobustnessRecord;
        if (setup.notApplicable) {
          record = { optimizer: o.id, probe, lr, seed, notApplicable: setup.notApplicable, lossCurve: [], finalLoss: null, diverged: false };
        } else {
          const run = await trainRun({
            ...runOptions(o, lr, seed),
            probe: { ...(setup.gradients ? { gradients: setup.gradients } : {}), ...(setup.lossScale !== undefined ? { lossScale: setup.lossScale } : {}) },
          });
          if (run.stopped) return { runs: done, stopped: true };
          record = {
            optimizer: o.id, probe, lr, seed, lossCurve: run.lossCurve, finalLoss: run.finalLoss, diverged: run.diverged,
            ...(run.divergedAtStep !== undefined ? { divergedAtStep: run.divergedAtStep } : {}),
          };
        }
        await ctx.send({ type: 'partial', kind: 'robustness', data: record });
        done++;
        await ctx.send({ type: 'progress', done, total });
      }
    }
  }
  return { runs: done, stopped: false };
}

/**
 * Timed steps an optimizer takes in one turn of the timing phase: one, so that a round of every optimizer
 * takes about a tenth of a second on the default sweep and a burst of other work longer than that falls on
 * all of them (with turns of four, the relative costs moved more with the machine's load; README "Time.").
 */
const STEPS_PER_TURN = 1;

/**
 * The timing phase (SweepRequest.timing), in a child where nothing else of the sweep runs: every
 * optimizer's run through its warm-up steps (V8 compiles its code, and for the first one TensorFlow.js's
 * and the model's; every timed step then comes after all the warm-ups), then the timed steps in turns of
 * STEPS_PER_TURN, optimizer after optimizer, so that each optimizer's timed steps are spread over the same
 * stretch of time and a burst of other work on the machine falls on all of them alike (the relative step
 * costs compare like with like). One 'step-time' partial per optimizer at the end.
 */
async function timeSteps(
  request: SweepRequest,
  timing: NonNullable<SweepRequest['timing']>,
  runOptions: (o: SweepRequest['optimizers'][number], lr: number, seed: number) => TrainRunOptions,
  ctx: SweepChildContext,
): Promise<{ stopped: boolean }> {
  const { warmupSteps, steps } = timing;
  const seed = request.seeds[0]!;
  const recommendedLr = (o: SweepRequest['optimizers'][number]) => o.recommendedLr ?? o.lrs[Math.floor(o.lrs.length / 2)]!;
  const pause = () => new Promise((resolve) => setImmediate(resolve));
  const runs: SteppedRun[] = [];
  try {
    for (const o of request.optimizers) {
      const recommended = recommendedLr(o);
      const lrs = [recommended, ...[...o.lrs].filter((lr) => lr !== recommended).sort((a, b) => a - b)];
      for (const [i, lr] of lrs.entries()) {
        const run = new SteppedRun({ ...runOptions(o, lr, seed), steps: warmupSteps + steps, warmupSteps, evaluate: false, variablePrefix: `timing-${runs.length}/` });
        runs.push(run);
        while (run.running && run.steps < warmupSteps) {
          if (ctx.shouldStop()) return { stopped: true };
          run.step();
          await pause();
        }
        // Diverged during its warm-up: the next lr, unless this was the last one (its record says it diverged).
        if (!run.diverged || i === lrs.length - 1) break;
        runs.pop();
        run.dispose();
      }
    }
    /**
     * One record per run with timed steps. Also sent when the phase is stopped part-way (its budget, Ctrl-C):
     * the turns give every optimizer the same number of timed steps to within one, so those measured so far
     * still compare like with like (the parent would otherwise lose every step time of a phase cut short).
     */
    const report = async (stopped: boolean) => {
      for (const run of runs) {
        if (stopped && run.stepMs.length === 0) continue;
        const record: StepTimeRecord = {
          optimizer: run.options.optimizer, lr: run.options.lr, seed, warmupSteps, stepMs: run.stepMs, updateMs: run.updateMs, diverged: run.diverged,
        };
        await ctx.send({ type: 'partial', kind: 'step-time', data: record });
      }
    };
    while (runs.some((r) => r.running)) {
      for (const run of runs) {
        for (let k = 0; k < STEPS_PER_TURN && run.running; k++) {
          if (ctx.shouldStop()) {
            await report(true);
            return { stopped: true };
          }
          run.step();
          await pause();
        }
      }
    }
    await report(false);
    return { stopped: false };
  } finally {
    for (const run of runs) run.dispose();
  }
}
