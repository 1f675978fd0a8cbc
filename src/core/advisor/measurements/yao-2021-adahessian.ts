/**
 * Yao, Gholami, Shen, Mustafa, Keutzer, Mahoney (2021), "ADAHESSIAN: An Adaptive Second Order Optimizer
 * for Machine Learning" (AAAI 2021, arXiv 2006.00719): the abstract's stated gains over Adam, AdamW
 * and Adagrad, each a difference from that reference (so the reference's value is 0). The later
 * version of the abstract is used (0.13/0.33 BLEU, 2.7/1.0 perplexity, SqueezeBERT); an earlier one
 * stated 0.27 BLEU and 1.8 perplexity on IWSLT14 and PTB. The abstract does not name the ImageNet
 * model or the language models' sizes. Self-reported.
 */
import { measured, opt, setting } from './build';
import type { MeasurementSource, Setting } from './types';

const ABSTRACT =
  'In particular, we perform extensive tests on CV, NLP, and recommendation system tasks and find that ADAHESSIAN: (i) achieves ' +
  '1.80%/1.45% higher accuracy on ResNets20/32 on Cifar10, and 5.55% higher accuracy on ImageNet as compared to Adam; (ii) ' +
  'outperforms AdamW for transformers by 0.13/0.33 BLEU score on IWSLT14/WMT14 and 2.7/1.0 PPL on PTB/Wikitext-103; (iii) ' +
  'outperforms AdamW for SqueezeBert by 0.41 points on GLUE; and (iv) achieves 0.032% better score than Adagrad for DLRM on the ' +
  'Criteo Ad Kaggle dataset.';

const ADAHESSIAN = opt('adahessian', 'adahessian', 'ADAHESSIAN');

const gain = (id: string, task: string, family: Setting['family'], modality: Setting['modality'], metric: string, reference: string, referenceName: string): Setting => setting({
  id,
  locator: 'Abstract',
  task,
  family,
  modality,
  params: null,
  fineTune: false,
  tuning: 'per-optimizer',
  budget: 'equal budget',
  metric: { name: metric, kind: 'final', better: 'higher', basis: 'equal-budget' },
  reference,
  referenceName,
  referenceValue: 0,
});

export const YAO_2021_ADAHESSIAN: MeasurementSource = {
  id: 'yao-2021-adahessian',
  cite: 'Yao et al. 2021 (AdaHessian)',
  title: 'ADAHESSIAN: An Adaptive Second Order Optimizer for Machine Learning',
  authors: 'Zhewei Yao, Amir Gholami, Sheng Shen, Mustafa Mustafa, Kurt Keutzer, Michael W. Mahoney',
  year: 2021,
  venue: 'AAAI 2021 (arXiv 2006.00719)',
  readAt: 'https://www.paperswithcode.com/paper/adahessian-an-adaptive-second-order-optimizer (abstract)',
  url: 'https://arxiv.org/abs/2006.00719',
  proposes: ['adahessian'],
  settings: [
    gain('cifar10-resnet20', 'ResNet-20 on CIFAR-10', 'cnn', 'image', 'test accuracy gain over Adam (percentage points)', 'adam', 'Adam'),
    gain('cifar10-resnet32', 'ResNet-32 on CIFAR-10', 'cnn', 'image', 'test accuracy gain over Adam (percentage points)', 'adam', 'Adam'),
    gain('imagenet', 'ImageNet classification (model not named in the abstract)', 'cnn', 'image', 'accuracy gain over Adam (percentage points)', 'adam', 'Adam'),
    gain('iwslt14', 'Transformer machine translation on IWSLT14', 'encoder-decoder-lm', 'text', 'BLEU gain over AdamW', 'adamw', 'AdamW'),
    gain('wmt14', 'Transformer machine translation on WMT14', 'encoder-decoder-lm', 'text', 'BLEU gain over AdamW', 'adamw', 'AdamW'),
    gain('ptb', 'Transformer language modeling on PTB', 'decoder-lm', 'text', 'perplexity reduction relative to AdamW', 'adamw', 'AdamW'),
    gain('wikitext-103', 'Transformer language modeling on Wikitext-103', 'decoder-lm', 'text', 'perplexity reduction relative to AdamW', 'adamw', 'AdamW'),
    gain('squeezebert-glue', 'SqueezeBERT, GLUE', 'encoder-lm', 'text', 'GLUE score gain over AdamW (points)', 'adamw', 'AdamW'),
    gain('dlrm-criteo', 'DLRM recommendation model on the Criteo Ad Kaggle dataset', 'workload-suite', 'mixed', 'score gain over Adagrad (%)', 'adagrad', 'Adagrad'),
  ],
  rows: [
    measured('cifar10-resnet20', ADAHESSIAN, 1.8, ABSTRACT),
    measured('cifar10-resnet32', ADAHESSIAN, 1.45, ABSTRACT),
    measured('imagenet', ADAHESSIAN, 5.55, ABSTRACT),
    measured('iwslt14', ADAHESSIAN, 0.13, ABSTRACT),
    measured('wmt14', ADAHESSIAN, 0.33, ABSTRACT),
    measured('ptb', ADAHESSIAN, 2.7, ABSTRACT),
    measured('wikitext-103', ADAHESSIAN, 1, ABSTRACT),
    measured('squeezebert-glue', ADAHESSIAN, 0.41, ABSTRACT),
    measured('dlrm-criteo', ADAHESSIAN, 0.032, ABSTRACT),
  ],
};

