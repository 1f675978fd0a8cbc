/**
 * Luo, Xiong, Liu, Sun (2019), "Adaptive Gradient Methods with Dynamic Bound of Learning Rate" (ICLR
 * 2019): AdaBound and AMSBound, proposed there (self-reports), against SGD, AdaGrad, Adam and AMSGrad.
 * The README holds no result table; the CIFAR-10 demo (Luolc/AdaBound, demos/cifar10) ships the learning
 * curves behind the paper's CIFAR-10 figures: curve/pretrained/, one file per model and optimizer
 * (ResNet-34 and DenseNet-121 × six optimizers), each a pickled dict whose `test_acc` lists the test
 * accuracy after each of 200 epochs (batch 128, StepLR ×0.1 at epoch 150, weight decay 5e-4 for all:
 * demos/cifar10/main.py and README). The demo README: "We have already provided the results produced
 * by AdaBound/AMSBound with default settings and baseline optimizers with their best hyperparameters"
 * (searched as the paper describes). Read with an unpickler that accepts no code; a row's number is the
 * accuracy after the last epoch (equal budget), its excerpt the list's last three values as Python
 * prints them. Every file is used; the optimizer's settings are those in the file name.
 */
import { measured, opt, setting } from './build';
import type { MeasuredOptimizer, Measurement, MeasurementSource, Setting } from './types';

const COMMIT = '2e928c3007a2fc44af0e4c97e343e1fed6986e44';
const DEMO = `https://github.com/Luolc/AdaBound/blob/${COMMIT}/demos/cifar10`;

const OPTIMIZERS: ReadonlyMap<string, MeasuredOptimizer> = new Map([
  ['adabound', opt('adabound', null, 'AdaBound (def.)')],
  ['amsbound', opt('amsbound', null, 'AMSBound (def.)')],
  ['adagrad', opt('adagrad', 'adagrad', 'AdaGrad')],
  ['adam', opt('adam', 'adam', 'Adam')],
  ['amsgrad', opt('amsgrad', 'amsgrad', 'AMSGrad')],
  ['sgd', opt('sgd-momentum', 'sgd-momentum', 'SGD')],
]);

/** [curve file, accuracy after epoch 200, the list's tail as Python prints it]. */
const CURVE_FILES: readonly (readonly [string, number, string])[] = [
  ['densenet-adabound-lr0.001-betas0.9-0.999-final_lr0.1-gamma0.001', 94.83, "'test_acc': [..., 94.84, 94.71, 94.83]"],
  ['densenet-adagrad-lr0.01', 91.88, "'test_acc': [..., 91.98, 91.9, 91.88]"],
  ['densenet-adam-lr0.001-betas0.9-0.999', 93.01, "'test_acc': [..., 92.85, 92.88, 93.01]"],
  ['densenet-amsbound-lr0.001-betas0.9-0.999-final_lr0.1-gamma0.001', 95.1, "'test_acc': [..., 95.08, 95.19, 95.1]"],
  ['densenet-amsgrad-lr0.001-betas0.9-0.999', 93.35, "'test_acc': [..., 93.52, 93.34, 93.35]"],
  ['densenet-sgd-lr0.1-momentum0.9', 92.99, "'test_acc': [..., 92.34, 92.86, 92.99]"],
  ['resnet-adabound-lr0.001-betas0.9-0.999-final_lr0.1-gamma0.001', 94.86, "'test_acc': [..., 94.85, 94.84, 94.86]"],
  ['resnet-adagrad-lr0.01', 92.66, "'test_acc': [..., 92.53, 92.6, 92.66]"],
  ['resnet-adam-lr0.001-betas0.99-0.999', 92.27, "'test_acc': [..., 92.53, 92.56, 92.27]"],
  ['resnet-amsbound-lr0.001-betas0.9-0.999-final_lr0.1-gamma0.001', 94.82, "'test_acc': [..., 94.66, 94.76, 94.82]"],
  ['resnet-amsgrad-lr0.001-betas0.99-0.999', 93.18, "'test_acc': [..., 93.05, 93.03, 93.18]"],
  ['resnet-sgd-lr0.1-momentum0.9', 92.64, "'test_acc': [..., 93.73, 93.9, 92.64]"],
];

const MODELS: readonly { prefix: string; name: string }[] = [
  { prefix: 'resnet', name: 'ResNet-34' },
  { prefix: 'densenet', name: 'DenseNet-121' },
];

const settings: Setting[] = MODELS.map((m) => setting({
  id: `cifar10-${m.name.toLowerCase()}`,
  locator: `demos/cifar10/curve/pretrained/${m.prefix}-*, "test_acc" after the last epoch`,
  task: `${m.name} trained from scratch on CIFAR-10, 200 epochs`,
  family: 'cnn',
  modality: 'image',
  params: null,
  globalBatch: { value: 128, unit: 'images' },
  fineTune: false,
  tuning: 'per-optimizer',
  budget: 'equal epochs (200, batch 128, learning rate ×0.1 at epoch 150, weight decay 5e-4); baselines at their best searched hyperparameters, AdaBound/AMSBound at defaults; one run each',
  metric: { name: 'CIFAR-10 test accuracy (%) after epoch 200', kind: 'final', better: 'higher', basis: 'equal-budget' },
  reference: 'sgd-momentum',
}));

const rows: Measurement[] = CURVE_FILES.map(([file, value, excerpt]) => {
  const [prefix, optimizer] = file.split('-') as [string, string];
  const model = MODELS.find((m) => m.prefix === prefix)!;
  const o = OPTIMIZERS.get(optimizer)!;
  return measured(`cifar10-${model.name.toLowerCase()}`, { ...o, settings: file.slice(prefix.length + optimizer.length + 2) }, value, excerpt,
    { note: `${DEMO}/curve/pretrained/${file}` });
});

export const LUO_2019_ADABOUND: MeasurementSource = {
  id: 'luo-2019-adabound',
  cite: 'Luo et al. 2019 (AdaBound)',
  title: 'Adaptive Gradient Methods with Dynamic Bound of Learning Rate',
  authors: 'Liangchen Luo, Yuanhao Xiong, Yan Liu, Xu Sun',
  year: 2019,
  venue: 'ICLR 2019',
  readAt: `${DEMO}/curve/pretrained/ (one curve file per model and optimizer); ${DEMO}/README.md (hyperparameters, weight decay); ${DEMO}/main.py (epochs, batch, schedule)`,
  url: 'https://openreview.net/forum?id=Bkg3g2R9FX',
  proposes: ['adabound', 'amsbound'],
  settings,
  rows,
};
