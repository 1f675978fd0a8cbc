/**
 * Published GPU-memory measurements added to grow the validation to 20+ cases from 8+ sources (README: Validation),
 * as typed data: per case the source (link with commit or page), what it measured, the unit the
 * source's own code prints, every setting the estimate needs (stated, or listed as an assumption)
 * and a verbatim excerpt holding the figure. The case list was committed before any model change;
 * no case is dropped later (misses stay in docs/validation.md with their probable cause).
 *
 * Units: 'GB' = 10^9 bytes (torch counters divided by 1e9), 'GiB' = 2^30, 'MiB' = 2^20 (pynvml
 * `info.used // 1024**2`, printed as "MB" by the transformers docs), 'MB' = 10^6 (optimum-benchmark's
 * "unit": "MB").
 */
import type { Citation } from '../types';
import type { JsonObject } from '../models/types';
import type { ValidationCase } from './validation';

/** How many bytes one unit of a published figure is, as the source's own code prints it. */
export const UNIT_BYTES = { GB: 1e9, GiB: 2 ** 30, MiB: 2 ** 20, MB: 1e6, bytes: 1 } as const;
export type PublishedUnit = keyof typeof UNIT_BYTES;

/** A figure in `unit`, in whole bytes. */
export const inBytes = (value: number, unit: PublishedUnit): number => Math.round(value * UNIT_BYTES[unit]);

/**
 * The independent sources (publisher + measurement effort). Two sources share code but not the
 * run: the LitGPT resource tables and S. Raschka's Lightning AI article both use lit-gpt's
 * finetune/lora.py, at different commits, on different machines, by different people.
 */
export const VALIDATION_SOURCES = {
  'peft-method-comparison': 'Hugging Face PEFT method comparison (MetaMathQA result files)',
  'zero-paper': 'Rajbhandari et al., ZeRO (SC 2020), Figure 1',
  'torchtune-readme': 'torchtune README, "Memory and training speed"',
  'transformers-docs': 'transformers docs: model memory anatomy / efficient training on one GPU (bert-large-uncased on a V100)',
  'litgpt-resource-tables': 'LitGPT tutorials/resource-tables.md (A100 40GB)',
  'lightning-lora-insights': 'S. Raschka, "Finetuning LLMs with LoRA and QLoRA: Insights from Hundreds of Experiments" (Lightning AI, 2023)',
  'torchao-low-bit-optim': 'torchao low-bit optimizers README (pytorch/ao)',
  'optimum-benchmark': 'optimum-benchmark training results (Hugging Face dataset optimum-benchmark/rocm)',
} as const;
export type ValidationSource = keyof typeof VALIDATION_SOURCES;

// --- transformers docs: bert-large-uncased on a 16 GB V100 -------------------------------------

const HF_ANATOMY: Citation = {
  title: 'transformers docs: Model training anatomy',
  url: 'https://github.com/huggingface/transformers/blob/249ef8164cfbd8e288c2f6d8395539b9e90e8300/docs/source/en/model_memory_anatomy.md',
  locator: '"Memory utilization at vanilla training": per_device_train_batch_size=4 -> "GPU memory occupied: 14949 MB." (print_gpu_utilization: pynvml info.used//1024**2)',
};
const HF_ONE_GPU: Citation = {
  title: 'transformers docs: Efficient training on a single GPU (v4.27 text; the figures kept verbatim in the zh translation at this commit)',
  url: 'https://github.com/huggingface/transformers/blob/c0c397c2ef8d96efb688d01cf2bf3cec10bedc7d/docs/source/zh/perf_train_gpu_one.md',
  locator: 'sections Gradient Accumulation, Gradient Checkpointing, FP16 Training, Adafactor, 8-bit Adam; English original: https://huggingface.co/docs/transformers/v4.27.2/en/perf_train_gpu_one',
};

/** bert-large-uncased as AutoModelForSequenceClassification builds it (2 labels, the docs' 0/1 labels). */
const BERT_LARGE_SEQCLS: JsonObject = {
  architectures: ['BertForSequenceClassification'],
  model_type: 'bert',
  attention_probs_dropout_prob: 0.1,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  hidden_size: 1024,
  intermediate_size: 4096,
  layer_norm_eps: 1e-12,
  max_position_embeddings: 512,
  num_attention_heads: 16,
  num_hidden_layers: 24,
  pad_token_id: 0,
  position_embedding_type: 'absolute',
  type_vocab_size: 2,
  vocab_size: 30522,
  num_labels: 2,
};

const HF_SETUP =
  'transformers docs experiment: google-bert/bert-large-uncased loaded with AutoModelForSequenceClassification (fp32 weights, 2 labels) and moved to a 16 GB Tesla V100; 512 random sequences of exactly 512 tokens; HF Trainer with the doc\'s default_args (1 epoch, no eval set), so weight_decay 0 and Trainer\'s default optimizer of that time (transformers.AdamW, a per-parameter loop: our torch AdamW with foreach=False, an assumption); BERT of that time ran eager attention with dropout 0.1. The runs date from January 2022 (nvidia-smi header: driver 460.91.03, CUDA 11.2), so torch 1.x, whose zero_grad() default is set_to_none=False: Trainer\'s model.zero_grad() keeps the gradients allocated (our zeroGradSetToNone: false). The figure is nvidia-smi\'s "used" memory of the GPU (pynvml info.used // 1024**2, printed as "MB", so MiB), which includes the CUDA context the same page measures as 1343 MB; we compare our full peak (reserved + context). The same date puts the runs on PyTorch 1.10 or earlier (1.11 was released in March 2022), whose softmax saves its input for backward beside its output (transformers pytorch_utils.softmax_backward_data passes `self` to torch._softmax_backward_data when torch < 1.11; PyTorch PR #65242 replaced it with the dtype): our softmaxSavesInput.';

type CaseFields = Pick<ValidationCase, 'optimizer' | 'inputs'>;
const hfBert = (id: string, description: string, fields: CaseFields, mib: number, excerpt: string, citation: Citation, extra = ''): ValidationCase => ({
  id,
  description,
  model: { config: BERT_LARGE_SEQCLS, description: 'bert-large-uncased, BertForSequenceClassification (2 labels)' },
  ...fields,
  metric: 'peak',
  published: inBytes(mib, 'MiB'),
  unit: 'MiB',
  source: 'transformers-docs',
  excerpt,
  citation,
  remarks: extra === '' ? HF_SETUP : `${HF_SETUP} ${extra}`,
});

const HF_ADAMW = { spelling: 'AdamW', ecosystem: 'pytorch', params: { lr: 5e-5, weight_decay: 0, foreach: false } } as const;
const HF_ADAFACTOR = { spelling: 'adafactor', ecosystem: 'hf', params: { lr: 5e-5 } } as const;
const BNB_ADAM8 = { spelling: 'Adam8bit', ecosystem: 'bitsandbytes', params: { lr: 5e-5, weight_decay: 0 } } as const;
const BERT_IN = { precision: 'fp32', batchSize: 4, seqLen: 512, attention: 'eager', gradientCheckpointing: false, zeroGradSetToNone: false, softmaxSavesInput: true } as const;
const BERT_ALL = { precision: 'fp16-mixed', batchSize: 1, gradAccum: 4, seqLen: 512, attention: 'eager', gradientCheckpointing: true, zeroGradSetToNone: false, softmaxSavesInput: true } as const;

const HF_CASES: readonly ValidationCase[] = [
  hfBert('hf-bert-large-bs4-adamw', 'transformers docs: bert-large fp32, batch 4 x 512, AdamW, V100 (nvidia-smi)',
    { optimizer: HF_ADAMW, inputs: BERT_IN }, 14949,
    'training_args = TrainingArguments(per_device_train_batch_size=4, **default_args) ... Time: 57.82 / Samples/second: 8.86 / GPU memory occupied: 14949 MB.', HF_ANATOMY),
  hfBert('hf-bert-large-bs1-ga4-adamw', 'transformers docs: bert-large fp32, batch 1 x 512, accumulation 4, AdamW, V100 (nvidia-smi)',
    { optimizer: HF_ADAMW, inputs: { ...BERT_IN, batchSize: 1, gradAccum: 4 } }, 8681,
    'TrainingArguments(per_device_train_batch_size=1, gradient_accumulation_steps=4, **default_args) ... Time: 66.03 / Samples/second: 7.75 / GPU memory occupied: 8681 MB.', HF_ONE_GPU),
  hfBert('hf-bert-large-bs1-ga4-gc-adamw', 'transformers docs: bert-large fp32, batch 1 x 512, accumulation 4, gradient checkpointing, AdamW, V100 (nvidia-smi)',
    { optimizer: HF_ADAMW, inputs: { ...BERT_IN, batchSize: 1, gradAccum: 4, gradientCheckpointing: true } }, 6775,
    'TrainingArguments(per_device_train_batch_size=1, gradient_accumulation_steps=4, gradient_checkpointing=True, **default_args) ... Time: 85.47 / Samples/second: 5.99 / GPU memory occupied: 6775 MB.', HF_ONE_GPU),
  hfBert('hf-bert-large-bs4-fp16-adamw', 'transformers docs: bert-large fp16 AMP, batch 4 x 512, AdamW, V100 (nvidia-smi)',
    { optimizer: HF_ADAMW, inputs: { ...BERT_IN, precision: 'fp16-mixed' } }, 13939,
    'TrainingArguments(per_device_train_batch_size=4, fp16=True, **default_args) ... Time: 27.46 / Samples/second: 18.64 / GPU memory occupied: 13939 MB.', HF_ONE_GPU,
    'fp16=True is torch AMP (autocast + GradScaler) over the fp32 model: our fp16-mixed.'),
  hfBert('hf-bert-large-all-adamw', 'transformers docs: bert-large fp16 AMP, batch 1 x 512, accumulation 4, gradient checkpointing, AdamW, V100 (nvidia-smi)',
    { optimizer: HF_ADAMW, inputs: BERT_ALL }, 7275,
    'per_device_train_batch_size=1, gradient_accumulation_steps=4, gradient_checkpointing=True, fp16=True ... Time: 50.76 / Samples/second: 10.09 / GPU memory occupied: 7275 MB.', HF_ONE_GPU),
  hfBert('hf-bert-large-bs4-adafactor', 'transformers docs: bert-large fp32, batch 4 x 512, Adafactor, V100 (nvidia-smi)',
    { optimizer: HF_ADAFACTOR, inputs: BERT_IN }, 12295,
    'TrainingArguments(per_device_train_batch_size=4, optim="adafactor", **default_args) ... Time: 64.31 / Samples/second: 7.96 / GPU memory occupied: 12295 MB.', HF_ONE_GPU,
    'optim="adafactor": Trainer builds transformers Adafactor with scale_parameter=False, relative_step=False (no beta1, so no first moment).'),
  hfBert('hf-bert-large-all-adafactor', 'transformers docs: bert-large fp16 AMP, batch 1 x 512, accumulation 4, gradient checkpointing, Adafactor, V100 (nvidia-smi)',
    { optimizer: HF_ADAFACTOR, inputs: BERT_ALL }, 4847,
    'gradient_checkpointing=True, fp16=True, optim="adafactor" ... Time: 56.54 / Samples/second: 9.06 / GPU memory occupied: 4847 MB.', HF_ONE_GPU),
  hfBert('hf-bert-large-bs4-adam8bit', 'transformers docs: bert-large fp32, batch 4 x 512, bitsandbytes Adam8bit, V100 (nvidia-smi)',
    { optimizer: BNB_ADAM8, inputs: BERT_IN }, 13085,
    'adam_bnb_optim = bnb.optim.Adam8bit(optimizer_grouped_parameters, ...) ... trainer = Trainer(..., optimizers=(adam_bnb_optim, None)) ... Time: 55.95 / Samples/second: 9.15 / GPU memory occupied: 13085 MB.', HF_ONE_GPU,
    'bnb.optim.Adam8bit built directly (no 32-bit embedding override); both parameter groups have weight_decay = training_args.weight_decay = 0.'),
  hfBert('hf-bert-large-all-adam8bit', 'transformers docs: bert-large fp16 AMP, batch 1 x 512, accumulation 4, gradient checkpointing, bitsandbytes Adam8bit, V100 (nvidia-smi)',
    { optimizer: BNB_ADAM8, inputs: BERT_ALL }, 5363,
    'gradient_checkpointing=True, fp16=True ... optimizers=(adam_bnb_optim, None) ... Time: 49.46 / Samples/second: 10.35 / GPU memory occupied: 5363 MB.', HF_ONE_GPU),
];

// --- LitGPT resource tables and the Lightning AI LoRA article -----------------------------------

const LITGPT_TABLES: Citation = {
  title: 'LitGPT tutorials/resource-tables.md, "Finetuning with LoRA on 1 GPU" (1x A100-SXM4-40GB, lit-gpt commit 8641822, PyTorch 2.1.0)',
  url: 'https://github.com/Lightning-AI/litgpt/blob/e567dbe8e5d3125af918550254258008b9228a71/tutorials/resource-tables.md',
  locator: 'column "Max GPU RAM"; printed by finetune/lora.py at 8641822: fabric.print(f"Memory used: {torch.cuda.max_memory_allocated() / 1e9:.02f} GB")',
};
const LORA_INSIGHTS: Citation = {
  title: 'S. Raschka, Finetuning LLMs with LoRA and QLoRA: Insights from Hundreds of Experiments (Lightning AI, Oct 2023)',
  url: 'https://lightning.ai/pages/community/lora-insights/',
  locator: 'sections "Evaluating the LoRA Defaults", "Memory Savings with QLoRA", "LoRA Hyperparameter Tuning Part 3"; lit-gpt finetune/lora.py at bf60124fa72a56436c7d4fecc093c7fc48e84433 (prints max_memory_allocated() / 1e9 as "Memory used: ... GB"). The article page itself was not in the searchable corpus: its figures and hyperparameter block were read in three reproductions that cite it (a translated repost with the full hyperparameter block, a reading-notes export and a summary), which agree on every figure used here',
};

const LITGPT_SETUP =
  'lit-gpt finetune/lora.py (commit 8641822): --precision bf16-true (the whole model, LoRA weights and AdamW states in bf16: our pure bf16 with bf16 adapters); LoRA r=8 on the query and value projections only (lora_query/lora_value True, key/projection/mlp/head False; 4,194,304 trainable for 7B, 6,553,600 for 13B, as the table prints); torch.optim.AdamW (foreach) lr 3e-4, weight_decay 0.01; no activation checkpointing; the model returns logits in 128-token chunks (lm_head_chunk_size=128) and chunked_cross_entropy takes them chunk by chunk (our chunked loss, ceil(1304/128) = 11 chunks; the loop\'s `logits` variable holds them through fabric.backward: our logitsHeld); SDPA attention. Alpaca with micro-batches padded to their longest sample; the longest Llama-2 sample is 1304 tokens (stated in the table header), and the peak over the run is assumed to be at that length (with 1000 x 128 samples drawn from ~52k the longest is almost surely drawn). Compared: torch.cuda.max_memory_allocated() (GB = 1e9 bytes). Residual, not identified: every lit-gpt row, LoRA and QLoRA alike, is under-estimated by 5-9%, about 1.3 GB per 1304-token sample on 7B (2.6 GB at micro-batch 2, 2.1 GB on 13B), so the gap grows with tokens and model width; it is not tuned away.';
const LITGPT_QLORA =
  'With --quantize bnb.nf4-dq the script loads every Linear as bitsandbytes NF4 with double quantisation under Fabric\'s BitsandbytesPrecision (compute dtype bf16) and switches to bitsandbytes PagedAdamW (32-bit paged states, in CUDA unified memory, outside torch\'s counters). Read in the code the runs used: (1) Lightning at the commit lit-gpt pins (requirements.txt: lightning@71aed751) builds the model under BitsandbytesPrecision.init_context, which replaces torch.nn.Linear by its 4-bit class everywhere, the lm_head included (our quantiseHead), and _Linear4bit._quantize_weight casts each weight to torch.half before bnb.functional.quantize_4bit, so dequantize_4bit returns fp16 that MatMul4Bit then casts to bf16 (our quantisedFrom fp16); (2) lit-gpt leaves bitsandbytes unpinned (requirements-all.txt), and in October 2023 every release was older than 0.43.2 (July 2024), whose MatMul4Bit.forward kept its input A for backward (`ctx.tensors = (A, B)`, removed by bitsandbytes PR #1270, commit 9e753741, "fix QLoRA mem bug: delete useless buffered activation"): every 4-bit Linear keeps its bf16 input (our savesQuantisedInputs). lit-gpt\'s LoRA applies lora_dropout 0.05, so the adapters\' inputs are separate tensors.';

const LLAMA2_QV = { rank: 8, targets: ['q_proj', 'v_proj'], qlora: false, adapterDtype: 'bf16' } as const;
const LITGPT_IN = { precision: 'bf16', loadDtype: 'bf16', batchSize: 1, gradAccum: 1, seqLen: 1304, attention: 'sdpa', gradientCheckpointing: false, loss: { kind: 'chunked', chunks: 11, compiled: false, logitsHeld: true } } as const;
const LIT_ADAMW = { spelling: 'AdamW', ecosystem: 'pytorch', params: { lr: 3e-4, weight_decay: 0.01 } } as const;
const LIT_PAGED = { spelling: 'PagedAdamW', ecosystem: 'bitsandbytes', params: { lr: 3e-4, weight_decay: 0.01 } } as const;
/** lit-gpt --quantize bnb.nf4(-dq) under Lightning's BitsandbytesPrecision with the bitsandbytes of 2023 (LITGPT_QLORA). */
const LIT_QLORA = { qlora: true, computeDtype: 'bf16', quantiseHead: true, quantisedFrom: 'fp16', savesQuantisedInputs: true } as const;

const litgpt = (id: string, description: string, preset: string, fields: CaseFields, gb: number, excerpt: string, remarks: string): ValidationCase => ({
  id, description, model: { preset }, ...fields, metric: 'allocated', published: inBytes(gb, 'GB'), unit: 'GB',
  source: 'litgpt-resource-tables', excerpt, citation: LITGPT_TABLES, remarks,
});

const LITGPT_CASES: readonly ValidationCase[] = [
  litgpt('litgpt-llama2-7b-lora-mb1', 'LitGPT: Llama 2 7B LoRA r=8 (q, v), bf16-true, micro-batch 1, A100 (allocated)', 'meta-llama/Llama-2-7b-hf',
    { optimizer: LIT_ADAMW, inputs: { ...LITGPT_IN, lora: LLAMA2_QV } }, 21.30,
    '| 7 B   | Llama 2        | None         | 1               | 4,194,304            | 21.30 GB    | 2.36 min           |', LITGPT_SETUP),
  litgpt('litgpt-llama2-7b-lora-mb2', 'LitGPT: Llama 2 7B LoRA r=8 (q, v), bf16-true, micro-batch 2, A100 (allocated)', 'meta-llama/Llama-2-7b-hf',
    { optimizer: LIT_ADAMW, inputs: { ...LITGPT_IN, batchSize: 2, lora: LLAMA2_QV } }, 29.07,
    '| 7 B   | Llama 2        | None         | 2               | 4,194,304            | 29.07 GB    | 2.52 min           |', `${LITGPT_SETUP} Micro-batch 2: both samples padded to the longer (assumed 1304 at the peak).`),
  litgpt('litgpt-llama2-13b-lora-mb1', 'LitGPT: Llama 2 13B LoRA r=8 (q, v), bf16-true, micro-batch 1, A100 (allocated)', 'meta-llama/Llama-2-13b-hf',
    { optimizer: LIT_ADAMW, inputs: { ...LITGPT_IN, lora: LLAMA2_QV } }, 38.12,
    '| 13 B  | Llama 2        | None         | 1               | 6,553,600            | 38.12 GB    | 3.19 min           |', LITGPT_SETUP),
  litgpt('litgpt-llama2-7b-qlora-nf4dq-mb1', 'LitGPT: Llama 2 7B QLoRA (bnb.nf4-dq) r=8 (q, v), PagedAdamW, micro-batch 1, A100 (allocated)', 'meta-llama/Llama-2-7b-hf',
    { optimizer: LIT_PAGED, inputs: { ...LITGPT_IN, lora: { ...LLAMA2_QV, ...LIT_QLORA } } }, 13.84,
    '| 7 B   | Llama 2        | bnb.nf4-dq   | 1               | 4,194,304            | 13.84 GB    | 3.83 min           |', `${LITGPT_SETUP} ${LITGPT_QLORA}`),
  litgpt('litgpt-llama2-13b-qlora-nf4dq-mb1', 'LitGPT: Llama 2 13B QLoRA (bnb.nf4-dq) r=8 (q, v), PagedAdamW, micro-batch 1, A100 (allocated)', 'meta-llama/Llama-2-13b-hf',
    { optimizer: LIT_PAGED, inputs: { ...LITGPT_IN, lora: { ...LLAMA2_QV, ...LIT_QLORA } } }, 22.55,
    '| 13 B  | Llama 2        | bnb.nf4-dq   | 1               | 6,553,600            | 22.55 GB    | 6.55 min           |', `${LITGPT_SETUP} ${LITGPT_QLORA}`),
];

const INSIGHTS_SETUP =
  'lit-gpt finetune/lora.py at bf60124f with the article\'s printed hyperparameters: micro_batch_size 1 (batch 128 by accumulation), lr 3e-4, weight_decay 0.01, lora_r 8, lora_alpha 16, query and value only, --precision bf16-true (model, adapters and optimizer states bf16), 1x A100; Alpaca (longest Llama-2 sample 1304 tokens, assumed at the peak as for the LitGPT tables), logits in 128-token chunks (our chunked loss, 11 chunks), SDPA, no activation checkpointing. Compared: max_memory_allocated() / 1e9.';
const INSIGHTS_QLORA =
  '--quantize "bnb.nf4": NF4 without double quantisation (Lightning _NF4Linear: compress_statistics=False; our doubleQuant false, one fp32 absmax per 64 weights); bitsandbytes PagedAdamW (paged states outside torch\'s counters); the lit-gpt QLoRA mechanisms of the LitGPT table rows apply (lit-gpt at bf60124f pins the same lightning@71aed751 and leaves bitsandbytes unpinned): quantised head, fp16 quantisation, 4-bit matmul inputs kept. The later experiments of the article run on QLoRA ("we will use QLoRA for the rest of this article").';
const ALL_LAYERS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj', 'lm_head'];

const insights = (id: string, description: string, fields: CaseFields, gb: number, excerpt: string, remarks: string): ValidationCase => ({
  id, description, model: { preset: 'meta-llama/Llama-2-7b-hf' }, ...fields, metric: 'allocated', published: inBytes(gb, 'GB'), unit: 'GB',
  source: 'lightning-lora-insights', excerpt, citation: LORA_INSIGHTS, remarks,
});

const INSIGHTS_CASES: readonly ValidationCase[] = [
  insights('insights-llama2-7b-lora', 'LoRA insights: Llama 2 7B LoRA r=8 (q, v), bf16-true, micro-batch 1, A100 (allocated)',
    { optimizer: LIT_ADAMW, inputs: { ...LITGPT_IN, lora: LLAMA2_QV } }, 21.33,
    'Default LoRA (with bfloat-16): Training time: 6685.75s / Memory used: 21.33 GB', INSIGHTS_SETUP),
  insights('insights-llama2-7b-qlora-nf4', 'LoRA insights: Llama 2 7B QLoRA (bnb.nf4) r=8 (q, v), PagedAdamW, micro-batch 1, A100 (allocated)',
    { optimizer: LIT_PAGED, inputs: { ...LITGPT_IN, lora: { ...LLAMA2_QV, ...LIT_QLORA, doubleQuant: false } } }, 14.18,
    'QLoRA via --quantize "bnb.nf4": Training time: 10059.53s / Memory used: 14.18 GB', `${INSIGHTS_SETUP} ${INSIGHTS_QLORA}`),
  insights('insights-llama2-7b-qlora-all-r8', 'LoRA insights: Llama 2 7B QLoRA (bnb.nf4) r=8 on all layers incl. head, PagedAdamW, micro-batch 1, A100 (allocated)',
    { optimizer: LIT_PAGED, inputs: { ...LITGPT_IN, lora: { rank: 8, targets: ALL_LAYERS, adapterDtype: 'bf16', ...LIT_QLORA, doubleQuant: false } } }, 16.42,
    'r=8: Number of trainable parameters: 20,277,248 / Number of non trainable parameters: 6,738,415,616 / Memory used: 16.42 GB',
    `${INSIGHTS_SETUP} ${INSIGHTS_QLORA} LoRA on query, key, value, projection, MLP and head (20,277,248 trainable = 32 x 624,640 + 288,768 for the head).`),
  insights('insights-llama2-7b-qlora-all-r16', 'LoRA insights: Llama 2 7B QLoRA (bnb.nf4) r=16 on all layers incl. head, PagedAdamW, micro-batch 1, A100 (allocated)',
    { optimizer: LIT_PAGED, inputs: { ...LITGPT_IN, lora: { rank: 16, targets: ALL_LAYERS, adapterDtype: 'bf16', ...LIT_QLORA, doubleQuant: false } } }, 16.47,
    'r=16: Number of trainable parameters: 40,554,496 / Number of non trainable parameters: 6,738,415,616 / Memory used: 16.47 GB',
    `${INSIGHTS_SETUP} ${INSIGHTS_QLORA} LoRA r=16 on all layers including the head.`),
];

// --- torchao low-bit optimizers README: timm ViT-H/14 ------------------------------------------

const TORCHAO: Citation = {
  title: 'torchao low-bit optimizers README, ViT-H fine-tune benchmark (4070Ti SUPER)',
  url: 'https://github.com/pytorch/ao/blob/ba1e09024dc1d906319364c713a48c91103e70d5/torchao/prototype/low_bit_optim/README.md',
  locator: '"Results for fine-tuning ViT-H (630M params) with BF16 AMP for 1 epoch, batch size 8, cosine LR scheduler, 4070Ti SUPER, fixed random seed": table "Adam impl | max memory (GB)"; benchmarks/benchmark_low_bit_adam.py (read at 03cf0adec63fdbae2fd6d2aa7688b52ee8c64004) prints torch.cuda.max_memory_allocated() / 1e9',
};
/** timm vit_huge_patch14_224 with a 45-class head, in transformers ViT terms (same tensors: qkv bias, class token, final norm). */
const VIT_H14: JsonObject = {
  architectures: ['ViTForImageClassification'], model_type: 'vit', hidden_size: 1280, num_hidden_layers: 32, num_attention_heads: 16,
  intermediate_size: 5120, image_size: 224, patch_size: 14, num_channels: 3, qkv_bias: true, hidden_act: 'gelu',
  hidden_dropout_prob: 0, attention_probs_dropout_prob: 0, num_labels: 45,
};
const TORCHAO_SETUP =
  'README: "fine-tuning ViT-H (630M params) with BF16 AMP for 1 epoch, batch size 8" (a later version of the README, with the same 12.23 / 8.32 figures, adds "resisc45 dataset. PyTorch 2.4, ... compiled model"); benchmark_low_bit_adam.py: timm.create_model(num_classes=45), fp32 weights under torch.autocast(bfloat16), model.compile(fullgraph=True), weight_decay 0 (its default), optim.zero_grad() after each step, no activation checkpointing. timm\'s ViT blocks use F.scaled_dot_product_attention (our sdpa). The model is the timm ViT-H/14 expressed as a transformers ViT config (same tensors; assumption). torch.compile fuses elementwise ops, which the estimator does not model. Compared: max_memory_allocated() / 1e9.';
const torchao = (id: string, description: string, optimizer: ValidationCase['optimizer'], gb: number, excerpt: string, extra: string): ValidationCase => ({
  id, description, model: { config: VIT_H14, description: 'timm vit_huge_patch14_224, 45 classes' }, optimizer,
  inputs: { precision: 'bf16-mixed', batchSize: 8, imageSize: 224, attention: 'sdpa', gradientCheckpointing: false },
  metric: 'allocated', published: inBytes(gb, 'GB'), unit: 'GB', source: 'torchao-low-bit-optim', excerpt, citation: TORCHAO, remarks: `${TORCHAO_SETUP} ${extra}`,
});
const TORCHAO_CASES: readonly ValidationCase[] = [
  torchao('torchao-vit-h-adamw-fused', 'torchao: ViT-H/14 BF16 AMP, batch 8, torch AdamW fused, compiled (allocated)',
    { spelling: 'AdamW', ecosystem: 'pytorch', params: { lr: 1e-4, weight_decay: 0, fused: true } }, 12.23,
    'PyTorch (fused) | 12.23           | 41.8   | 94.38', 'OPTIM_MAP AdamW = partial(torch.optim.AdamW, fused=True).'),
  torchao('torchao-vit-h-bnb-adamw8bit', 'torchao: ViT-H/14 BF16 AMP, batch 8, bitsandbytes AdamW8bit, compiled (allocated)',
    { spelling: 'AdamW8bit', ecosystem: 'bitsandbytes', params: { lr: 1e-4, weight_decay: 0 } }, 8.32,
    'bnb 8-bit       |  8.32           | 43.6   | 94.18', 'OPTIM_MAP AdamW8bitBnb = bnb.optim.AdamW8bit (called directly: tensors under 4096 values keep 32-bit states).'),
];

// --- optimum-benchmark: ViT-B/16 training on one MI250 GCD ---------------------------------------

const OPTIMUM: Citation = {
  title: 'optimum-benchmark, cuda_training_transformers_image-classification_google/vit-base-patch16-224 (dataset optimum-benchmark/rocm)',
  url: 'https://huggingface.co/datasets/optimum-benchmark/rocm/commit/a78ff7fcb94f64e0a7c4acc065ff56aa8be26c6b',
  locator: 'benchmark.json report.overall.memory ("unit": "MB": optimum-benchmark divides bytes by 1e6); transformers 4.43.3, accelerate 0.33.0',
};
const OPTIMUM_SETUP =
  'optimum-benchmark training scenario for google/vit-base-patch16-224 (ViTForImageClassification, 1000 labels; "no_weights": true, so random fp32 weights), torch_dtype null and autocast disabled (fp32), attn_implementation null (transformers 4.43 picks SDPA for ViT), training_arguments per_device_train_batch_size 2, gradient_accumulation_steps 1, max_steps 5 (the scenario config of the same dataset folder, read at commit 0afcf392; assumed unchanged), HF Trainer defaults (adamw_torch, weight_decay 0). The GPU is one MI250 GCD ("gpu_vram_mb": 68702699520) under ROCm, whose caching allocator is the hipified CUDA one.';
const OPTIMUM_CASES: readonly ValidationCase[] = (['allocated', 'reserved'] as const).map((metric) => ({
  id: `optimum-vit-base-bs2-${metric}`,
  description: `optimum-benchmark: ViT-B/16 fp32 training, batch 2, AdamW, MI250 (${metric})`,
  model: { preset: 'google/vit-base-patch16-224' },
  optimizer: { spelling: 'adamw_torch', ecosystem: 'hf', params: { lr: 5e-5, weight_decay: 0 } },
  inputs: { precision: 'fp32', batchSize: 2, gradAccum: 1, imageSize: 224, attention: 'sdpa', gradientCheckpointing: false },
  metric,
  published: inBytes(metric === 'allocated' ? 1738.272256 : 1935.671296, 'MB'),
  unit: 'MB',
  source: 'optimum-benchmark',
  excerpt: '"overall": { "memory": { "unit": "MB", ... "max_reserved": 1935.671296, "max_allocated": 1738.272256 }',
  citation: OPTIMUM,
  remarks: OPTIMUM_SETUP,
}));

/** The cases added to grow the validation (README: Validation), in the order docs/validation.md lists them. */
export const ADDED_VALIDATION_CASES: readonly ValidationCase[] = [
  ...HF_CASES, ...LITGPT_CASES, ...INSIGHTS_CASES, ...TORCHAO_CASES, ...OPTIMUM_CASES,
];
