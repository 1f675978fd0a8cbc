/**
 * Li, Tian, Wang, Zhang, Liu, Jin, Liu, Sun, Li (2024), "Unveiling the Backbone-Optimizer Coupling Bias
 * in Visual Representation Learning" (arXiv 2410.06373): twenty optimizers on vision backbones, each
 * tuned per backbone (the paper's hyperparameter tables list a learning rate and weight decay per
 * optimizer and backbone). Every optimizer row of three of its tables, read as LaTeX from the benchmark/
 * folder of tianshijing/ScalingOpt (maintained by Juanxi Tian, one of the paper's authors; "All
 * benchmark results are derived from our research paper"):
 * - tab_cifar100_backbone.tex ("Top-1 accuracy (%) of representative vision backbones with 20
 *   mainstream optimizers on CIFAR-100"): one setting per backbone (20). Its two summary lines (mean,
 *   std/range over optimizers) are statistics of the table, not optimizers, and are left out.
 * - tab_in1k.tex (ImageNet-1K, 300 epochs: DeiT-S with the DeiT recipe, ResNet-50 with RSB A2).
 * - tab_coco.tex (transfer to COCO: 2D pose estimation with TopDown and detection with RetinaNet,
 *   fine-tuning backbones pre-trained as each column's parenthesis says): fine-tuning settings.
 * Each row's excerpt is its LaTeX line (cell macros such as \chig{…} mark the table's top-4 and
 * trivial results); the values are the numbers in that line, in column order. Family: 'vit' for
 * attention or token-mixing-MLP backbones (DeiT-S, MLP-S, Swin-T, TNX-T, AF-12, CAF-12), 'cnn' for
 * convolution, pooling or identity token mixers; the reference is SGD with momentum for 'cnn'
 * settings and AdamW for 'vit' ones. The tables state no parameter counts, batch sizes or CIFAR-100
 * epochs, so those stay unknown. None of the optimizers is the authors' own: every row is independent.
 * Optimizers outside the catalog keep the paper's name (SGDP, Adamax, NAdam, RAdam, AdamP, Adan,
 * AdaBound, AdaBelief, AdaDelta); LARS is the catalog's `lars`.
 */
import { measured, opt, setting, type LatexTableRow } from './build';
import type { MeasuredOptimizer, Measurement, MeasurementSource, Setting, TaskFamily } from './types';

const COMMIT = 'c89fc22eca036e1f1522116baa187d4540407172';
const TREE = `https://github.com/tianshijing/ScalingOpt/blob/${COMMIT}/benchmark`;


const CIFAR100_BACKBONE: readonly LatexTableRow[] = [
  { key: 'sgd-momentum', catalogId: 'sgd-momentum', name: 'SGD-M', line: '\\cellcolor[HTML]{FDF0E2}SGD-M          & \\chig{66.76}  & \\chig{77.08}  & \\chig{78.76}  & 78.01         & 77.16         & \\chig{79.41}  & 75.85                 & \\cllw{63.20}   & 72.64         & 78.95         & \\cllw{60.09}   & 82.25                 & \\clow{75.93}   & 82.75          & 86.21         & 77.40         & 77.70         & 83.46         & 83.02         & 81.21         \\\\',
    values: [66.76, 77.08, 78.76, 78.01, 77.16, 79.41, 75.85, 63.2, 72.64, 78.95, 60.09, 82.25, 75.93, 82.75, 86.21, 77.4, 77.7, 83.46, 83.02, 81.21] },
  { key: 'sgdp', catalogId: null, name: 'SGDP', line: '\\cellcolor[HTML]{FDF0E2}SGDP           & 66.54         & \\chhg{77.56}  & \\chig{79.25}  & \\chig{78.93}  & 77.32         & \\chig{79.55}  & 75.26                 & \\clow{63.53}   & \\clow{69.24}  & 80.56         & \\clow{61.25}   & 82.43                 & \\clow{80.86}   & 82.18          & 86.12         & 77.55         & 77.53         & 83.54         & 82.88         & 81.56         \\\\',
    values: [66.54, 77.56, 79.25, 78.93, 77.32, 79.55, 75.26, 63.53, 69.24, 80.56, 61.25, 82.43, 80.86, 82.18, 86.12, 77.55, 77.53, 83.54, 82.88, 81.56] },
  { key: 'lion', catalogId: 'lion', name: 'LION', line: '\\cellcolor[HTML]{FDF0E2}LION           & 62.11         & 73.87         & 75.28         & 75.42         & 74.62         & 76.97         & 73.55                 & \\chig{74.57}   & \\chig{74.19}  & \\chig{81.84}  & 82.29          & 82.53                 & 85.03          & 83.43          & 86.96         & 78.65         & 79.66         & 84.62         & 82.41         & \\clow{79.59}  \\\\ \\hline',
    values: [62.11, 73.87, 75.28, 75.42, 74.62, 76.97, 73.55, 74.57, 74.19, 81.84, 82.29, 82.53, 85.03, 83.43, 86.96, 78.65, 79.66, 84.62, 82.41, 79.59] },
  { key: 'adam', catalogId: 'adam', name: 'Adam', line: '\\cellcolor[HTML]{D1F5FF}Adam           & 65.29         & 73.41         & 74.55         & 76.78         & 74.56         & 76.48         & 75.06                 & 71.04          & 72.84         & 80.71         & 82.03          & 82.66                 & 84.92          & 84.73          & 86.23         & 78.39         & 79.18         & 84.81         & 81.54         & 82.18         \\\\',
    values: [65.29, 73.41, 74.55, 76.78, 74.56, 76.48, 75.06, 71.04, 72.84, 80.71, 82.03, 82.66, 84.92, 84.73, 86.23, 78.39, 79.18, 84.81, 81.54, 82.18] },
  { key: 'adamax', catalogId: null, name: 'Adamax', line: '\\cellcolor[HTML]{D1F5FF}Adamax         & \\chhg{67.30}  & 73.80         & 75.21         & \\clow{73.52}  & 74.60         & 78.37         & 74.33                 & 73.31          & 73.07         & 81.28         & 80.25          & 81.90                 & 84.51          & 83.81          & 86.34         & 78.02         & 79.55         & 84.31         & 81.83         & 82.50         \\\\',
    values: [67.3, 73.8, 75.21, 73.52, 74.6, 78.37, 74.33, 73.31, 73.07, 81.28, 80.25, 81.9, 84.51, 83.81, 86.34, 78.02, 79.55, 84.31, 81.83, 82.5] },
  { key: 'nadam', catalogId: null, name: 'NAdam', line: '\\cellcolor[HTML]{D1F5FF}NAdam          & \\clow{60.49}  & 73.96         & 74.82         & 76.10         & 75.08         & 77.06         & 74.86                 & 72.75          & 73.77         & 81.80         & 82.26          & 82.72                 & 85.23          & 82.07          & 86.44         & 78.37         & \\chig{80.32}  & 84.81         & 81.82         & 82.83         \\\\',
    values: [60.49, 73.96, 74.82, 76.1, 75.08, 77.06, 74.86, 72.75, 73.77, 81.8, 82.26, 82.72, 85.23, 82.07, 86.44, 78.37, 80.32, 84.81, 81.82, 82.83] },
  { key: 'adamw', catalogId: 'adamw', name: 'AdamW', line: '\\cellcolor[HTML]{D1F5FF}AdamW          & 62.71         & 73.90         & 75.56         & 78.14         & 76.88         & 78.77         & 75.35                 & 72.15          & 73.59         & 81.30         & 83.52          & 83.59                 & \\chig{86.19}   & \\chig{86.30}   & \\chig{87.51}  & \\chig{79.39}  & \\chig{80.55}  & \\chig{85.46}  & 82.24         & \\chig{83.60}  \\\\',
    values: [62.71, 73.9, 75.56, 78.14, 76.88, 78.77, 75.35, 72.15, 73.59, 81.3, 83.52, 83.59, 86.19, 86.3, 87.51, 79.39, 80.55, 85.46, 82.24, 83.6] },
  { key: 'lamb', catalogId: 'lamb', name: 'LAMB', line: '\\cellcolor[HTML]{D1F5FF}LAMB           & \\chig{66.90}  & 75.55         & 77.19         & 78.81         & \\chig{77.59}  & 78.77         & \\chig{77.04}          & \\chig{75.39}   & \\chhg{74.98}  & \\chhg{83.47}  & \\chig{84.13}   & \\chhg{84.93}          & \\chig{86.04}   & 84.99          & \\chig{87.37}  & \\chig{80.21}  & 80.01         & \\chig{85.40}  & \\chig{83.16}  & \\chig{83.74}  \\\\',
    values: [66.9, 75.55, 77.19, 78.81, 77.59, 78.77, 77.04, 75.39, 74.98, 83.47, 84.13, 84.93, 86.04, 84.99, 87.37, 80.21, 80.01, 85.4, 83.16, 83.74] },
  { key: 'radam', catalogId: null, name: 'RAdam', line: '\\cellcolor[HTML]{D1F5FF}RAdam          & 61.69         & 74.64         & 75.19         & 76.40         & 75.94         & 77.08         & 74.83                 & 72.41          & 72.11         & 79.84         & 82.18          & 82.69                 & 84.95          & 84.26          & 86.49         & 78.46         & 79.71         & 84.93         & 81.44         & 82.35         \\\\',
    values: [61.69, 74.64, 75.19, 76.4, 75.94, 77.08, 74.83, 72.41, 72.11, 79.84, 82.18, 82.69, 84.95, 84.26, 86.49, 78.46, 79.71, 84.93, 81.44, 82.35] },
  { key: 'adamp', catalogId: null, name: 'AdamP', line: '\\cellcolor[HTML]{D1F5FF}AdamP          & \\clow{60.27}  & 75.56         & 78.17         & \\chig{78.89}  & \\chig{77.79}  & 78.65         & \\chhg{77.67}          & 71.55          & 73.66         & 80.91         & \\chig{84.47}   & \\chig{84.40}                 & \\chig{86.45}   & \\chig{86.19}   & \\chig{87.16}  & \\chig{79.20}  & \\chig{81.70}  & \\chig{85.15}  & 82.12         & \\chig{83.40}  \\\\',
    values: [60.27, 75.56, 78.17, 78.89, 77.79, 78.65, 77.67, 71.55, 73.66, 80.91, 84.47, 84.4, 86.45, 86.19, 87.16, 79.2, 81.7, 85.15, 82.12, 83.4] },
  { key: 'adan', catalogId: null, name: 'Adan', line: '\\cellcolor[HTML]{D1F5FF}Adan           & 63.98         & 74.90         & 77.08         & \\chhg{79.33}  & \\chig{77.73}  & 78.43         & \\chig{76.99}          & \\chhg{76.33}   & \\chig{74.94}  & \\chig{83.35}  & \\chhg{84.65}   & \\chig{84.77}          & \\chhg{86.46}   & \\chhg{86.75}   & \\chhg{87.47}  & \\chhg{80.59}  & \\chhg{83.23}  & \\chhg{85.58}  & \\chhg{83.51}  & \\chhg{84.89}  \\\\ \\hline',
    values: [63.98, 74.9, 77.08, 79.33, 77.73, 78.43, 76.99, 76.33, 74.94, 83.35, 84.65, 84.77, 86.46, 86.75, 87.47, 80.59, 83.23, 85.58, 83.51, 84.89] },
  { key: 'adabound', catalogId: null, name: 'AdaBound', line: '\\cellcolor[HTML]{DCF0E2}AdaBound       & 66.59         & \\chig{77.00}  & 78.11         & 75.26         & \\chhg{78.76}  & \\chhg{79.88}  & 74.14                 & \\clow{68.59}   & \\clow{70.31}  & 80.67         & \\clow{71.96}   & 83.90                 & \\clow{78.48}   & 83.03          & 86.07         & 77.99         & 77.81         & 82.73         & \\chig{83.08}  & 82.38         \\\\',
    values: [66.59, 77, 78.11, 75.26, 78.76, 79.88, 74.14, 68.59, 70.31, 80.67, 71.96, 83.9, 78.48, 83.03, 86.07, 77.99, 77.81, 82.73, 83.08, 82.38] },
  { key: 'lars', catalogId: 'lars', name: 'LARS', line: '\\cellcolor[HTML]{DCF0E2}LARS           & 64.35         & 75.71         & 78.25         & 77.25         & 76.23         & \\cllw{72.43}  & 75.50                 & 71.36          & 72.64         & 81.29         & \\clow{61.40}   & 82.22                 & \\cllw{33.26}   & \\cllw{41.03}   & 85.16         & 77.66         & 78.78         & 82.98         & 81.00         & 82.05         \\\\',
    values: [64.35, 75.71, 78.25, 77.25, 76.23, 72.43, 75.5, 71.36, 72.64, 81.29, 61.4, 82.22, 33.26, 41.03, 85.16, 77.66, 78.78, 82.98, 81, 82.05] },
  { key: 'adafactor', catalogId: 'adafactor', name: 'AdaFactor', line: '\\cellcolor[HTML]{DCF0E2}AdaFactor      & 63.91         & 74.49         & 75.41         & 77.03         & 75.38         & 77.83         & 75.03                 & \\chig{74.02}   & 71.16         & 80.36         & 82.82          & 83.06                 & 85.17          & \\chig{85.99}   & 86.57         & 78.78         & 78.81         & 84.90         & 81.94         & 82.36         \\\\',
    values: [63.91, 74.49, 75.41, 77.03, 75.38, 77.83, 75.03, 74.02, 71.16, 80.36, 82.82, 83.06, 85.17, 85.99, 86.57, 78.78, 78.81, 84.9, 81.94, 82.36] },
  { key: 'adabelief', catalogId: null, name: 'AdaBelief', line: '\\cellcolor[HTML]{DCF0E2}AdaBelief      & 62.98         & 75.09         & \\chhg{80.53}  & \\chig{79.26}  & 75.78         & 78.48         & \\chig{76.90}          & 70.66          & 73.30         & 80.98         & 83.31          & \\chig{84.47}          & 84.80          & 84.54          & 86.64         & 78.55         & \\chig{81.01}         & 85.03         & \\chig{83.21}  & \\chig{83.56}         \\\\',
    values: [62.98, 75.09, 80.53, 79.26, 75.78, 78.48, 76.9, 70.66, 73.3, 80.98, 83.31, 84.47, 84.8, 84.54, 86.64, 78.55, 81.01, 85.03, 83.21, 83.56] },
  { key: 'novograd', catalogId: 'novograd', name: 'NovoGrad', line: '\\cellcolor[HTML]{DCF0E2}NovoGrad       & 64.24         & \\chig{76.09}  & \\chig{79.36}  & 77.25         & \\clow{71.26}  & \\clow{74.23}  & 75.16                 & 73.13          & \\cllw{67.03}  & \\chig{81.82}  & 79.99          & 82.01                 & \\clow{82.96}   & \\clow{80.77}   & 85.85         & 77.16         & 78.92         & 83.51         & 81.28         & 82.98         \\\\',
    values: [64.24, 76.09, 79.36, 77.25, 71.26, 74.23, 75.16, 73.13, 67.03, 81.82, 79.99, 82.01, 82.96, 80.77, 85.85, 77.16, 78.92, 83.51, 81.28, 82.98] },
  { key: 'sophia', catalogId: 'sophia', name: 'Sophia', line: '\\cellcolor[HTML]{DCF0E2}Sophia         & 64.30         & 74.18         & 75.19         & 77.91         & 76.60         & \\chig{78.95}  & 75.85                 & 71.47          & 72.74         & 80.61         & \\chig{83.76}   & \\chig{83.94}          & 85.39          & 84.20          & 86.60         & 77.67         & 78.90         & 84.58         & 81.67         & 82.96         \\\\ \\hline',
    values: [64.3, 74.18, 75.19, 77.91, 76.6, 78.95, 75.85, 71.47, 72.74, 80.61, 83.76, 83.94, 85.39, 84.2, 86.6, 77.67, 78.9, 84.58, 81.67, 82.96] },
  { key: 'adagrad', catalogId: 'adagrad', name: 'AdaGrad', line: '\\cellcolor[HTML]{DBCEE4}AdaGrad        & \\cllw{45.79}  & \\cllw{71.29}  & \\cllw{73.30}  & \\cllw{51.70}  & \\cllw{33.87}  & 77.93         & \\cllw{46.06}          & \\clow{67.24}   & \\clow{67.50}  & \\cllw{75.83}  & \\clow{75.63}   & \\cllw{50.34}          & 83.03          & 82.57          & \\clow{66.83}  & \\cllw{44.34}  & \\cllw{44.40}  & \\cllw{79.67}  & \\cllw{78.71}  & \\cllw{38.09}  \\\\',
    values: [45.79, 71.29, 73.3, 51.7, 33.87, 77.93, 46.06, 67.24, 67.5, 75.83, 75.63, 50.34, 83.03, 82.57, 66.83, 44.34, 44.4, 79.67, 78.71, 38.09] },
  { key: 'adadelta', catalogId: null, name: 'AdaDelta', line: '\\cellcolor[HTML]{DBCEE4}AdaDelta       & \\chig{66.87}  & 74.14         & 75.07         & 76.82         & 75.32         & 77.88         & 74.58                 & \\clow{65.44}   & 71.32         & 80.25         & \\clow{74.25}   & 82.74                 & \\clow{81.06}   & 84.17          & 85.31         & \\clow{75.91}  & \\clow{76.40}  & 84.05         & 82.62         & 82.08         \\\\',
    values: [66.87, 74.14, 75.07, 76.82, 75.32, 77.88, 74.58, 65.44, 71.32, 80.25, 74.25, 82.74, 81.06, 84.17, 85.31, 75.91, 76.4, 84.05, 82.62, 82.08] },
  { key: 'rmsprop', catalogId: 'rmsprop', name: 'RMSProp', line: '\\cellcolor[HTML]{DBCEE4}RMSProp        & \\clow{59.33}  & 73.30         & 74.25         & 75.45         & 73.94         & 76.83         & 74.92                 & 70.71          & 71.63         & \\clow{77.52}  & 82.29          & 82.11                 & 85.17          & \\clow{61.14}   & 86.21         & 77.40         & 77.14         & 84.01         & \\clow{79.72}  & 81.83         \\\\ \\hline',
    values: [59.33, 73.3, 74.25, 75.45, 73.94, 76.83, 74.92, 70.71, 71.63, 77.52, 82.29, 82.11, 85.17, 61.14, 86.21, 77.4, 77.14, 84.01, 79.72, 81.83] },
];

const IN1K: readonly LatexTableRow[] = [
  { key: 'sgd-momentum', catalogId: 'sgd-momentum', name: 'SGD-M', line: '\\cellcolor[HTML]{FDF0E2}SGD-M     & \\clow{75.35}      & 78.82             \\\\',
    values: [75.35, 78.82] },
  { key: 'sgdp', catalogId: null, name: 'SGDP', line: '\\cellcolor[HTML]{FDF0E2}SGDP      & 76.34             & 78.02             \\\\',
    values: [76.34, 78.02] },
  { key: 'lion', catalogId: 'lion', name: 'LION', line: '\\cellcolor[HTML]{FDF0E2}LION      & 78.78             & 78.92             \\\\ \\hline',
    values: [78.78, 78.92] },
  { key: 'adam', catalogId: 'adam', name: 'Adam', line: '\\cellcolor[HTML]{D1F5FF}Adam      & 78.44             & 78.16             \\\\',
    values: [78.44, 78.16] },
  { key: 'adamax', catalogId: null, name: 'Adamax', line: '\\cellcolor[HTML]{D1F5FF}Adamax    & 77.71             & 78.05             \\\\',
    values: [77.71, 78.05] },
  { key: 'nadam', catalogId: null, name: 'NAdam', line: '\\cellcolor[HTML]{D1F5FF}NAdam     & 78.26             & 78.97             \\\\',
    values: [78.26, 78.97] },
  { key: 'adamw', catalogId: 'adamw', name: 'AdamW', line: '\\cellcolor[HTML]{D1F5FF}AdamW     & \\chig{80.38}      & \\chig{79.88}      \\\\',
    values: [80.38, 79.88] },
  { key: 'lamb', catalogId: 'lamb', name: 'LAMB', line: '\\cellcolor[HTML]{D1F5FF}LAMB      & \\chig{80.23}      & \\chig{79.84}      \\\\',
    values: [80.23, 79.84] },
  { key: 'radam', catalogId: null, name: 'RAdam', line: '\\cellcolor[HTML]{D1F5FF}RAdam     & 78.54             & 78.75             \\\\',
    values: [78.54, 78.75] },
  { key: 'adamp', catalogId: null, name: 'AdamP', line: '\\cellcolor[HTML]{D1F5FF}AdamP     & 79.26             & 79.28             \\\\',
    values: [79.26, 79.28] },
  { key: 'adan', catalogId: null, name: 'Adan', line: '\\cellcolor[HTML]{D1F5FF}Adan      & \\chhg{80.81}     & \\chhg{79.91}      \\\\',
    values: [80.81, 79.91] },
  { key: 'adabound', catalogId: null, name: 'AdaBound', line: '\\cellcolor[HTML]{DCF0E2}AdaBound  & \\clow{72.96}      & \\clow{75.37}      \\\\',
    values: [72.96, 75.37] },
  { key: 'lars', catalogId: 'lars', name: 'LARS', line: '\\cellcolor[HTML]{DCF0E2}LARS      & \\clow{73.18}      & 79.66             \\\\',
    values: [73.18, 79.66] },
  { key: 'adafactor', catalogId: 'adafactor', name: 'AdaFactor', line: '\\cellcolor[HTML]{DCF0E2}AdaFactor & 79.98             & 79.36             \\\\',
    values: [79.98, 79.36] },
  { key: 'adabelief', catalogId: null, name: 'AdaBelief', line: '\\cellcolor[HTML]{DCF0E2}AdaBelief & \\clow{75.32}      & 78.25             \\\\',
    values: [75.32, 78.25] },
  { key: 'novograd', catalogId: 'novograd', name: 'NovoGrad', line: '\\cellcolor[HTML]{DCF0E2}NovoGrad  & \\clow{71.26}      & \\clow{76.83}      \\\\',
    values: [71.26, 76.83] },
  { key: 'sophia', catalogId: 'sophia', name: 'Sophia', line: '\\cellcolor[HTML]{DCF0E2}Sophia    & 79.65             & 79.13             \\\\',
    values: [79.65, 79.13] },
  { key: 'adagrad', catalogId: 'adagrad', name: 'AdaGrad', line: '\\cellcolor[HTML]{DBCEE4}AdaGrad   & \\cllw{54.96}      & \\cllw{74.92}      \\\\',
    values: [54.96, 74.92] },
  { key: 'adadelta', catalogId: null, name: 'AdaDelta', line: '\\cellcolor[HTML]{DBCEE4}AdaDelta  & \\clow{74.14}      & \\clow{77.40}      \\\\',
    values: [74.14, 77.4] },
  { key: 'rmsprop', catalogId: 'rmsprop', name: 'RMSProp', line: '\\cellcolor[HTML]{DBCEE4}RMSProp   & 78.03             & 78.04             \\\\',
    values: [78.03, 78.04] },
];

const COCO: readonly LatexTableRow[] = [
  { key: 'sgd-momentum', catalogId: 'sgd-momentum', name: 'SGD-M', line: '\\cellcolor[HTML]{FDF0E2}SGD-M     & \\clow{47.5}                   & 71.6                          & \\clow{38.4}                                  & 36.6                           & \\clow{27.5}                             & \\clow{28.7}                   & \\cllw{23.7}                   & \\clow{34.6}                   & \\clow{27.5}                     & \\clow{37.2}                                  & \\clow{38.5}                                  \\\\',
    values: [47.5, 71.6, 38.4, 36.6, 27.5, 28.7, 23.7, 34.6, 27.5, 37.2, 38.5] },
  { key: 'sgdp', catalogId: null, name: 'SGDP', line: '\\cellcolor[HTML]{FDF0E2}SGDP      & \\clow{47.3}                   & \\cllw{41.2}                   & \\clow{38.9}                                  & 36.6                           & \\cllw{17.6}                             & \\cllw{18.5}                   & \\clow{26.8}                   & \\cllw{26.7}                   & \\cllw{27.4}                     & \\clow{37.2}                                  & \\cllw{22.5}                                  \\\\',
    values: [47.3, 41.2, 38.9, 36.6, 17.6, 18.5, 26.8, 26.7, 27.4, 37.2, 22.5] },
  { key: 'lion', catalogId: 'lion', name: 'LION', line: '\\cellcolor[HTML]{FDF0E2}LION      & 69.5                          & 71.5                          & 71.3                                         & \\clow{32.1}                    & 35.8                                    & 35.4                          & 37.6                          & \\clow{34.6}                   & \\chig{38.8}                     & \\chig{41.9}                                  & 42.8                                         \\\\ \\hline',
    values: [69.5, 71.5, 71.3, 32.1, 35.8, 35.4, 37.6, 34.6, 38.8, 41.9, 42.8] },
  { key: 'adam', catalogId: 'adam', name: 'Adam', line: '\\cellcolor[HTML]{D1F5FF}Adam      & \\chig{69.8}                   & 71.6                          & 72.7                                         & 36.2                           & 36.2                                    & 35.8                          & 38.3                          & 38.4                          & 38.6                            & \\chig{41.9}                                  & 43.1                                         \\\\',
    values: [69.8, 71.6, 72.7, 36.2, 36.2, 35.8, 38.3, 38.4, 38.6, 41.9, 43.1] },
  { key: 'adamax', catalogId: null, name: 'Adamax', line: '\\cellcolor[HTML]{D1F5FF}Adamax    & 69.0                          & 71.2                          & 72.4                                         & \\chig{36.8}                    & 36.8                                    & 36.4                          & 38.3                          & 38.4                          & 38.3                            & 41.5                                         & 42.0                                         \\\\',
    values: [69, 71.2, 72.4, 36.8, 36.8, 36.4, 38.3, 38.4, 38.3, 41.5, 42] },
  { key: 'nadam', catalogId: null, name: 'NAdam', line: '\\cellcolor[HTML]{D1F5FF}NAdam     & 69.7                          & \\chig{71.8}                   & 71.9                                         & 36.0                           & 36.6                                    & 36.1                          & 38.2                          & 38.4                          & 38.7                            & \\chig{41.9}                                  & \\chhg{43.4}                                  \\\\',
    values: [69.7, 71.8, 71.9, 36, 36.6, 36.1, 38.2, 38.4, 38.7, 41.9, 43.4] },
  { key: 'adamw', catalogId: 'adamw', name: 'AdamW', line: '\\cellcolor[HTML]{D1F5FF}AdamW     & \\chig{70.0}                   & \\chig{72.0}                   & \\chhg{72.8}                                  & \\chig{37.1}                    & \\chig{37.1}                             & \\chig{36.7}                   & 38.4                          & \\chhg{39.5}                   & 36.8                            & 41.8                                         & \\chhg{43.4}                                  \\\\',
    values: [70, 72, 72.8, 37.1, 37.1, 36.7, 38.4, 39.5, 36.8, 41.8, 43.4] },
  { key: 'lamb', catalogId: 'lamb', name: 'LAMB', line: '\\cellcolor[HTML]{D1F5FF}LAMB      & 68.5                          & 71.5                          & 71.7                                         & \\chig{36.7}                    & \\chhg{37.5}                             & \\chhg{37.7}                   & \\chhg{38.6}                   & \\chig{38.9}                   & 38.6                            & 41.8                                         & 42.6                                         \\\\',
    values: [68.5, 71.5, 71.7, 36.7, 37.5, 37.7, 38.6, 38.9, 38.6, 41.8, 42.6] },
  { key: 'radam', catalogId: null, name: 'RAdam', line: '\\cellcolor[HTML]{D1F5FF}RAdam     & \\chig{69.8}                   & \\chig{71.8}                   & 72.6                                         & 36.6                           & 36.5                                    & 36.0                          & 38.2                          & 38.4                          & 38.6                            & 41.6                                         & \\chig{43.3}                                  \\\\',
    values: [69.8, 71.8, 72.6, 36.6, 36.5, 36, 38.2, 38.4, 38.6, 41.6, 43.3] },
  { key: 'adamp', catalogId: null, name: 'AdamP', line: '\\cellcolor[HTML]{D1F5FF}AdamP     & 69.7                          & 71.5                          & \\chhg{72.8}                                  & 36.5                           & \\chig{37.2}                             & \\chig{36.5}                   & \\chig{38.5}                   & 38.9                          & \\chig{38.8}                     & 41.7                                         & \\chig{43.3}                                  \\\\',
    values: [69.7, 71.5, 72.8, 36.5, 37.2, 36.5, 38.5, 38.9, 38.8, 41.7, 43.3] },
  { key: 'adan', catalogId: null, name: 'Adan', line: '\\cellcolor[HTML]{D1F5FF}Adan      & 69.7                          & \\chhg{72.1}                   & \\chhg{72.8}                                  & \\chhg{37.7}                    & 37.0                                    & 36.0                          & \\chhg{38.6}                   & \\chig{39.0}                   & \\chhg{39.4}                     & \\chhg{42.0}                                  & 43.2                                         \\\\ \\hline',
    values: [69.7, 72.1, 72.8, 37.7, 37, 36, 38.6, 39, 39.4, 42, 43.2] },
  { key: 'adabound', catalogId: null, name: 'AdaBound', line: '\\cellcolor[HTML]{DCF0E2}AdaBound  & \\cllw{34.0}                   & \\clow{44.9}                   & \\cllw{28.4}                                  & 35.9                           & 34.2                                    & \\clow{31.9}                   & 37.0                          & 35.0                          & 36.7                            & \\clow{38.8}                                  & 41.2                                         \\\\',
    values: [34, 44.9, 28.4, 35.9, 34.2, 31.9, 37, 35, 36.7, 38.8, 41.2] },
  { key: 'lars', catalogId: 'lars', name: 'LARS', line: '\\cellcolor[HTML]{DCF0E2}LARS      & 54.4                          & 63.4                          & \\clow{47.6}                                  & 35.8                           & \\clow{28.9}                             & \\clow{28.8}                   & \\clow{34.7}                   & 36.9                          & 37.3                            & \\clow{34.6}                                  & 40.5                                         \\\\',
    values: [54.4, 63.4, 47.6, 35.8, 28.9, 28.8, 34.7, 36.9, 37.3, 34.6, 40.5] },
  { key: 'adafactor', catalogId: 'adafactor', name: 'AdaFactor', line: '\\cellcolor[HTML]{DCF0E2}AdaFactor & \\chhg{72.8}                   & 71.7                          & 72.7                                         & 35.6                           & \\chig{37.0}                             & 36.4                          & \\chig{38.5}                   & 37.8                          & 38.7                            & 40.5                                         & 43.1                                         \\\\',
    values: [72.8, 71.7, 72.7, 35.6, 37, 36.4, 38.5, 37.8, 38.7, 40.5, 43.1] },
  { key: 'adabelief', catalogId: null, name: 'AdaBelief', line: '\\cellcolor[HTML]{DCF0E2}AdaBelief & 69.6                          & 67.0                          & 61.8                                         & 36.2                           & 34.4                                    & 33.1                          & 36.4                          & 38.2                          & 38.5                            & 40.0                                         & 41.4                                         \\\\',
    values: [69.6, 67, 61.8, 36.2, 34.4, 33.1, 36.4, 38.2, 38.5, 40, 41.4] },
  { key: 'novograd', catalogId: 'novograd', name: 'NovoGrad', line: '\\cellcolor[HTML]{DCF0E2}NovoGrad  & 64.2                          & 70.7                          & 69.8                                         & 35.6                           & \\clow{27.2}                             & \\clow{26.3}                   & 35.2                          & \\clow{28.6}                   & 38.5                            & 40.4                                         & \\clow{39.0}                                  \\\\',
    values: [64.2, 70.7, 69.8, 35.6, 27.2, 26.3, 35.2, 28.6, 38.5, 40.4, 39] },
  { key: 'sophia', catalogId: 'sophia', name: 'Sophia', line: '\\cellcolor[HTML]{DCF0E2}Sophia    & 69.7                          & 71.6                          & 72.3                                         & 36.4                           & 35.8                                    & 35.3                          & 38.0                          & 38.7                          & 37.0                            & 40.4                                         & 42.5                                         \\\\ \\hline',
    values: [69.7, 71.6, 72.3, 36.4, 35.8, 35.3, 38, 38.7, 37, 40.4, 42.5] },
  { key: 'adagrad', catalogId: 'adagrad', name: 'AdaGrad', line: '\\cellcolor[HTML]{DBCEE4}AdaGrad   & 66.0                          & 61.2                          & \\clow{48.4}                                  & \\cllw{26.4}                    & \\clow{21.9}                             & \\clow{28.3}                   & \\clow{32.7}                   & \\clow{27.1}                   & \\clow{33.7}                     & \\cllw{32.9}                                  & \\clow{23.7}                                  \\\\',
    values: [66, 61.2, 48.4, 26.4, 21.9, 28.3, 32.7, 27.1, 33.7, 32.9, 23.7] },
  { key: 'adadelta', catalogId: null, name: 'AdaDelta', line: '\\cellcolor[HTML]{DBCEE4}AdaDelta  & \\clow{44.3}                   & \\clow{49.3}                   & 52.0                                         & 34.9                           & \\clow{32.7}                             & \\clow{32.7}                   & 35.9                          & \\clow{33.9}                   & 36.6                            & 40.0                                         & 41.5                                         \\\\',
    values: [44.3, 49.3, 52, 34.9, 32.7, 32.7, 35.9, 33.9, 36.6, 40, 41.5] },
  { key: 'rmsprop', catalogId: 'rmsprop', name: 'RMSProp', line: '\\cellcolor[HTML]{DBCEE4}RMSProp   & 68.8                          & 71.6                          & 72.5                                         & 35.3                           & 36.2                                    & 35.6                          & 37.8                          & 38.3                          & 38.7                            & 41.5                                         & 43.1                                         \\\\',
    values: [68.8, 71.6, 72.5, 35.3, 36.2, 35.6, 37.8, 38.3, 38.7, 41.5, 43.1] },
];

interface Column {
  readonly id: string;
  readonly header: string;
  readonly task: string;
  readonly family: TaskFamily;
}

const cifarColumn = (id: string, header: string, backbone: string, family: TaskFamily, recipe: 'torch-style' | 'modern'): Column =>
  ({ id: `cifar100-${id}`, header, family, task: `${backbone} trained from scratch on CIFAR-100 (${recipe} training recipe)` });

const CIFAR_COLUMNS: readonly Column[] = [
  cifarColumn('alexnet', 'AlexNet', 'AlexNet', 'cnn', 'torch-style'),
  cifarColumn('vgg13', 'VGG-13', 'VGG-13', 'cnn', 'torch-style'),
  cifarColumn('resnet50', 'R-50', 'ResNet-50', 'cnn', 'torch-style'),
  cifarColumn('densenet121', 'DN-121', 'DenseNet-121', 'cnn', 'torch-style'),
  cifarColumn('mobilenetv2', 'MobV2', 'MobileNet.V2', 'cnn', 'torch-style'),
  cifarColumn('efficientnet-b0', 'Eff-B0', 'EfficientNet-B0', 'cnn', 'modern'),
  cifarColumn('repvgg-a1', 'RVGG-A1', 'RepVGG-A1', 'cnn', 'torch-style'),
  cifarColumn('deit-s', 'DeiT-S', 'DeiT-S (ViT)', 'vit', 'modern'),
  cifarColumn('mlp-s', 'MLP-S', 'MLP-S (token-mixing MLP)', 'vit', 'modern'),
  cifarColumn('swin-t', 'Swin-T', 'Swin-T', 'vit', 'modern'),
  cifarColumn('convnext-t', 'CNX-T', 'ConvNeXt-T', 'cnn', 'modern'),
  cifarColumn('convnextv2-t', 'CNXV2-T', 'ConvNeXtV2-T', 'cnn', 'modern'),
  cifarColumn('moganet-s', 'Moga-S', 'MogaNet-S', 'cnn', 'modern'),
  cifarColumn('unireplknet-t', 'URLK-T', 'UniRepLKNet-T', 'cnn', 'modern'),
  cifarColumn('transnext-t', 'TNX-T', 'TransNeXt-T', 'vit', 'modern'),
  cifarColumn('identityformer-s12', 'IF-12', 'IdentityFormer-S12 (MetaFormer, identity mixer)', 'cnn', 'modern'),
  cifarColumn('poolformerv2-s12', 'PFV2-12', 'PoolFormerV2-S12 (MetaFormer, pooling mixer)', 'cnn', 'modern'),
  cifarColumn('convformer-s12', 'CF-12', 'ConvFormer-S12 (MetaFormer, convolution mixer)', 'cnn', 'modern'),
  cifarColumn('attentionformer-s12', 'AF-12', 'AttentionFormer-S12 (MetaFormer, attention mixer)', 'vit', 'modern'),
  cifarColumn('caformer-s12', 'CAF-12', 'CAFormer-S12 (MetaFormer, convolution and attention mixers)', 'vit', 'modern'),
];

const IN1K_COLUMNS: readonly Column[] = [
  { id: 'in1k-deit-s', header: 'DeiT-S (DeiT)', family: 'vit', task: 'DeiT-S trained from scratch on ImageNet-1K, 300 epochs, DeiT recipe' },
  { id: 'in1k-resnet50', header: 'R-50 (A2)', family: 'cnn', task: 'ResNet-50 trained from scratch on ImageNet-1K, 300 epochs, RSB A2 recipe' },
];

const pose = (id: string, header: string, backbone: string, family: TaskFamily): Column =>
  ({ id: `coco-pose-${id}`, header: `2D Pose Estimation, ${header}`, family, task: `COCO 2D pose estimation (TopDown), fine-tuning a ${backbone}` });
const det = (id: string, header: string, backbone: string, family: TaskFamily): Column =>
  ({ id: `coco-det-${id}`, header: `Object Detection, ${header}`, family, task: `COCO object detection (RetinaNet), fine-tuning a ${backbone}` });

const COCO_COLUMNS: readonly Column[] = [
  pose('vgg-sgd', 'VGG (SGD)', 'VGG pre-trained with SGD', 'cnn'),
  pose('resnet50-sgd', 'R-50 (SGD)', 'ResNet-50 pre-trained with SGD', 'cnn'),
  pose('swin-t-adamw', 'Swin-T (AdamW)', 'Swin-T pre-trained with AdamW', 'vit'),
  det('resnet50-sgd', 'R-50 (SGD)', 'ResNet-50 pre-trained with SGD (100 epochs)', 'cnn'),
  det('resnet50-lars', 'R-50 (LARS)', 'ResNet-50 pre-trained with LARS (100 epochs)', 'cnn'),
  det('resnet50-rsb-a3', 'R-50 (A3)', 'ResNet-50 pre-trained with RSB A3 (100 epochs)', 'cnn'),
  det('resnet50-rsb-a2', 'R-50 (A2)', 'ResNet-50 pre-trained with RSB A2 (300 epochs)', 'cnn'),
  det('resnet50-rsb-a1', 'R-50 (A1)', 'ResNet-50 pre-trained with RSB A1 (600 epochs)', 'cnn'),
  det('resnet50-adan', 'R-50 (Adan)', 'ResNet-50 pre-trained with Adan (300 epochs)', 'cnn'),
  det('swin-t-adamw', 'Swin-T (AdamW)', 'Swin-T pre-trained with AdamW', 'vit'),
  det('convnext-t-adamw', 'CNX-T (AdamW)', 'ConvNeXt-T pre-trained with AdamW', 'cnn'),
];

interface Table {
  readonly file: string;
  readonly rows: readonly LatexTableRow[];
  readonly columns: readonly Column[];
  readonly fineTune: boolean;
  readonly budget: string;
  readonly metric: string;
}

const TABLES: readonly Table[] = [
  { file: 'tab_cifar100_backbone.tex', rows: CIFAR100_BACKBONE, columns: CIFAR_COLUMNS, fineTune: false, budget: 'equal training recipe per backbone; learning rate and weight decay tuned per optimizer and backbone', metric: 'CIFAR-100 top-1 accuracy (%)' },
  { file: 'tab_in1k.tex', rows: IN1K, columns: IN1K_COLUMNS, fineTune: false, budget: 'equal epochs (300) and recipe per backbone; hyperparameters per optimizer', metric: 'ImageNet-1K top-1 accuracy (%)' },
  { file: 'tab_coco.tex', rows: COCO, columns: COCO_COLUMNS, fineTune: true, budget: 'equal fine-tuning schedule per column; the pre-trained backbone fixed per column', metric: 'COCO mAP or AP50 (%) (the caption: "evaluated by mAP (%) and AP$^{50}$ (%)")' },
];

const settings: Setting[] = [];
const rows: Measurement[] = [];
for (const table of TABLES) {
  table.columns.forEach((c, i) => {
    settings.push(setting({
      id: c.id,
      locator: `benchmark/${table.file}, column ${c.header}`,
      task: c.task,
      family: c.family,
      modality: 'image',
      params: null,
      fineTune: table.fineTune,
      tuning: 'per-optimizer',
      budget: table.budget,
      metric: { name: table.metric, kind: 'final', better: 'higher', basis: 'equal-budget' },
      reference: c.family === 'cnn' ? 'sgd-momentum' : 'adamw',
    }));
    for (const r of table.rows) {
      const optimizer: MeasuredOptimizer = opt(r.key, r.catalogId, r.name);
      rows.push(measured(c.id, optimizer, r.values[i]!, r.line));
    }
  });
}

export const LI_2024_BOCB: MeasurementSource = {
  id: 'li-2024-bocb',
  cite: 'Li et al. 2024 (backbone-optimizer coupling)',
  title: 'Unveiling the Backbone-Optimizer Coupling Bias in Visual Representation Learning',
  authors: 'Siyuan Li, Juanxi Tian, Zedong Wang, Luyuan Zhang, Zicheng Liu, Weiyang Jin, Yang Liu, Baigui Sun, Stan Z. Li',
  year: 2024,
  venue: 'arXiv 2410.06373',
  readAt: `${TREE}/tab_cifar100_backbone.tex, ${TREE}/tab_in1k.tex and ${TREE}/tab_coco.tex (the paper's tables as LaTeX, in a repository of one of its authors)`,
  url: 'https://arxiv.org/abs/2410.06373',
  proposes: [],
  settings,
  rows,
};
