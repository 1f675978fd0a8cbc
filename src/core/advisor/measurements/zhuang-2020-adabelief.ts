/**
 * Zhuang, Tang, Ding, Tatikonda, Dvornek, Papademetris, Duncan (2020), "AdaBelief Optimizer: Adapting
 * Stepsizes by the Belief in Observed Gradients" (NeurIPS 2020, arXiv 2010.07468). The authors propose
 * AdaBelief, so its rows are self-reports; the other optimizers' rows are measurements of others in
 * the same tables. Two parts, both read in the authors' repository (juntang-zhuang/Adabelief-Optimizer):
 * - Table 2 ("Top-1 accuracy of ResNet18 on ImageNet"), which the README shows only as an image
 *   (imgs/image_recog.png, under "Results on Image Recognition"): transcribed from that image, every
 *   cell. Its caption marks most baselines as quoted from other papers ("† is reported in [35], ‡ is
 *   reported in [16]"): only AdaBelief and MSVAG were run by the authors, so the setting is not one
 *   controlled comparison and says so. Adam has two cells (63.79†, 66.54‡): both are rows.
 * - The CIFAR-10 learning curves the repository ships for its Figure 4 ("Test accuracy ([μ ± σ]) on
 *   Cifar"): PyTorch_Experiments/classification_cifar10/curve/, one file per model and optimizer (VGG11,
 *   ResNet34, DenseNet121 × AdaBelief, SGD, AdaBound, Yogi, Adam, MSVAG, RAdam, AdamW, Fromage; run 0 of
 *   each), each a pickled dict whose `test_acc` lists the test accuracy after each of 200 epochs (batch
 *   128, lr ×0.1 at epoch 150; main.py's defaults). Read with an unpickler that accepts no code. A row's
 *   number is the accuracy after the last epoch (equal budget); its excerpt shows the list's last three
 *   values as Python prints them. Every file is used. The optimizer settings are those in each file's
 *   name. The repository's CIFAR-100 curves are not there (the figure's CIFAR-100 panels are images
 *   only), and its PTB LSTM curves are left out: the evidence base has no recurrent-network family.
 */
import { measured, opt, setting } from './build';
import type { MeasuredOptimizer, Measurement, MeasurementSource, Setting } from './types';

const COMMIT = '2855178eff6776762793f915ce2c615f776a1e4b';
const REPO = `https://github.com/juntang-zhuang/Adabelief-Optimizer/blob/${COMMIT}`;
const CURVES = `${REPO}/PyTorch_Experiments/classification_cifar10/curve`;

const TABLE2 =
  'Table 2: Top-1 accuracy of ResNet18 on ImageNet. † is reported in [35], ‡ is reported in [16]\n' +
  'AdaBelief | SGD | AdaBound | Yogi | Adam | MSVAG | RAdam | AdamW\n' +
  '70.08 | 70.23† | 68.13† | 68.23† | 63.79† (66.54‡) | 65.99 | 67.62‡ | 67.93†';
const TRANSCRIBED = 'transcribed from the table in the README image imgs/image_recog.png (the paper\'s Table 2)';
const QUOTED = (mark: '†' | '‡') => `${TRANSCRIBED}; marked ${mark}: quoted by the authors from ${mark === '†' ? '[35]' : '[16]'}, not run by them`;

const settings: Setting[] = [
  setting({
    id: 'imagenet-resnet18',
    locator: 'Table 2 (README image imgs/image_recog.png, "Results on Image Recognition")',
    task: 'ResNet18 trained from scratch on ImageNet',
    family: 'cnn',
    modality: 'image',
    params: null,
    fineTune: false,
    tuning: 'not-stated',
    budget: 'not one controlled comparison: AdaBelief and MSVAG were run by the authors, the other cells are quoted from two other papers ([35] and [16]) with their own recipes',
    metric: { name: 'ImageNet top-1 accuracy (%)', kind: 'final', better: 'higher', basis: 'equal-budget' },
    reference: 'sgd-momentum',
  }),
];

const rows: Measurement[] = [
  measured('imagenet-resnet18', opt('adabelief', null, 'AdaBelief'), 70.08, TABLE2, { note: TRANSCRIBED }),
  measured('imagenet-resnet18', opt('sgd-momentum', 'sgd-momentum', 'SGD'), 70.23, TABLE2, { note: QUOTED('†') }),
  measured('imagenet-resnet18', opt('adabound', null, 'AdaBound'), 68.13, TABLE2, { note: QUOTED('†') }),
  measured('imagenet-resnet18', opt('yogi', null, 'Yogi'), 68.23, TABLE2, { note: QUOTED('†') }),
  measured('imagenet-resnet18', opt('adam', 'adam', 'Adam (as reported in [35])'), 63.79, TABLE2, { note: QUOTED('†') }),
  measured('imagenet-resnet18', opt('adam', 'adam', 'Adam (as reported in [16])'), 66.54, TABLE2, { note: QUOTED('‡') }),
  measured('imagenet-resnet18', opt('msvag', null, 'MSVAG'), 65.99, TABLE2, { note: TRANSCRIBED }),
  measured('imagenet-resnet18', opt('radam', null, 'RAdam'), 67.62, TABLE2, { note: QUOTED('‡') }),
  measured('imagenet-resnet18', opt('adamw', 'adamw', 'AdamW'), 67.93, TABLE2, { note: QUOTED('†') }),
];

/** The file-name prefix of each optimizer's curves, as main.py names them. */
const OPTIMIZERS: ReadonlyMap<string, MeasuredOptimizer> = new Map([
  ['adabelief', opt('adabelief', null, 'AdaBelief')],
  ['adabound', opt('adabound', null, 'AdaBound')],
  ['adam', opt('adam', 'adam', 'Adam')],
  ['adamw', opt('adamw', 'adamw', 'AdamW')],
  ['fromage', opt('fromage', null, 'Fromage')],
  ['msvag', opt('msvag', null, 'MSVAG')],
  ['radam', opt('radam', null, 'RAdam')],
  ['sgd', opt('sgd-momentum', 'sgd-momentum', 'SGD (momentum 0.9)')],
  ['yogi', opt('yogi', null, 'Yogi')],
]);

/** [curve file, accuracy after epoch 200, the list's tail as Python prints it]. */
const CURVE_FILES: readonly (readonly [string, number, string])[] = [
  ['densenet-adabelief-lr0.001-betas0.9-0.999-eps1e-08-wdecay0.0005-run0-resetFalse', 95.24, "'test_acc': [..., 95.37, 95.33, 95.24]"],
  ['densenet-adabound-lr0.001-betas0.9-0.999-final_lr0.1-gamma0.001-wdecay0.0005-run0-resetFalse', 94.58, "'test_acc': [..., 94.56, 94.57, 94.58]"],
  ['densenet-adam-lr0.001-betas0.9-0.999-wdecay0.0005-eps1e-08-run0-resetFalse', 92.79, "'test_acc': [..., 93.08, 92.94, 92.79]"],
  ['densenet-adamw-lr0.001-betas0.9-0.999-wdecay0.01-eps1e-08-run0-resetFalse', 94.21, "'test_acc': [..., 94.33, 94.3, 94.21]"],
  ['densenet-fromage-lr0.01-betas0.9-0.999-wdecay0.0005-eps1e-08-run0-resetFalse', 94.08, "'test_acc': [..., 94.33, 93.63, 94.08]"],
  ['densenet-msvag-lr0.1-betas0.9-0.999-eps1e-08-wdecay0.0005-run0-resetFalse', 94.67, "'test_acc': [..., 94.67, 94.74, 94.67]"],
  ['densenet-radam-lr0.001-betas0.9-0.999-wdecay0.0005-eps1e-08-run0-resetFalse', 94.65, "'test_acc': [..., 94.77, 94.71, 94.65]"],
  ['densenet-sgd-lr0.1-momentum0.9-wdecay0.0005-run0-resetFalse', 92.34, "'test_acc': [..., 92.8, 92.91, 92.34]"],
  ['densenet-yogi-lr0.001-betas0.9-0.999-eps0.001-wdecay0.0005-run0-resetFalse', 94.57, "'test_acc': [..., 94.71, 94.61, 94.57]"],
  ['resnet-adabelief-lr0.001-betas0.9-0.999-eps1e-08-wdecay0.0005-run0-resetFalse', 95.2, "'test_acc': [..., 95.4, 95.21, 95.2]"],
  ['resnet-adabound-lr0.001-betas0.9-0.999-final_lr0.1-gamma0.001-wdecay0.0005-run0-resetFalse', 94.75, "'test_acc': [..., 94.78, 94.63, 94.75]"],
  ['resnet-adam-lr0.001-betas0.9-0.999-wdecay0.0005-eps1e-08-run0-resetFalse', 92.94, "'test_acc': [..., 92.61, 92.74, 92.94]"],
  ['resnet-adamw-lr0.001-betas0.9-0.999-wdecay0.01-eps1e-08-run0-resetFalse', 94.28, "'test_acc': [..., 94.35, 94.44, 94.28]"],
  ['resnet-fromage-lr0.01-betas0.9-0.999-wdecay0.0005-eps1e-08-run0-resetFalse', 93.07, "'test_acc': [..., 93.39, 93.26, 93.07]"],
  ['resnet-msvag-lr0.1-betas0.9-0.999-eps1e-08-wdecay0.0005-run0-resetFalse', 94.44, "'test_acc': [..., 94.39, 94.31, 94.44]"],
  ['resnet-radam-lr0.001-betas0.9-0.999-wdecay0.0005-eps1e-08-run0-resetFalse', 93.88, "'test_acc': [..., 93.96, 93.89, 93.88]"],
  ['resnet-sgd-lr0.1-momentum0.9-wdecay0.0005-run0-resetFalse', 93.52, "'test_acc': [..., 92.6, 92.62, 93.52]"],
  ['resnet-yogi-lr0.001-betas0.9-0.999-eps0.001-wdecay0.0005-run0-resetFalse', 94.57, "'test_acc': [..., 94.56, 94.7, 94.57]"],
  ['vgg-adabelief-lr0.001-betas0.9-0.999-eps1e-08-wdecay0.0005-run0-resetFalse', 91.17, "'test_acc': [..., 91.38, 91.19, 91.17]"],
  ['vgg-adabound-lr0.001-betas0.9-0.999-final_lr0.1-gamma0.001-wdecay0.0005-run0-resetFalse', 90.6, "'test_acc': [..., 90.37, 90.49, 90.6]"],
  ['vgg-adam-lr0.001-betas0.9-0.999-wdecay0.0005-eps1e-08-run0-resetFalse', 88.1, "'test_acc': [..., 88.4, 87.85, 88.1]"],
  ['vgg-adamw-lr0.001-betas0.9-0.999-wdecay0.01-eps1e-08-run0-resetFalse', 89.08, "'test_acc': [..., 89.13, 89.15, 89.08]"],
  ['vgg-fromage-lr0.01-betas0.9-0.999-wdecay0.0005-eps1e-08-run0-resetFalse', 89.4, "'test_acc': [..., 89.48, 89.41, 89.4]"],
  ['vgg-msvag-lr0.1-betas0.9-0.999-eps1e-08-wdecay0.0005-run0-resetFalse', 89.96, "'test_acc': [..., 89.89, 89.98, 89.96]"],
  ['vgg-radam-lr0.001-betas0.9-0.999-wdecay0.0005-eps1e-08-run0-resetFalse', 89.19, "'test_acc': [..., 89.06, 88.93, 89.19]"],
  ['vgg-sgd-lr0.1-momentum0.9-wdecay0.0005-run0-resetFalse', 89.31, "'test_acc': [..., 89.22, 89.34, 89.31]"],
  ['vgg-yogi-lr0.001-betas0.9-0.999-eps0.001-wdecay0.0005-run0-resetFalse', 90.5, "'test_acc': [..., 90.57, 90.44, 90.5]"],
];

const MODELS: readonly { prefix: string; name: string }[] = [
  { prefix: 'vgg', name: 'VGG11' },
  { prefix: 'resnet', name: 'ResNet34' },
  { prefix: 'densenet', name: 'DenseNet121' },
];

for (const m of MODELS) {
  const id = `cifar10-${m.name.toLowerCase()}`;
  settings.push(setting({
    id,
    locator: `PyTorch_Experiments/classification_cifar10/curve/${m.prefix}-*, "test_acc" after the last epoch (Figure 4, ${m.name} on Cifar10)`,
    task: `${m.name} trained from scratch on CIFAR-10, 200 epochs`,
    family: 'cnn',
    modality: 'image',
    params: null,
    steps: null,
    globalBatch: { value: 128, unit: 'images' },
    fineTune: false,
    tuning: 'not-stated',
    budget: 'equal epochs (200, batch 128, learning rate ×0.1 at epoch 150); learning rate, eps and weight decay per optimizer as each file name states; one run each',
    metric: { name: 'CIFAR-10 test accuracy (%) after epoch 200', kind: 'final', better: 'higher', basis: 'equal-budget' },
    reference: 'sgd-momentum',
  }));
}

for (const [file, value, excerpt] of CURVE_FILES) {
  const [prefix, optimizer] = file.split('-') as [string, string];
  const model = MODELS.find((m) => m.prefix === prefix)!;
  const settingsPart = file.slice(prefix.length + optimizer.length + 2);
  const o = OPTIMIZERS.get(optimizer)!;
  rows.push(measured(`cifar10-${model.name.toLowerCase()}`, { ...o, settings: settingsPart }, value, excerpt, { note: `${CURVES}/${file}` }));
}

export const ZHUANG_2020_ADABELIEF: MeasurementSource = {
  id: 'zhuang-2020-adabelief',
  cite: 'Zhuang et al. 2020 (AdaBelief)',
  title: 'AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed Gradients',
  authors: 'Juntang Zhuang, Tommy Tang, Yifan Ding, Sekhar Tatikonda, Nicha Dvornek, Xenophon Papademetris, James S. Duncan',
  year: 2020,
  venue: 'NeurIPS 2020 (arXiv 2010.07468)',
  readAt: `${REPO}/imgs/image_recog.png (Table 2, an image in the README); ${CURVES}/ (the CIFAR-10 curve files, one per model and optimizer); ${REPO}/PyTorch_Experiments/classification_cifar10/main.py (epochs, batch, schedule)`,
  url: 'https://arxiv.org/abs/2010.07468',
  proposes: ['adabelief'],
  settings,
  rows,
};
