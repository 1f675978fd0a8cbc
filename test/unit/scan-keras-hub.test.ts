/**
 * Keras Hub scripts (README: What the scanner reads): `XCausalLM.from_preset(name)` names the model (Keras preset
 * names resolve to the bundled checkpoint of the same network), a preprocessor's `sequence_length`, `enable_lora(rank)`
 * on the query and value projections, `quantize("int8")`, `keras.config.set_dtype_policy`, and `ds.batch(n)` feeding
 * `fit`. Hand-made inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findPreset } from '../../src/core/models';
import { scanFiles } from '../../src/core/scan';

const SCRIPT = (extra: string) => `import keras
import keras_hub
keras.config.set_dtype_policy("bfloat16")
ds = raw_ds.batch(8).take(100)
pre = keras_hub.models.GemmaCausalLMPreprocessor.from_preset("gemma_2b_en", sequence_length=512)
lm = keras_hub.models.GemmaCausalLM.from_preset("gemma_2b_en", preprocessor=pre)
lm.backbone.enable_lora(rank=8)
${extra}lm.compile(optimizer=keras.optimizers.AdamW(learning_rate=5e-5))
lm.fit(ds, epochs=1)
`;

test('Keras Hub: preset model, sequence length, LoRA rank on q/v, bf16 dtype policy, tf.data batch', () => {
  const [job] = scanFiles([{ path: 'lora.py', text: SCRIPT('') }]).jobs;
  assert.deepEqual(job.model?.kind === 'hub-id' ? job.model.id : null, 'gemma_2b_en');
  assert.equal(findPreset('gemma_2b_en')?.hubId, 'google/gemma-2b');
  assert.equal(job.settings.seqLen, 512);
  assert.deepEqual(job.settings.lora, { rank: 8, targets: ['q_proj', 'v_proj'], qlora: false });
  assert.equal(job.settings.precision, 'bf16');
  assert.equal(job.settings.perDeviceBatchSize, 8);
  assert.equal(job.sources['perDeviceBatchSize']?.range.line, 4);
});

test('Keras Hub: quantize("int8") puts the LoRA base weights in int8', () => {
  const [job] = scanFiles([{ path: 'lora.py', text: SCRIPT('lm.quantize("int8")\n') }]).jobs;
  assert.equal(job.settings.lora?.int8, true);
});
