/**
 * The profiler's parent <-> child messages (src/profiler/protocol.ts): requests checked against their
 * declarations with one-line problems, stdout lines read as messages or ignored, the cancel line, the
 * start line and what it narrows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src/core/types';
import { applyStart, isCancel, parseChildMessage, parseChildRequest, parseStart, START_LINE, startLine, type SweepRequest } from '../../src/profiler/protocol';

const CNN = { kind: 'cnn', task: 'image-classification', stem: 8, stages: [8, 16], imageSize: 12, classes: 8, batch: 16 };
const SWEEP = { kind: 'sweep', spec: CNN, optimizers: [{ id: 'adamw', lrs: [1e-3, 3e-3], hyper: { weight_decay: 0.01 } }], seeds: [1, 2], steps: 20 };
const TRACE = { kind: 'trace', optimizer: 'adam', problem: 'beale', steps: 5, lr: 0.01, start: [1, 1] };

function rejects(value: unknown, message: string): void {
  assert.throws(() => parseChildRequest(value), (e: unknown) => e instanceof InputError && e.message === message, message);
}

test('valid requests come back as copies holding only the declared fields', () => {
  assert.deepEqual(parseChildRequest({ ...SWEEP, stray: 1 }), SWEEP);
  assert.deepEqual(parseChildRequest(TRACE), TRACE);
});

test('a bad request is an InputError naming its kind, the field and the problem', () => {
  rejects([1], 'the profiler request is not a JSON object');
  rejects({ kind: 'train' }, 'unknown profiler request kind "train"');
  rejects({ ...TRACE, problem: 'himmelblau' }, 'trace: problem: expected one of "rosenbrock", "beale", "saddle", got string "himmelblau"');
  rejects({ ...TRACE, steps: 1.5 }, 'trace: steps: expected a whole number, got 1.5');
  rejects({ ...TRACE, lr: 0 }, 'trace: lr: must be greater than 0, got 0');
  rejects({ ...SWEEP, optimizers: [] }, 'sweep: optimizers: must name at least one item');
  rejects({ ...SWEEP, optimizers: [{ id: 'adamw', lrs: [1e-3, -1], hyper: {} }] }, 'sweep: optimizers[0].lrs[1]: must be greater than 0, got -1');
  rejects({ ...SWEEP, seeds: [1.5] }, 'sweep: seeds[0]: expected a whole number, got 1.5');
  rejects({ ...SWEEP, steps: 0 }, 'sweep: steps: must be at least 1, got 0');
  rejects({ ...SWEEP, spec: { kind: 'cnn' } }, 'sweep: spec.task: is missing');
  rejects({ ...SWEEP, spec: { ...CNN, kind: 'rnn' } }, 'sweep: spec.kind: expected one of "transformer", "cnn", got string "rnn"');
});

test('stdout lines: messages that match their declaration, anything else ignored', () => {
  assert.deepEqual(parseChildMessage('{"type":"progress","done":1,"total":5}'), { type: 'progress', done: 1, total: 5 });
  assert.deepEqual(parseChildMessage(' {"type":"partial","kind":"run","data":{"loss":1}}\n'), { type: 'partial', kind: 'run', data: { loss: 1 } });
  assert.deepEqual(parseChildMessage('{"type":"error","message":"boom"}'), { type: 'error', message: 'boom', inputError: false });
  assert.deepEqual(parseChildMessage('{"type":"cancelled"}'), { type: 'cancelled' });
  for (const line of ['loading backend...', '{"type":"progress","done":1}', '{"type":"partial","kind":"run"}', '{"type":"toString"}', '{"type":"backend","name":"gpu"}', '{broken', 'null', '[1]']) {
    assert.equal(parseChildMessage(line), null, line);
  }
});

test('the cancel line', () => {
  assert.equal(isCancel('{"type":"cancel"}'), true);
  for (const line of ['cancel', '{"type":"stop"}', '{}', '']) assert.equal(isCancel(line), false, line);
});

test('the start line, and what it narrows: the optimizers to train in its order, and the timing phase', () => {
  assert.deepEqual(parseStart(START_LINE), { type: 'start' });
  assert.deepEqual(parseStart(startLine({ optimizers: ['lion', 'adamw'], timing: false })), { type: 'start', optimizers: ['lion', 'adamw'], timing: false });
  for (const line of ['start', '{"type":"cancel"}', '{"type":"start","optimizers":"adamw"}', '{"type":"start","timing":1}', '']) assert.equal(parseStart(line), null, line);

  const o = (id: string) => ({ id, lrs: [1e-3], hyper: {} });
  const request = parseChildRequest({ ...SWEEP, optimizers: [o('adamw'), o('lion'), o('soap')], timing: { warmupSteps: 3, steps: 20 } }) as SweepRequest;
  assert.deepEqual(applyStart(request, { type: 'start' }), request);
  const narrowed = applyStart(request, { type: 'start', optimizers: ['soap', 'adamw'], timing: false });
  assert.deepEqual(narrowed.optimizers.map((x) => x.id), ['soap', 'adamw']);
  assert.equal(narrowed.timing, undefined);
  assert.equal(narrowed.train, undefined);
  assert.deepEqual(applyStart(request, { type: 'start', timing: true }).timing, { warmupSteps: 3, steps: 20 });
  // Nothing to train: the child only does what else the request asks (here, nothing) and ends.
  const none = applyStart(request, { type: 'start', optimizers: [], timing: false });
  assert.deepEqual([none.optimizers, none.train, none.timing], [[], false, undefined]);
  assert.throws(() => applyStart(request, { type: 'start', optimizers: ['lamb'] }), (e: unknown) => e instanceof InputError && e.message === "start: optimizer 'lamb' is not in the sweep request");
});
