// A hostile workspace for the responsiveness checks (README: Reliability): files at the 4 MiB size
// ceiling that detectors accept and parse (a Trainer arguments JSON, a Python training script, a
// notebook, a DeepSpeed config), a YAML at the scanner's YAML cap with many aliases, deep nesting, a YAML
// over the cap, and many small configs. Used by the extension-host test (test/vscode/suite/
// responsive.test.ts) and `npm run bench` (bench/responsive.ts). Deterministic: no randomness.

/** The size ceiling of the file-size setting (src/core/units.ts MAX_FILE_SIZE_CEILING), repeated here so the fixture stays independent. */
export const HOSTILE_CEILING_BYTES = 4 * 2 ** 20;

/** Fills `head … tail` with `line(i)` until the whole is just under `bytes`. */
function fill(head: string, line: (i: number) => string, tail: string, bytes: number): string {
  const parts: string[] = [head];
  let size = head.length + tail.length;
  for (let i = 0; ; i++) {
    const next = line(i);
    if (size + next.length > bytes) break;
    parts.push(next);
    size += next.length;
  }
  parts.push(tail);
  return parts.join('');
}

/** Relative path → text. `smallConfigs` small Trainer configs are added under `small/`. */
export function hostileWorkspace(smallConfigs = 200): Record<string, string> {
  const files: Record<string, string> = {};
  const limit = HOSTILE_CEILING_BYTES - 64;
  // Trainer arguments with a huge list beside them (JSON is parsed in full, with positions).
  files['big/training_args.json'] = fill(
    '{\n  "model_name_or_path": "gpt2",\n  "output_dir": "out",\n  "optim": "adamw_torch",\n  "learning_rate": 5e-05,\n  "per_device_train_batch_size": 8,\n  "report_to": [\n',
    (i) => `    {"run": ${i}, "tag": "t${i % 97}", "values": [${i}, ${i + 1}, ${i + 2}]},\n`,
    '    {"run": -1}\n  ]\n}\n',
    limit,
  );
  // A Python training script padded with code (the Python reader tokenizes all of it).
  files['big/train.py'] = fill(
    'import torch\nfrom transformers import AutoModelForCausalLM, Trainer, TrainingArguments\n\nmodel = AutoModelForCausalLM.from_pretrained("gpt2")\n',
    (i) => `value_${i} = compute(${i}, [${i} * 2, "s${i}"], key={"a": ${i}})\n`,
    'args = TrainingArguments(output_dir="out", optim="adamw_torch", learning_rate=5e-5, per_device_train_batch_size=8)\ntrainer = Trainer(model=model, args=args)\ntrainer.train()\n',
    limit,
  );
  // A notebook whose one code cell holds the training code and a long tail of source lines.
  const cellLines = fill('', (i) => `    "x_${i} = torch.zeros(${i % 64}, ${i % 31})\\n",\n`, '', limit - 1024);
  files['big/finetune.ipynb'] = `{\n "cells": [\n  {\n   "cell_type": "code",\n   "metadata": {},\n   "source": [\n    "import torch\\n",\n    "from transformers import Trainer, TrainingArguments\\n",\n${cellLines}    "args = TrainingArguments(output_dir=\\"out\\", optim=\\"adamw_torch\\")\\n"\n   ]\n  }\n ],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n`;
  // A DeepSpeed config with a long object of extra keys.
  files['big/ds_config.json'] = fill(
    '{\n  "train_micro_batch_size_per_gpu": 4,\n  "zero_optimization": {"stage": 2},\n  "optimizer": {"type": "AdamW", "params": {"lr": 0.0001}},\n  "extra": {\n',
    (i) => `    "k${i}": {"a": [${i}, ${i + 1}], "b": "v${i}"},\n`,
    '    "end": 0\n  }\n}\n',
    limit,
  );
  // A YAML over the scanner's YAML cap (rejected with a position, not parsed).
  files['big/axolotl.yaml'] = fill('base_model: gpt2\noptimizer: adamw_torch\nextra:\n', (i) => `  k${i}: [${i}, ${i + 1}]\n`, '', limit);
  // A YAML just under the scanner's YAML cap (256 KiB) with many aliases of a shared anchor.
  files['aliases/config.yaml'] = fill(
    'base_model: gpt2\noptimizer: adamw_torch\nlearning_rate: 0.0002\nshared: &shared\n  a: [1, 2, 3, 4, 5, 6, 7, 8]\n  b: {c: 1, d: 2}\nuses:\n',
    (i) => `  u${i}: *shared\n`,
    '',
    256 * 1024 - 64,
  );
  // Nesting just under the parsers' depth limits, and a file past them (rejected with a position).
  files['deep/ds_config.json'] = `{"train_micro_batch_size_per_gpu": 1, "zero_optimization": {"stage": 1}, "deep": ${'['.repeat(100)}${']'.repeat(100)}}\n`;
  files['deep/too_deep/ds_config.json'] = `{"train_micro_batch_size_per_gpu": 1, "deep": ${'['.repeat(100_000)}${']'.repeat(100_000)}}\n`;
  for (let i = 0; i < smallConfigs; i++) {
    files[`small/job${i}/training_args.json`] = `{"model_name_or_path": "gpt2", "output_dir": "out${i}", "optim": "adamw_torch", "learning_rate": ${(i + 1) * 1e-5}, "per_device_train_batch_size": ${1 + (i % 8)}}\n`;
  }
  return files;
}
