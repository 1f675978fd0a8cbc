import { OPTIMIZER_IDS } from '../../core/optimizers/registry';
import { InputError } from '../../core/types';
import { MAX_TRACE_STEPS, TRACE_PROBLEMS, TRACE_PROBLEM_SPECS, isTraceProblem } from '../../core/profile/trace-problems';
import { ProfilerRunError, runTrace } from '../../profiler/trace';
import { JSON_FLAG, flag, printJson, type Command } from '../command';
import { EXIT, table } from '../io';

/** "x,y" as two finite numbers. */
function parseStart(text: string): [number, number] {
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if (parts.length !== 2 || parts.some((p) => p === '') || !values.every(Number.isFinite)) {
    throw new InputError(`--start: expected two numbers x,y, got '${text}'`);
  }
  return [values[0]!, values[1]!];
}

function fmt(x: number): string {
  return x === 0 ? '0' : Math.abs(x) >= 1e5 || Math.abs(x) < 1e-4 ? x.toExponential(4) : String(Number(x.toPrecision(6)));
}

/** Row indices shown in the table: the first 6, then evenly spaced, always the last. */
function shownRows(count: number, max = 16): number[] {
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  const head = [0, 1, 2, 3, 4, 5];
  const rest = max - head.length;
  const out = new Set(head);
  for (let k = 1; k <= rest; k++) out.add(Math.round(5 + ((count - 1 - 5) * k) / rest));
  return [...out].sort((a, b) => a - b);
}

export const traceCommand: Command = {
  name: 'trace',
  summary: 'run one optimizer on a classic 2-D test function and print its trajectory',
  usage: `trace --optimizer ID --problem ${TRACE_PROBLEMS.join('|')} --steps N --lr LR [--start x,y] [--json]`,
  details:
    'Runs the profiler\'s TensorFlow.js implementation of the optimizer (the same code the sweep trains with) in a child process.\n' +
    'Rosenbrock (1-x)^2 + 100(y-x^2)^2 from (-1.5, 2); Beale from (1, 1.5); saddle x^2 - y^2 from (-1, 0.001).\n' +
    'Hyperparameters other than lr take the reference implementation\'s defaults (PyTorch\'s for torch-native optimizers).\n' +
    'JSON: {"points": [[x, y], ...]} with steps + 1 points (the start included), "divergedAtStep" when a point became\n' +
    'non-finite (the points stop before it), and "backend"; a diverged run is a result (exit 0).',
  flags: [
    { name: 'optimizer', type: 'string', help: `catalog id (${OPTIMIZER_IDS.join(', ')})` },
    { name: 'problem', type: 'string', choices: TRACE_PROBLEMS, help: 'test function' },
    { name: 'steps', type: 'int', min: 1, max: MAX_TRACE_STEPS, help: 'optimizer steps' },
    { name: 'lr', type: 'number', min: Number.MIN_VALUE, help: 'learning rate', defaultText: "the reference implementation's" },
    { name: 'start', type: 'string', help: 'starting point x,y', defaultText: "the problem's conventional start" },
    JSON_FLAG,
  ],
  async run(args, io) {
    if (args.positionals.length > 0) throw new InputError(`trace takes no positional arguments (got '${args.positionals[0]}')`);
    const optimizer = flag<string>(args, 'optimizer');
    const problem = flag<string>(args, 'problem');
    const steps = flag<number>(args, 'steps');
    if (optimizer === undefined) throw new InputError('--optimizer is required');
    if (problem === undefined || !isTraceProblem(problem)) throw new InputError(`--problem is required (${TRACE_PROBLEMS.join(', ')})`);
    if (steps === undefined) throw new InputError('--steps is required');
    const startText = flag<string>(args, 'start');
    const start = startText === undefined ? TRACE_PROBLEM_SPECS[problem].start : parseStart(startText);
    const lr = flag<number>(args, 'lr');
    let trace;
    try {
      trace = await runTrace({ optimizer, problem, steps, start, ...(lr !== undefined ? { lr } : {}) });
    } catch (e) {
      if (e instanceof ProfilerRunError) {
        io.err(`optimizer-advisor trace: ${e.message}\n`);
        return EXIT.internal;
      }
      throw e;
    }
    const code = EXIT.ok;
    if (flag<boolean>(args, 'json')) {
      printJson(io, {
        points: trace.points,
        ...(trace.divergedAtStep !== undefined ? { divergedAtStep: trace.divergedAtStep } : {}),
        backend: { name: trace.backend.name, reasons: trace.backend.reasons },
      });
      return code;
    }
    const f = TRACE_PROBLEM_SPECS[problem].value;
    const rows = [['step', 'x', 'y', 'f(x, y)']];
    for (const i of shownRows(trace.points.length)) {
      const [x, y] = trace.points[i]!;
      rows.push([String(i), fmt(x), fmt(y), fmt(f(x, y))]);
    }
    const lines = [
      `${optimizer} on ${problem}, ${steps} steps${lr !== undefined ? `, lr ${lr}` : ''}, from (${start.join(', ')}) · backend ${trace.backend.name}`,
      '',
      table(rows, [true, true, true, true]),
    ];
    if (trace.points.length > 16) lines.push(`(${trace.points.length} points; --json prints all of them)`);
    if (trace.divergedAtStep !== undefined) lines.push(`diverged: step ${trace.divergedAtStep} gave a non-finite point`);
    const min = TRACE_PROBLEM_SPECS[problem].minimum;
    if (min) {
      const [x, y] = trace.points[trace.points.length - 1]!;
      lines.push(`distance of the last point to the minimum (${min.join(', ')}): ${fmt(Math.hypot(x - min[0], y - min[1]))}`);
    }
    io.out(`${lines.join('\n')}\n`);
    return code;
  },
};
