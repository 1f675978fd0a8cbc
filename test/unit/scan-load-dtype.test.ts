/**
 * The dtype a job loads its model in, and QLoRA's compute dtype, read from every format that
 * states them, with the position of the value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFiles } from '../../src/core/scan';
import type { ScanJob } from '../../src/core/scan/results';
import { on } from './scan-formats-helpers';

const onlyJob = (path: string, text: string): ScanJob => {
  const result = scanFiles([{ path, text }]);
  assert.deepEqual(result.findings.map((f) => f.error), [undefined], text);
  assert.equal(result.jobs.length, 1, text);
  return result.jobs[0];
};

test('config.json: torch_dtype is read with its range but is not a load dtype (it describes the checkpoint)', () => {
  const text = '{\n  "model_type": "llama",\n  "hidden_size": 64,\n  "torch_dtype": "bfloat16"\n}';
  const result = scanFiles([{ path: 'config.json', text }]);
  const field = result.findings[0].fields.find((f) => f.name === 'torch_dtype');
  // line 4 `  "torch_dtype": "bfloat16"`: the value's quotes at columns 18-27
  assert.deepEqual(field, { name: 'torch_dtype', value: 'bfloat16', range: on(4, 18, 28) });
  assert.equal(result.jobs[0].settings.loadDtype, undefined);
});

test('Trainer arguments JSON: torch_dtype (run_clm / TRL ModelConfig), dtype winning over it, model_init_kwargs', () => {
  const json = (extra: string) => `{\n  "output_dir": "o",\n  "learning_rate": 0.0001,\n  "bf16": true,\n${extra}\n}`;
  const torch = onlyJob('args.json', json('  "torch_dtype": "bfloat16"'));
  assert.equal(torch.settings.loadDtype, 'bf16');
  // line 5 `  "torch_dtype": "bfloat16"`: columns 18-27
  assert.deepEqual(torch.sources.loadDtype, { path: 'args.json', range: on(5, 18, 28) });
  // bf16 is the Trainer's AMP flag, not the load dtype
  assert.equal(torch.settings.precision, 'bf16-mixed');

  // transformers >= 4.56 spells it `dtype`; when both are written, dtype is used
  const both = onlyJob('args.json', json('  "torch_dtype": "float32",\n  "dtype": "float16"'));
  assert.equal(both.settings.loadDtype, 'fp16');
  // line 6 `  "dtype": "float16"`: columns 12-20
  assert.deepEqual(both.sources.loadDtype?.range, on(6, 12, 21));

  assert.equal(onlyJob('args.json', json('  "torch_dtype": "auto"')).settings.loadDtype, 'auto');
  const init = onlyJob('args.json', json('  "model_init_kwargs": {\n    "torch_dtype": "bfloat16"\n  }'));
  assert.equal(init.settings.loadDtype, 'bf16');
  // line 6 `    "torch_dtype": "bfloat16"`: columns 20-29
  assert.deepEqual(init.sources.loadDtype?.range, on(6, 20, 30));
  assert.equal(onlyJob('args.json', json('  "output_dir": "p"')).settings.loadDtype, undefined);
});

test('a wrong dtype string is an error at the value; float64 is read but not modelled (warning)', () => {
  const args = (value: string) => `{\n  "output_dir": "o",\n  "learning_rate": 0.0001,\n  "torch_dtype": "${value}"\n}`;
  const bad = scanFiles([{ path: 'args.json', text: args('bf16') }]);
  assert.deepEqual(bad.findings[0].error, { message: `'torch_dtype' must be auto, bfloat16, float16 or float32, not "bf16"`, line: 4, column: 18 });
  const f64 = scanFiles([{ path: 'args.json', text: args('float64') }]);
  assert.equal(f64.findings[0].error, undefined);
  assert.equal(f64.jobs[0].settings.loadDtype, undefined);
  assert.ok(f64.warnings.some((w) => w.line === 4 && w.column === 18 && /float64 is not modelled/.test(w.message)));
});

test('TRL / alignment-handbook YAML: torch_dtype beside the Trainer flags', () => {
  const text = 'model_name_or_path: mistralai/Mistral-7B-v0.1\ntorch_dtype: bfloat16\nbf16: true\nuse_peft: true\nlora_r: 16\nlora_target_modules: [q_proj, v_proj]\noutput_dir: out\nper_device_train_batch_size: 4\n';
  const job = onlyJob('sft.yaml', text);
  assert.deepEqual([job.settings.loadDtype, job.settings.precision], ['bf16', 'bf16-mixed']);
  // line 2 `torch_dtype: bfloat16`: columns 14-21
  assert.deepEqual(job.sources.loadDtype, { path: 'sft.yaml', range: on(2, 14, 22) });
});

test('axolotl: the bf16/fp16/bfloat16/float16 flags are cfg.torch_dtype; QLoRA computes in it; peft_autocast_adapter_dtype', () => {
  const base = 'base_model: meta-llama/Llama-2-7b-hf\nmicro_batch_size: 1\n';
  const settings = (extra: string) => onlyJob('config.yml', base + extra).settings;
  assert.equal(settings('bf16: true\n').loadDtype, 'bf16');
  assert.equal(settings('fp16: true\n').loadDtype, 'fp16');
  assert.equal(settings('bfloat16: true\n').loadDtype, 'bf16');
  assert.equal(settings('bf16: false\nfp16: false\n').loadDtype, 'fp32');
  assert.equal(settings('').loadDtype, undefined);
  const lora = 'adapter: lora\nlora_r: 8\nlora_target_modules: [q_proj]\n';
  assert.equal(settings(`bf16: true\n${lora}`).lora?.adapterDtype, undefined, 'PEFT upcasts the adapters to fp32 by default');
  const keep = onlyJob('config.yml', `${base}bf16: true\n${lora}peft_autocast_adapter_dtype: false\n`);
  assert.equal(keep.settings.lora?.adapterDtype, 'bf16');
  // line 7 `peft_autocast_adapter_dtype: false`: columns 30-34
  assert.deepEqual(keep.sources['lora.adapterDtype']?.range, on(7, 30, 35));
  const qlora = settings('bf16: true\nadapter: qlora\nload_in_4bit: true\nlora_r: 8\nlora_target_modules: [q_proj]\n');
  assert.deepEqual([qlora.loadDtype, qlora.qloraComputeDtype, qlora.lora?.qlora], ['bf16', 'bf16', true]);
});

test('torchtune: dtype is the load dtype and the dtype of the adapters the recipe builds', () => {
  const text = 'model:\n  _component_: torchtune.models.llama3_2.lora_llama3_2_1b\n  lora_attn_modules: [q_proj, v_proj]\n  lora_rank: 8\noptimizer:\n  _component_: torch.optim.AdamW\n  lr: 1e-4\ndtype: bf16\n';
  const job = onlyJob('lora.yaml', text);
  assert.deepEqual([job.settings.precision, job.settings.loadDtype, job.settings.lora?.adapterDtype, job.settings.qloraComputeDtype], ['bf16', 'bf16', 'bf16', undefined]);
  // line 8 `dtype: bf16`: columns 8-11
  assert.deepEqual(job.sources.loadDtype, { path: 'lora.yaml', range: on(8, 8, 12) });
});

test('Python: from_pretrained torch_dtype / dtype as a torch reference or a string, BitsAndBytesConfig compute dtype', () => {
  const text = [
    'import torch',
    'from transformers import AutoModelForCausalLM, BitsAndBytesConfig, TrainingArguments',
    'bnb = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_compute_dtype=torch.bfloat16)',
    'model = AutoModelForCausalLM.from_pretrained("mistralai/Mistral-7B-v0.1", torch_dtype=torch.bfloat16, quantization_config=bnb)',
    'args = TrainingArguments(output_dir="o", bf16=True)',
  ].join('\n');
  const result = scanFiles([{ path: 'train.py', text }]);
  const job = result.jobs[0];
  assert.deepEqual([job.settings.loadDtype, job.settings.qloraComputeDtype], ['bf16', 'bf16']);
  // line 4: `torch.bfloat16` after `torch_dtype=` starts at column 87; line 3: column 68
  assert.deepEqual(job.sources.loadDtype, { path: 'train.py', range: on(4, 87, 101) });
  assert.deepEqual(job.sources.qloraComputeDtype, { path: 'train.py', range: on(3, 68, 82) });
  const field = result.findings[0].fields.find((f) => f.name === 'AutoModelForCausalLM.from_pretrained.torch_dtype');
  assert.deepEqual(field?.value, 'bfloat16');

  const dtypeKw = 'import torch\nfrom transformers import AutoModelForCausalLM, TrainingArguments\nm = AutoModelForCausalLM.from_pretrained("gpt2", dtype="auto")\nargs = TrainingArguments(output_dir="o")\n';
  assert.equal(scanFiles([{ path: 'train.py', text: dtypeKw }]).jobs[0].settings.loadDtype, 'auto');
  // `import torch as T`: the reference is resolved through the import
  const aliased = 'import torch as T\nfrom transformers import AutoModelForCausalLM, TrainingArguments\nm = AutoModelForCausalLM.from_pretrained("gpt2", torch_dtype=T.float16)\nargs = TrainingArguments(output_dir="o")\n';
  assert.equal(scanFiles([{ path: 'train.py', text: aliased }]).jobs[0].settings.loadDtype, 'fp16');
});

test('Python: an expression for torch_dtype is warned about; from_pretrained wins over Trainer-argument keys', () => {
  const expr = 'import torch\nfrom transformers import AutoModelForCausalLM, TrainingArguments\nm = AutoModelForCausalLM.from_pretrained("gpt2", torch_dtype=torch.bfloat16 if FLAG else torch.float32)\nargs = TrainingArguments(output_dir="o")\n';
  const r = scanFiles([{ path: 'train.py', text: expr }]);
  assert.equal(r.jobs[0].settings.loadDtype, undefined);
  assert.ok(r.warnings.some((w) => w.line === 3 && /torch_dtype is not a literal/.test(w.message)), JSON.stringify(r.warnings));

  const trl = [
    'import torch',
    'from transformers import AutoModelForCausalLM',
    'from trl import SFTConfig',
    'cfg = SFTConfig(output_dir="o", model_init_kwargs={"torch_dtype": torch.float16})',
    'm = AutoModelForCausalLM.from_pretrained("gpt2", torch_dtype=torch.bfloat16)',
  ].join('\n');
  const job = scanFiles([{ path: 'train.py', text: trl }]).jobs[0];
  assert.equal(job.settings.loadDtype, 'bf16');
  const initOnly = 'import torch\nfrom trl import SFTConfig\ncfg = SFTConfig(output_dir="o", model_init_kwargs={"torch_dtype": torch.float16})\n';
  const init = scanFiles([{ path: 'train.py', text: initOnly }]).jobs[0];
  assert.equal(init.settings.loadDtype, 'fp16');
  // line 3: `torch.float16` inside the dict starts at column 67
  assert.deepEqual(init.sources.loadDtype?.range, on(3, 67, 80));
});
