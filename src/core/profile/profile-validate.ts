/**
 * Runtime check of a profile result document (saved files are read back from workspace storage and
 * may be truncated by a crash or written by an older version). Returns a typed copy or the first
 * problem with its path; never a half-checked object.
 */
import {
  at, parseWith, readArray, readBoolean, readField, readNullable, readNumber, readObject, readOneOf, readOptional,
  readString, ShapeError, type Parsed,
} from '../parse/json-check';
import {
  PROFILE_BACKENDS, PROFILE_SCHEMA_VERSION, ROBUSTNESS_PROBES, type ProfileBackend, type ProfileMachine,
  type ProfileOptimizerResult, type ProfileResultDocument, type ProfileRun, type RobustnessResult,
} from './profile-types';

/** Longest loss curve accepted (points). */
const MAX_CURVE = 1_000_000;

const nonNegative = (v: unknown, p: string): number => readNumber(v, p, { min: 0 });
const positive = (v: unknown, p: string): number => readNumber(v, p, { above: 0 });
const lossPoint = (v: unknown, p: string): number | null => readNullable(v, p, (x, q) => readNumber(x, q));
const curve = (v: unknown, p: string): (number | null)[] => readArray(v, p, lossPoint, MAX_CURVE);

function readBackend(v: unknown, path: string): ProfileBackend {
  const o = readObject(v, path);
  const tfBackend = readOptional(o, 'tfBackend', path, (x, p) => readString(x, p, { max: 100 }));
  return {
    name: readField(o, 'name', path, (x, p) => readOneOf(x, p, PROFILE_BACKENDS)),
    ...(tfBackend !== undefined ? { tfBackend } : {}),
    reasons: readField(o, 'reasons', path, (x, p) =>
      readArray(x, p, (r, q) => {
        const ro = readObject(r, q);
        return {
          backend: readField(ro, 'backend', q, (y, s) => readOneOf(y, s, PROFILE_BACKENDS)),
          why: readField(ro, 'why', q, (y, s) => readString(y, s, { max: 2000 })),
        };
      }, 16),
    ),
  };
}

function readMachine(v: unknown, path: string): ProfileMachine {
  const o = readObject(v, path);
  const gpu = readOptional(o, 'gpu', path, (x, p) => readNullable(x, p, (y, q) => readString(y, q, { max: 200 })));
  return {
    platform: readField(o, 'platform', path, (x, p) => readString(x, p, { max: 100 })),
    arch: readField(o, 'arch', path, (x, p) => readString(x, p, { max: 100 })),
    cpuModel: readField(o, 'cpuModel', path, (x, p) => readString(x, p, { max: 300 })),
    cpuCount: readField(o, 'cpuCount', path, (x, p) => readNumber(x, p, { integer: true, min: 1 })),
    memoryBytes: readField(o, 'memoryBytes', path, nonNegative),
    node: readField(o, 'node', path, (x, p) => readString(x, p, { max: 100 })),
    ...(gpu !== undefined ? { gpu } : {}),
  };
}

function readRun(v: unknown, path: string): ProfileRun {
  const o = readObject(v, path);
  return {
    lr: readField(o, 'lr', path, positive),
    seed: readField(o, 'seed', path, (x, p) => readNumber(x, p, { integer: true })),
    lossCurve: readField(o, 'lossCurve', path, curve),
    finalLoss: readField(o, 'finalLoss', path, lossPoint),
    diverged: readField(o, 'diverged', path, readBoolean),
  };
}

function readRobustness(v: unknown, path: string): RobustnessResult {
  const o = readObject(v, path);
  return {
    probe: readField(o, 'probe', path, (x, p) => readOneOf(x, p, ROBUSTNESS_PROBES)),
    diverged: readField(o, 'diverged', path, readBoolean),
    finalLoss: readField(o, 'finalLoss', path, lossPoint),
    behaviour: readField(o, 'behaviour', path, (x, p) => readString(x, p, { max: 500 })),
  };
}

function readResult(v: unknown, path: string): ProfileOptimizerResult {
  const o = readObject(v, path);
  const optional = {
    samplesPerSecond: readOptional(o, 'samplesPerSecond', path, nonNegative),
    peakEngineBytes: readOptional(o, 'peakEngineBytes', path, nonNegative),
    effectiveBandwidthGBps: readOptional(o, 'effectiveBandwidthGBps', path, nonNegative),
    recommendedLr: readOptional(o, 'recommendedLr', path, positive),
    robustness: readOptional(o, 'robustness', path, (x, p) => readArray(x, p, readRobustness, 16)),
  };
  const result: ProfileOptimizerResult = {
    optimizer: readField(o, 'optimizer', path, (x, p) => readString(x, p, { max: 100, nonEmpty: true })),
    stepTimeMs: readField(o, 'stepTimeMs', path, nonNegative),
    relativeStepCost: readField(o, 'relativeStepCost', path, nonNegative),
    measuredStateBytes: readField(o, 'measuredStateBytes', path, nonNegative),
    estimatedStateBytes: readField(o, 'estimatedStateBytes', path, nonNegative),
    estimatedPeakBytes: readField(o, 'estimatedPeakBytes', path, (x, p) => readNullable(x, p, nonNegative)),
    runs: readField(o, 'runs', path, (x, p) => readArray(x, p, readRun, 10_000)),
    bestLr: readField(o, 'bestLr', path, (x, p) => readNullable(x, p, positive)),
    lossCurve: readField(o, 'lossCurve', path, curve),
    finalLoss: readField(o, 'finalLoss', path, lossPoint),
    stepsToTarget: readField(o, 'stepsToTarget', path, (x, p) => readNullable(x, p, (y, q) => readNumber(y, q, { integer: true, min: 0 }))),
    diverged: readField(o, 'diverged', path, readBoolean),
  };
  const extras = Object.fromEntries(Object.entries(optional).filter(([, x]) => x !== undefined));
  return { ...result, ...extras };
}

export function readProfileDocument(v: unknown, path = ''): ProfileResultDocument {
  const o = readObject(v, path);
  const version = readField(o, 'schemaVersion', path, (x, p) => readNumber(x, p, { integer: true }));
  if (version !== PROFILE_SCHEMA_VERSION) {
    throw new ShapeError(at(path, 'schemaVersion'), `this version reads schema ${PROFILE_SCHEMA_VERSION}, the file has ${version}`);
  }
  const results = readField(o, 'results', path, (x, p) => readArray(x, p, readResult, 200));
  const seen = new Set<string>();
  results.forEach((r, i) => {
    if (seen.has(r.optimizer)) throw new ShapeError(at(at(path, 'results'), i), `optimizer '${r.optimizer}' appears twice`);
    seen.add(r.optimizer);
  });
  const paretoFront = readField(o, 'paretoFront', path, (x, p) =>
    readArray(x, p, (y, q) => {
      const id = readString(y, q, { max: 100 });
      if (!seen.has(id)) throw new ShapeError(q, `'${id}' is not one of the results`);
      return id;
    }, 200),
  );
  const optional = {
    createdAt: readOptional(o, 'createdAt', path, (x, p) => readString(x, p, { max: 64 })),
    job: readOptional(o, 'job', path, (x, p) => {
      const jo = readObject(x, p);
      return { id: readField(jo, 'id', p, (y, q) => readString(y, q, { max: 2000 })), model: readField(jo, 'model', p, (y, q) => readString(y, q, { max: 2000 })) };
    }),
    proxy: readOptional(o, 'proxy', path, (x, p) => {
      const po = readObject(x, p);
      return { description: readField(po, 'description', p, (y, q) => readString(y, q, { max: 2000 })), params: readField(po, 'params', p, nonNegative) };
    }),
    steps: readOptional(o, 'steps', path, (x, p) => readNumber(x, p, { integer: true, min: 1 })),
    curveStride: readOptional(o, 'curveStride', path, (x, p) => readNumber(x, p, { integer: true, min: 1 })),
    targetLoss: readOptional(o, 'targetLoss', path, (x, p) => readNullable(x, p, (y, q) => readNumber(y, q))),
    complete: readOptional(o, 'complete', path, readBoolean),
  };
  const doc: ProfileResultDocument = {
    schemaVersion: PROFILE_SCHEMA_VERSION,
    backend: readField(o, 'backend', path, readBackend),
    machine: readField(o, 'machine', path, readMachine),
    results,
    paretoFront,
    copyBandwidthGBps: readField(o, 'copyBandwidthGBps', path, (x, p) => readNullable(x, p, nonNegative)),
  };
  const extras = Object.fromEntries(Object.entries(optional).filter(([, x]) => x !== undefined));
  return { ...doc, ...extras };
}

/** Checks a parsed JSON value as a profile result document. */
export function parseProfileDocument(value: unknown): Parsed<ProfileResultDocument> {
  return parseWith(value, readProfileDocument);
}
