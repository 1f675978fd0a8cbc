/**
 * unsloth notebooks and scripts (README: What the scanner reads): `FastLanguageModel.from_pretrained(load_in_4bit=True,
 * max_seq_length=...)` and `FastLanguageModel.get_peft_model(model, r=..., target_modules=[...])` read as QLoRA
 * with its rank and targets, and the sequence length; hand-made inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFiles } from '../../src/core/scan';

const SCRIPT = (trainerSeq: string) => `from unsloth import FastLanguageModel
from trl import SFTTrainer, SFTConfig
max_seq_length = 4096
model, tokenizer = FastLanguageModel.from_pretrained(model_name="unsloth/Llama-3.2-1B", max_seq_length=max_seq_length, load_in_4bit=True)
model = FastLanguageModel.get_peft_model(model, r=32, target_modules=["q_proj", "v_proj"], lora_alpha=16)
trainer = SFTTrainer(model=model, ${trainerSeq}args=SFTConfig(per_device_train_batch_size=2, optim="adamw_8bit"))
`;

test('unsloth: load_in_4bit + get_peft_model(r=...) is QLoRA with that rank and targets; max_seq_length is the sequence length', () => {
  const [job] = scanFiles([{ path: 'train.py', text: SCRIPT('') }]).jobs;
  assert.deepEqual(job.settings.lora, { rank: 32, targets: ['q_proj', 'v_proj'], qlora: true });
  assert.equal(job.settings.seqLen, 4096);
  assert.equal(job.sources['seqLen']?.range.line, 3, 'the constant max_seq_length is where the value is written');
});

test("unsloth: SFTTrainer's own max_seq_length wins over the model's", () => {
  const [job] = scanFiles([{ path: 'train.py', text: SCRIPT('max_seq_length=1024, ') }]).jobs;
  assert.equal(job.settings.seqLen, 1024);
  assert.equal(job.sources['seqLen']?.range.line, 6);
});

test('get_peft_model without r is not read as a rank (unsloth has its own default)', () => {
  const text = SCRIPT('').replace('r=32, ', '');
  const [job] = scanFiles([{ path: 'train.py', text }]).jobs;
  assert.equal(job.settings.lora, undefined);
});
