/**
 * Wightman (2024), "Comparisons of timm Optimizers w/ Caution" (the model card of the Hugging Face
 * repository rwightman/timm-optim-caution, written by timm's author): AdamW, LaProp and MARS, each
 * with and without the "caution" mask of Liang et al. (arXiv 2411.16085, "Cautious Optimizers"), at
 * three or four learning rates, training the same small ViT (`vit_wee_patch16_reg1_gap_256`) from scratch
 * for 200 epochs on timm's mini-imagenet (100 ImageNet classes) with one timm recipe (mixup,
 * RandAugment, random erasing, EMA of weights, AMP, weight decay .05; the card's "Train args"). Every row
 * of the card's three tables (LaProp, AdamW, MARS) is used; they share the recipe, so they form one
 * setting, and each optimizer counts at its best learning rate as the ranking takes every optimizer in a
 * setting. The value is the `eval_top1` cell (top-1 accuracy at the best epoch, which the `best_epoch`
 * column gives). The card reports one run per cell and no spread.
 * Read as the card's text held by the project's code-search index (file id 21143033471; the index does
 * not name the repository that holds that copy, whose title reads "Comparisons of baseline Optimizers
 * w/ Caution"); its first rows (claprop and laprop) agree with the card on Hugging Face at commit
 * e5f45a7 and with the current card, of which the project's docs search shows the beginning only.
 * The card's author proposed none of the optimizers: caution is Liang et al.'s, LaProp Ziyin et al.'s,
 * MARS Yuan et al.'s, so every row is independent. timm's `mars` is MARS in its AdamW form by default
 * (`mars_type: str = 'adamw'` in timm's documentation of `timm.optim.Mars`), the catalog's `mars-adamw`;
 * LaProp and the cautious variants are not in the catalog. The "clip grads" rows add gradient clipping to
 * the same optimizer.
 */
import { measured, opt, setting } from './build';
import type { MeasuredOptimizer, Measurement, MeasurementSource } from './types';

const LAPROP_HEADER = `|optim                       |best_epoch|train_loss        |eval_loss         |eval_top1        |eval_top5        |lr                    |
|----------------------------|----------|------------------|------------------|-----------------|-----------------|----------------------|`;
const ADAMW_HEADER = `|optim                       |best_epoch|train_loss        |eval_loss         |eval_top1        |eval_top5        |
|----------------------------|-----|------------------|------------------|-----------------|-----------------|`;
const MARS_HEADER = `|optim          |best_epoch|train_loss        |eval_loss         |eval_top1        |eval_top5        |
|---------------|----------|------------------|------------------|-----------------|-----------------|`;

const LAPROP: MeasuredOptimizer = opt('laprop', null, 'LaProp (timm `laprop`)');
const C_LAPROP: MeasuredOptimizer = opt('cautious-laprop', null, 'LaProp with caution (timm `claprop`)');
const ADAMW: MeasuredOptimizer = opt('adamw', 'adamw', 'AdamW (timm `adamw`)');
const C_ADAMW: MeasuredOptimizer = opt('cautious-adamw', null, 'AdamW with caution (timm `cadamw`)');
const MARS: MeasuredOptimizer = opt('mars-adamw', 'mars-adamw', 'MARS (timm `mars`, AdamW form by default)');
const C_MARS: MeasuredOptimizer = opt('cautious-mars-adamw', null, 'MARS with caution (timm `cmars`)');

const SETTING = 'mini-imagenet-vit-wee';

/** [header, optimizer, its settings, eval_top1, the table line verbatim]. */
const TABLE: readonly (readonly [string, MeasuredOptimizer, string, number, string])[] = [
  [LAPROP_HEADER, C_LAPROP, 'lr 1e-3', 73.920000390625, '|claprop, lr=1e-03           |204.0     |2.2173619270324707|1.0931779468536378|73.920000390625  |91.33000009765624|0.0                   |'],
  [LAPROP_HEADER, C_LAPROP, 'lr 5e-4', 73.77000073242188, '|claprop, lr=5e-04           |183.0     |2.262192726135254 |1.0912627222061158|73.77000073242188|91.22000260009766|1.3478660293113704e-05|'],
  [LAPROP_HEADER, LAPROP, 'lr 5e-4', 71.73000213623047, '|laprop, lr=5e-04            |198.0     |2.2425642013549805|1.1426102781295775|71.73000213623047|90.55000146484376|1.109508849230001e-06 |'],
  [LAPROP_HEADER, LAPROP, 'lr 1e-3', 71.15000104980469, '|laprop, lr=1e-03            |179.0     |2.290040969848633 |1.168387135314941 |71.15000104980469|90.18000189208983|3.806023374435663e-05 |'],
  [LAPROP_HEADER, C_LAPROP, 'lr 2e-4', 68.30000163574219, '|claprop, lr=2e-04           |195.0     |2.546172380447388 |1.2475446645736694|68.30000163574219|89.15000153808593|9.97634228344235e-07  |'],
  [LAPROP_HEADER, LAPROP, 'lr 2e-4', 67.07999990234374, '|laprop, lr=2e-04            |204.0     |2.6702351570129395|1.309178423690796 |67.07999990234374|88.67000270996094|0.0                   |'],
  [LAPROP_HEADER, C_LAPROP, 'lr 2e-3', 62.08000177001953, '|claprop, lr=2e-03           |193.0     |2.678058862686157 |1.5239886917114258|62.08000177001953|84.8             |1.4890673845226132e-05|'],
  [LAPROP_HEADER, LAPROP, 'lr 2e-3', 61.46000135498047, '|laprop, lr=2e-03            |200.0     |2.70467209815979  |1.522907255935669 |61.46000135498047|85.28000162353516|1.9732715717284413e-06|'],
  [ADAMW_HEADER, C_ADAMW, 'lr 1e-3', 73.52000141601563, '|cadamw, lr=1e-03            |184.0|2.2688851356506348|1.0868136840820313|73.52000141601563|91.60000036621092|'],
  [ADAMW_HEADER, C_ADAMW, 'lr 5e-4', 73.3900005859375, '|cadamw, lr=5e-04            |199.0|2.163278102874756 |1.0976034646987916|73.3900005859375 |91.31000137939454|'],
  [ADAMW_HEADER, C_ADAMW, 'lr 1e-3, gradient clipping', 73.33000158691407, '|cadamw, lr=1e-03, clip grads|203.0|2.1360626220703125|1.1043113907814026|73.33000158691407|91.41000042724608|'],
  [ADAMW_HEADER, ADAMW, 'lr 1e-3, gradient clipping', 72.11000151367188, '|adamw, lr=1e-03, clip grads |195.0|2.2746386528015137|1.142998440361023 |72.11000151367188|90.47000052490236|'],
  [ADAMW_HEADER, ADAMW, 'lr 5e-4', 71.50000120849609, '|adamw, lr=5e-04             |185.0|2.3040246963500977|1.1535791856765747|71.50000120849609|90.4800001953125 |'],
  [ADAMW_HEADER, ADAMW, 'lr 1e-3', 71.22999993896484, '|adamw, lr=1e-03             |199.0|2.223684310913086 |1.1657958560943604|71.22999993896484|90.30999958496092|'],
  [ADAMW_HEADER, C_ADAMW, 'lr 2e-4', 68.94999995117188, '|cadamw, lr=2e-04            |189.0|2.538627862930298 |1.2325929063796996|68.94999995117188|89.61000139160156|'],
  [ADAMW_HEADER, ADAMW, 'lr 2e-4', 67.11000026855469, '|adamw, lr=2e-04             |203.0|2.579624652862549 |1.3085522148132325|67.11000026855469|88.66000164794922|'],
  [MARS_HEADER, C_MARS, 'lr 1e-3', 74.91000185546875, '|cmars, lr=1e-03|198.0     |2.054780960083008 |1.0435627010345458|74.91000185546875|92.08000146484376|'],
  [MARS_HEADER, C_MARS, 'lr 2e-3', 74.31000185546876, '|cmars, lr=2e-03|203.0     |2.0272469520568848|1.0705795244216918|74.31000185546876|91.54000092773435|'],
  [MARS_HEADER, MARS, 'lr 1e-3', 74.06000178222656, '|mars, lr=1e-03 |184.0     |2.219767808914185 |1.07215625667572  |74.06000178222656|91.6200013671875 |'],
  [MARS_HEADER, MARS, 'lr 2e-3', 73.73000098876953, '|mars, lr=2e-03 |197.0     |2.1453990936279297|1.0963781481742858|73.73000098876953|91.1500006225586 |'],
  [MARS_HEADER, C_MARS, 'lr 5e-4', 73.32000045166015, '|cmars, lr=5e-04|198.0     |2.2018630504608154|1.083557384109497 |73.32000045166015|91.67000092773438|'],
  [MARS_HEADER, MARS, 'lr 5e-4', 72.02999995117187, '|mars, lr=5e-04 |189.0     |2.322845220565796 |1.1199828132629397|72.02999995117187|90.86000173339843|'],
];

const rows: Measurement[] = TABLE.map(([header, o, s, v, line]) =>
  measured(SETTING, { ...o, settings: s }, v, `${header}\n${line}`));

export const WIGHTMAN_2024_TIMM_OPTIM_CAUTION: MeasurementSource = {
  id: 'wightman-2024-timm-optim-caution',
  cite: 'Wightman 2024 (timm optimizers with caution)',
  title: 'Comparisons of timm Optimizers w/ Caution',
  authors: 'Ross Wightman',
  year: 2024,
  venue: 'Hugging Face model card (rwightman/timm-optim-caution)',
  readAt: 'the model card\'s text as held by the project\'s code-search index, file id 21143033471 (the index does not name its repository); its first rows checked against https://huggingface.co/rwightman/timm-optim-caution/blob/e5f45a7eaabe0b99b883d358b42ed5cb9dc519cd/README.md and https://huggingface.co/rwightman/timm-optim-caution',
  url: 'https://huggingface.co/rwightman/timm-optim-caution',
  proposes: [],
  settings: [
    setting({
      id: SETTING,
      locator: 'model card, tables "LaProp", "AdamW" and "MARS", column eval_top1',
      task: 'vit_wee_patch16_reg1_gap_256 (a small ViT) trained from scratch for 200 epochs on timm mini-imagenet (100 ImageNet classes), timm recipe: mixup .2, RandAugment m9, random erasing .25, EMA of weights, drop path .1, weight decay .05, AMP',
      family: 'vit',
      modality: 'image',
      params: null,
      fineTune: false,
      precision: 'AMP (--amp)',
      tuning: 'per-optimizer',
      budget: '200 epochs (10M samples seen) for every run; learning rate swept per optimizer (3–4 values), the rest of the recipe shared (train args: 2 processes, -b 288)',
      metric: { name: 'mini-imagenet top-1 accuracy at the best epoch (%) (eval_top1)', kind: 'final', better: 'higher', basis: 'equal-budget' },
      reference: 'adamw',
    }),
  ],
  rows,
};
