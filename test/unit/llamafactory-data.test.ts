/**
 * A LLaMA-Factory job's training examples counted from its local datasets (src/core/llamafactory-data.ts): the names of
 * `dataset` looked up in `<dataset_dir>/dataset_info.json`, their files counted from a workspace on disk, max_samples
 * per dataset, val_size held out, and the cases that leave the total unknown. Expected figures are counted by hand from
 * the fixtures written here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { countedLlamaFactorySamples, type LlamaFactoryFiles } from '../../src/core/llamafactory-data';
import { countedTrainSamples, runLength } from '../../src/core/run-length';
import { scanFiles } from '../../src/core/scan';
import { diskFiles } from '../../src/cli/model-source';
import { withWorkspace } from '../support/temp-workspace';

/** LLaMA-Factory examples/train_lora/llama3_lora_sft.yaml, trimmed to the keys read. */
const YAML = [
  'model_name_or_path: meta-llama/Meta-Llama-3-8B-Instruct',
  'stage: sft',
  'do_train: true',
  'finetuning_type: lora',
  'lora_target: all',
  'dataset: identity,alpaca_en_demo',
  'template: llama3',
  'cutoff_len: 2048',
  'max_samples: 40',
  'output_dir: saves/llama3-8b/lora/sft',
  'per_device_train_batch_size: 1',
  'gradient_accumulation_steps: 8',
  'learning_rate: 1.0e-4',
  'num_train_epochs: 3.0',
  '',
].join('\n');

const rows = (n: number): string => Array.from({ length: n }, (_, i) => JSON.stringify({ instruction: `q${i}`, output: `a${i}` })).join('\n') + '\n';
const array = (n: number): string => JSON.stringify(Array.from({ length: n }, (_, i) => ({ instruction: `q${i}`, input: '', output: `a${i}` })), null, 2);

const INFO = JSON.stringify({
  identity: { file_name: 'identity.json' },
  alpaca_en_demo: { file_name: 'alpaca_en_demo.json' },
  shards: { file_name: 'shards' },
  sampled: { file_name: 'identity.json', num_samples: 100 },
  remote: { hf_hub_url: 'llamafactory/alpaca_en' },
  other_split: { file_name: 'identity.json', split: 'validation' },
}, null, 2);

const WORKSPACE: Record<string, string> = {
  'data/dataset_info.json': INFO,
  'data/identity.json': array(30),
  'data/alpaca_en_demo.json': array(50),
  'data/shards/part-a.jsonl': rows(12),
  'data/shards/part-b.jsonl': rows(8),
};


/** The CLI's own reader of a workspace (src/cli/model-source.ts diskFiles). */
function filesOf(root: string): LlamaFactoryFiles {
  const disk = diskFiles(root);
  assert.ok(disk.countRecords !== undefined);
  return { readText: (p) => disk.readText(p), countRecords: disk.countRecords, ...(disk.listFolder !== undefined ? { listFolder: disk.listFolder } : {}) };
}

const jobOf = (yaml: string, at = 'examples/lora_sft.yaml') => {
  const job = scanFiles([{ path: at, text: yaml }]).jobs[0];
  assert.ok(job);
  return job;
};

const why = (c: ReturnType<typeof countedLlamaFactorySamples>): string => {
  assert.ok(c !== undefined && c.value === null, JSON.stringify(c));
  return c.why;
};

test('dataset names looked up in data/dataset_info.json: files counted, max_samples capping each, steps from them', () => {
  withWorkspace(WORKSPACE, (root) => {
    const job = jobOf(YAML);
    assert.deepEqual(job.settings.llamaFactoryData, { names: ['identity', 'alpaca_en_demo'], dir: 'data', valSize: 0, streaming: false, mixStrategy: 'concat' });
    // Not a Trainer dataset_name / train_file job: the generic counter leaves it alone.
    assert.equal(countedTrainSamples(job, filesOf(root).countRecords), undefined);
    const counted = countedLlamaFactorySamples(job, filesOf(root));
    // identity: 30 records (under max_samples 40); alpaca_en_demo: 50 records, capped at 40 → 70.
    assert.equal(counted?.value, 70);
    assert.match((counted as { from: string }).from, /^identity: 30 records in data\/identity\.json \+ alpaca_en_demo: max_samples 40 \(examples\/lora_sft\.yaml:9, per dataset\) of 50 records in data\/alpaca_en_demo\.json \(named at examples\/lora_sft\.yaml:6, in data\/dataset_info\.json\)$/);
    // The same names as a YAML list.
    assert.deepEqual(jobOf(YAML.replace('dataset: identity,alpaca_en_demo', 'dataset: [identity, alpaca_en_demo]')).settings.llamaFactoryData?.names, ['identity', 'alpaca_en_demo']);
    // ⌈70 / 1⌉ = 70 batches; ⌈70 / 8⌉ = 9 steps per epoch (the last of 6 batches); 3 epochs = 27 steps.
    assert.equal(runLength(job, {}, counted).totalSteps, 27);
  });
});

test('a folder entry counts every file in it; num_samples resamples to its number; dataset_dir beside the config', () => {
  withWorkspace(WORKSPACE, (root) => {
    const folder = countedLlamaFactorySamples(jobOf(YAML.replace('identity,alpaca_en_demo', 'shards').replace('max_samples: 40\n', '')), filesOf(root));
    assert.equal(folder?.value, 20); // 12 + 8 lines
    assert.match((folder as { from: string }).from, /20 records in the 2 files of data\/shards/);
    const sampled = countedLlamaFactorySamples(jobOf(YAML.replace('identity,alpaca_en_demo', 'sampled').replace('max_samples: 40\n', '')), filesOf(root));
    assert.equal(sampled?.value, 100); // num_samples 100 drawn (with replacement) from 30 records
    assert.match((sampled as { from: string }).from, /num_samples 100 \(data\/dataset_info\.json:\d+:\d+\) drawn from 30 records in data\/identity\.json/);
  });
  // dataset_dir: ../data written in a config under examples/: looked up beside the config first.
  const moved = Object.fromEntries(Object.entries(WORKSPACE).map(([k, v]) => [k.replace(/^data\//, 'lf/data/'), v]));
  withWorkspace(moved, (root) => {
    const c = countedLlamaFactorySamples(jobOf(`${YAML}dataset_dir: ../data\n`, 'lf/examples/sft.yaml'), filesOf(root));
    assert.equal(c?.value, 70);
    assert.match((c as { from: string }).from, /in lf\/data\/dataset_info\.json/);
  });
});

test('val_size: the share held out for evaluation is subtracted as train_test_split holds it out', () => {
  withWorkspace(WORKSPACE, (root) => {
    const share = countedLlamaFactorySamples(jobOf(`${YAML}val_size: 0.1\n`), filesOf(root));
    // 70 examples, ⌈0.1 × 70⌉ = 7 held out → 63.
    assert.equal(share?.value, 63);
    assert.match((share as { from: string }).from, /less 7 held out for evaluation by val_size: 0\.1 \(examples\/lora_sft\.yaml:15\)$/);
    // An integer above 1 is a number of examples: 70 − 25 = 45.
    assert.equal(countedLlamaFactorySamples(jobOf(`${YAML}val_size: 25\n`), filesOf(root))?.value, 45);
    assert.match(why(countedLlamaFactorySamples(jobOf(`${YAML}val_size: 70\n`), filesOf(root))), /holds out all 70 examples/);
    // OmegaConf keeps a YAML integer as written and parse_dict does not convert it: `val_size: 1` reaches
    // train_test_split as the int 1 (one example held out), `1.0` as a share of 1, which it refuses.
    assert.equal(countedLlamaFactorySamples(jobOf(`${YAML}val_size: 1\n`), filesOf(root))?.value, 69);
    assert.match(why(countedLlamaFactorySamples(jobOf(`${YAML}val_size: 1.0\n`), filesOf(root))), /val_size: 1 \(examples\/lora_sft\.yaml:15\) holds out all 70 examples/);
  });
});

test('unknown with a one-line reason: undefined name, remote entry, other split, missing file, packing, streaming', () => {
  withWorkspace(WORKSPACE, (root) => {
    const f = filesOf(root);
    assert.match(why(countedLlamaFactorySamples(jobOf(YAML.replace('identity,alpaca_en_demo', 'identity,nope')), f)), /^dataset nope is not defined in data\/dataset_info\.json .*\(examples\/lora_sft\.yaml:6\)$/);
    assert.match(why(countedLlamaFactorySamples(jobOf(YAML.replace('identity,alpaca_en_demo', 'remote')), f)), /^remote is loaded from hf_hub_url \(data\/dataset_info\.json:\d+:\d+\), not from a local file/);
    assert.match(why(countedLlamaFactorySamples(jobOf(YAML.replace('identity,alpaca_en_demo', 'other_split')), f)), /split of other_split is not train/);
    assert.match(why(countedLlamaFactorySamples(jobOf(`${YAML}packing: true\n`), f)), /packed into sequences of cutoff_len \(packing, examples\/lora_sft\.yaml:15\)/);
    assert.match(why(countedLlamaFactorySamples(jobOf(`${YAML}neat_packing: true\n`), f)), /\(neat_packing, examples\/lora_sft\.yaml:15\)/);
    assert.match(why(countedLlamaFactorySamples(jobOf(YAML.replace('stage: sft', 'stage: pt')), f)), /\(stage: pt, examples\/lora_sft\.yaml:2, where packing is on unless written false\)/);
    // packing: false written turns pre-training's default packing off: counted.
    assert.equal(countedLlamaFactorySamples(jobOf(`${YAML.replace('stage: sft', 'stage: pt')}packing: false\n`), f)?.value, 70);
    assert.match(why(countedLlamaFactorySamples(jobOf(`${YAML}streaming: true\n`), f)), /LLaMA-Factory needs max_steps/);
    assert.match(why(countedLlamaFactorySamples(jobOf(`${YAML}mix_strategy: interleave_under\n`), f)), /interleaves identity, alpaca_en_demo/);
    // tokenized_path: an absent folder is written after tokenizing (counted); a folder with files is loaded instead.
    assert.equal(countedLlamaFactorySamples(jobOf(`${YAML}tokenized_path: saves/tokenized\n`), f)?.value, 70);
    fs.mkdirSync(path.join(root, 'saves/tokenized'), { recursive: true });
    fs.writeFileSync(path.join(root, 'saves/tokenized/dataset_dict.json'), '{"splits": ["train"]}');
    assert.match(why(countedLlamaFactorySamples(jobOf(`${YAML}tokenized_path: saves/tokenized\n`), f)), /^tokenized_path: saves\/tokenized \(examples\/lora_sft\.yaml:15\) holds a saved tokenized dataset \(saves\/tokenized\)/);
    const run = runLength(jobOf(`${YAML}packing: true\n`), {}, countedLlamaFactorySamples(jobOf(`${YAML}packing: true\n`), f));
    assert.equal(run.totalSteps, null);
    assert.match(run.basis, /3 epochs \(examples\/lora_sft\.yaml:14\) are stated but not the training examples per epoch \(the examples are packed/);
  });
  const { 'data/alpaca_en_demo.json': _gone, ...missing } = WORKSPACE;
  withWorkspace(missing, (root) => {
    assert.match(why(countedLlamaFactorySamples(jobOf(YAML), filesOf(root))), /data\/alpaca_en_demo\.json \(file_name of alpaca_en_demo, data\/dataset_info\.json:5:3\) is not in the workspace \(LLaMA-Factory stops: "File not found"\) \(examples\/lora_sft\.yaml:6\)$/);
  });
});

test('dataset_info.json missing or malformed: one positioned message', () => {
  withWorkspace({ ...WORKSPACE, 'data/dataset_info.json': '{\n  "identity": {"file_name": "identity.json"},\n  "alpaca_en_demo": {"file_name": }\n}\n' }, (root) => {
    const text = why(countedLlamaFactorySamples(jobOf(YAML), filesOf(root)));
    assert.match(text, /^data\/dataset_info\.json:3:\d+: .+ \(dataset_dir assumed: LLaMA-Factory's default dataset_dir: data\), so identity, alpaca_en_demo \(examples\/lora_sft\.yaml:6\) are not counted$/);
    assert.ok(!text.includes('\n'));
  });
  withWorkspace({ 'data/identity.json': array(3) }, (root) => {
    assert.match(why(countedLlamaFactorySamples(jobOf(YAML), filesOf(root))), /^data\/dataset_info\.json is not read: .+ are not counted$/);
  });
  // A config that states no dataset is not counted here.
  assert.equal(countedLlamaFactorySamples(jobOf(YAML.replace('dataset: identity,alpaca_en_demo\n', '')), { readText: () => assert.fail('read'), countRecords: () => assert.fail('counted') }), undefined);
});

test('num_samples that LLaMA-Factory cannot resample to (a string, 0, negative, a fraction, 1e3, past 2^53) leaves the count unknown at its place', () => {
  // loader.py: np.random.permutation(n)[:num_samples], then `assert len(indexes) == num_samples`: a string or a float
  // fails the slice, a negative number fails the assert, 0 gives no examples. null is the same as leaving it out.
  const info = (value: string): string => `{\n  "identity": {"file_name": "identity.json", "num_samples": ${value}}\n}\n`;
  const yaml = YAML.replace('identity,alpaca_en_demo', 'identity').replace('max_samples: 40\n', '');
  for (const bad of ['"100"', '0', '-5', '2.5', '1e3', '99999999999999999999']) {
    withWorkspace({ 'data/dataset_info.json': info(bad), 'data/identity.json': array(30) }, (root) => {
      const text = why(countedLlamaFactorySamples(jobOf(yaml), filesOf(root)));
      assert.match(text, /^data\/dataset_info\.json:2:\d+: num_samples of identity is not a positive whole number/, bad);
      assert.ok(text.includes(bad), text);
    });
  }
  withWorkspace({ 'data/dataset_info.json': info('null'), 'data/identity.json': array(30) }, (root) => {
    assert.equal(countedLlamaFactorySamples(jobOf(yaml), filesOf(root))?.value, 30);
  });
  withWorkspace({ 'data/dataset_info.json': info('7'), 'data/identity.json': array(30) }, (root) => {
    assert.equal(countedLlamaFactorySamples(jobOf(yaml), filesOf(root))?.value, 7);
  });
});

test('dataset_dir or tokenized_path that climbs out of the workspace with ../ is said to be outside it', () => {
  withWorkspace(WORKSPACE, (root) => {
    // A config at the workspace root: ../data is above the root from both places a relative path is looked up.
    assert.match(why(countedLlamaFactorySamples(jobOf(`${YAML}dataset_dir: ../data\n`, 'lora_sft.yaml'), filesOf(root))), /^dataset_dir: \.\.\/data \(lora_sft\.yaml:15\) is outside the workspace and not read/);
    // A saved tokenized dataset there may be what the run loads: not known, so not counted.
    assert.match(why(countedLlamaFactorySamples(jobOf(`${YAML}tokenized_path: ../../cache/tokenized\n`), filesOf(root))), /^tokenized_path: \.\.\/\.\.\/cache\/tokenized \(examples\/lora_sft\.yaml:15\) is outside the workspace: whether it holds a saved dataset is not known/);
  });
});
