/**
 * The sources the decision tree cites, as typed data. Each entry supports ONE claim, stated
 * qualitatively or with the source's own words quoted exactly (with a locator). No figure here is
 * ours: a number appears only inside a quotation of the source or as a documented default value.
 */

export type EvidenceKind = 'paper' | 'docs' | 'code' | 'computed';

export interface Evidence {
  readonly kind: EvidenceKind;
  readonly title: string;
  readonly authors: string;
  readonly year: number;
  readonly url: string;
  /** Where inside the source the claim is made ("Section 5.1", "Abstract", a file path). */
  readonly locator: string;
  /** The specific claim this entry supports, in our words. */
  readonly claim: string;
  /** The source's own words, quoted exactly, when the claim carries a figure or a strong statement. */
  readonly quote?: string;
}

function entries<K extends string>(e: { readonly [id in K]: Evidence }): { readonly [id in K]: Evidence } {
  return e;
}

export const EVIDENCE = entries({
  // ---- Adaptive methods and their defaults --------------------------------------------------
  'loshchilov-2019-adamw': {
    kind: 'paper',
    title: 'Decoupled Weight Decay Regularization',
    authors: 'Ilya Loshchilov, Frank Hutter',
    year: 2019,
    url: 'https://arxiv.org/abs/1711.05101',
    locator: 'Abstract; Section 2 (ICLR 2019)',
    claim:
      'L2 regularisation and weight decay are not equivalent for Adam; decoupling the weight decay from the ' +
      'gradient-based update (AdamW) improves Adam\'s generalisation, which is why AdamW is the default for transformers.',
  },
  'hf-trainer-defaults': {
    kind: 'docs',
    title: 'Transformers documentation: TrainingArguments',
    authors: 'Hugging Face',
    year: 2024,
    url: 'https://huggingface.co/docs/transformers/main_classes/trainer#transformers.TrainingArguments',
    locator: 'TrainingArguments: optim, learning_rate, weight_decay, adam_beta1, adam_beta2, adam_epsilon, lr_scheduler_type, warmup_ratio',
    claim:
      'The Trainer optimises with AdamW by default (optim="adamw_torch"), with learning_rate=5e-5, weight_decay=0.0, ' +
      'adam_beta1=0.9, adam_beta2=0.999, adam_epsilon=1e-8, a linear schedule and no warmup.',
  },
  'zhang-2020-attention-adaptive': {
    kind: 'paper',
    title: 'Why are Adaptive Methods Good for Attention Models?',
    authors: 'Jingzhao Zhang, Sai Praneeth Karimireddy, Andreas Veit, Seungyeon Kim, Sashank J. Reddi, Sanjiv Kumar, Suvrit Sra',
    year: 2020,
    url: 'https://arxiv.org/abs/1912.03194',
    locator: 'Abstract (NeurIPS 2020)',
    claim:
      'Adaptive methods such as Adam outperform SGD on attention models; the paper attributes SGD\'s poor ' +
      'performance there to heavy-tailed gradient noise.',
  },
  'shazeer-2018-adafactor': {
    kind: 'paper',
    title: 'Adafactor: Adaptive Learning Rates with Sublinear Memory Cost',
    authors: 'Noam Shazeer, Mitchell Stern',
    year: 2018,
    url: 'https://arxiv.org/abs/1804.04235',
    locator: 'Abstract; Sections 3-4 (ICML 2018)',
    claim:
      'Adafactor keeps only per-row and per-column running averages of the squared gradient for each weight matrix ' +
      '(memory sublinear in the matrix size) and can drop the first moment, so its state is far smaller than Adam\'s.',
  },
  'shazeer-2018-update-clipping': {
    kind: 'paper',
    title: 'Adafactor: Adaptive Learning Rates with Sublinear Memory Cost',
    authors: 'Noam Shazeer, Mitchell Stern',
    year: 2018,
    url: 'https://arxiv.org/abs/1804.04235',
    locator: 'Section 6 (update clipping) and Section 7 (relative step size)',
    claim:
      'Update clipping (capping the root-mean-square of each update) and relative step sizes are introduced to keep ' +
      'training stable without momentum.',
  },
  'hf-adafactor-docs': {
    kind: 'docs',
    title: 'Transformers documentation: Optimization, Adafactor (PyTorch)',
    authors: 'Hugging Face',
    year: 2024,
    url: 'https://huggingface.co/docs/transformers/main_classes/optimizer_schedules#transformers.Adafactor',
    locator: 'transformers.Adafactor docstring, "Recommended T5 finetuning settings"',
    claim:
      'For fine-tuning, others reported Adafactor(scale_parameter=False, relative_step=False, warmup_init=False, ' +
      'lr=1e-3) to work well; to use an external learning-rate schedule set scale_parameter=False and ' +
      'relative_step=False; training without LR warmup or clip_threshold is not recommended. Defaults: lr=None, ' +
      'eps=(1e-30, 1e-3), clip_threshold=1.0, decay_rate=-0.8, beta1=None, weight_decay=0.0, scale_parameter=True, ' +
      'relative_step=True, warmup_init=False.',
  },
  'luo-2023-came': {
    kind: 'paper',
    title: 'CAME: Confidence-guided Adaptive Memory Efficient Optimization',
    authors: 'Yang Luo, Xiaozhe Ren, Zangwei Zheng, Zhuo Jiang, Xin Jiang, Yang You',
    year: 2023,
    url: 'https://arxiv.org/abs/2307.02047',
    locator: 'Abstract (ACL 2023)',
    claim:
      'CAME keeps Adafactor-style factored second-moment statistics (so a similar memory footprint) and adds a ' +
      'confidence-guided correction aimed at Adam-like convergence.',
  },
  'dettmers-2022-8bit': {
    kind: 'paper',
    title: '8-bit Optimizers via Block-wise Quantization',
    authors: 'Tim Dettmers, Mike Lewis, Sam Shleifer, Luke Zettlemoyer',
    year: 2022,
    url: 'https://arxiv.org/abs/2110.02861',
    locator: 'Section "Discussion & Limitations" (ICLR 2022)',
    claim: 'Block-wise quantised 8-bit optimizer states keep 32-bit optimizer performance with the same hyperparameters.',
    quote:
      'high precision quantization can yield 8-bit optimizers that maintain 32-bit optimizer performance without ' +
      'requiring any change in hyperparameters',
  },
  'zhang-2024-adam-mini': {
    kind: 'paper',
    title: 'Adam-mini: Use Fewer Learning Rates To Gain More',
    authors: 'Yushun Zhang, Congliang Chen, Ziniu Li, Tian Ding, Chenwei Wu, Diederik P. Kingma, Yinyu Ye, Zhi-Quan Luo, Ruoyu Sun',
    year: 2024,
    url: 'https://arxiv.org/abs/2406.16793',
    locator: 'Abstract',
    claim:
      'Adam-mini assigns one second-moment value per parameter block instead of per parameter, removing most of ' +
      'Adam\'s second-moment state while aiming to match AdamW.',
  },
  'zhao-2024-galore': {
    kind: 'paper',
    title: 'GaLore: Memory-Efficient LLM Training by Gradient Low-Rank Projection',
    authors: 'Jiawei Zhao, Zhenyu Zhang, Beidi Chen, Zhangyang Wang, Anima Anandkumar, Yuandong Tian',
    year: 2024,
    url: 'https://arxiv.org/abs/2403.03507',
    locator: 'Abstract (ICML 2024)',
    claim: 'Projecting gradients to a low-rank subspace shrinks optimizer state while training all weights.',
    quote: 'Our approach reduces memory usage by up to 65.5% in optimizer states',
  },
  // ---- Sign / large-batch methods -------------------------------------------------------------
  'chen-2023-lion-memory': {
    kind: 'paper',
    title: 'Symbolic Discovery of Optimization Algorithms',
    authors: 'Xiangning Chen, Chen Liang, Da Huang, Esteban Real, Kaiyuan Wang, Hieu Pham, Xuanyi Dong, Thang Luong, Cho-Jui Hsieh, Yifeng Lu, Quoc V. Le',
    year: 2023,
    url: 'https://arxiv.org/abs/2302.06675',
    locator: 'Abstract (NeurIPS 2023)',
    claim: 'Lion keeps only the momentum, one state tensor per parameter instead of Adam\'s two.',
    quote: 'It is more memory-efficient than Adam as it only keeps track of the momentum.',
  },
  'chen-2023-lion-batch': {
    kind: 'paper',
    title: 'Symbolic Discovery of Optimization Algorithms',
    authors: 'Xiangning Chen, Chen Liang, Da Huang, Esteban Real, Kaiyuan Wang, Hieu Pham, Xuanyi Dong, Thang Luong, Cho-Jui Hsieh, Yifeng Lu, Quoc V. Le',
    year: 2023,
    url: 'https://arxiv.org/abs/2302.06675',
    locator: 'Abstract (NeurIPS 2023)',
    claim: 'Lion\'s advantage over Adam grows with the training batch size.',
    quote: 'Our analysis of Lion reveals that its performance gain grows with the training batch size.',
  },
  'chen-2023-lion-hyperparameters': {
    kind: 'paper',
    title: 'Symbolic Discovery of Optimization Algorithms',
    authors: 'Xiangning Chen, Chen Liang, Da Huang, Esteban Real, Kaiyuan Wang, Hieu Pham, Xuanyi Dong, Thang Luong, Cho-Jui Hsieh, Yifeng Lu, Quoc V. Le',
    year: 2023,
    url: 'https://arxiv.org/abs/2302.06675',
    locator: 'Section 5 (hyperparameter tuning)',
    claim:
      'Lion needs a learning rate 3-10x smaller than AdamW and a decoupled weight decay 3-10x larger (keeping ' +
      'lr x weight decay similar); its default betas are (0.9, 0.99).',
    quote:
      'Based on our experience, a suitable learning rate for Lion is typically 3-10x smaller than that for AdamW. ' +
      'Since the effective weight decay is lr * λ, the value of decoupled weight decay λ used for Lion is 3-10x ' +
      'larger than that for AdamW in order to maintain a similar strength.',
  },
  'you-2020-lamb': {
    kind: 'paper',
    title: 'Large Batch Optimization for Deep Learning: Training BERT in 76 minutes',
    authors: 'Yang You, Jing Li, Sashank Reddi, Jonathan Hseu, Sanjiv Kumar, Srinadh Bhojanapalli, Xiaodan Song, James Demmel, Kurt Keutzer, Cho-Jui Hsieh',
    year: 2020,
    url: 'https://arxiv.org/abs/1904.00962',
    locator: 'Abstract (ICLR 2020; arXiv v1 for the 8192 remark)',
    claim:
      'Earlier large-batch techniques degrade for BERT beyond a batch of 8192; LAMB\'s layer-wise adaptation keeps ' +
      'accuracy at far larger batches, for BERT and for ResNet-50.',
    quote:
      'Previous large-batch training techniques do not perform well for BERT when we scale the batch size (e.g. ' +
      'beyond 8192).',
  },
  'you-2017-lars': {
    kind: 'paper',
    title: 'Large Batch Training of Convolutional Networks',
    authors: 'Yang You, Igor Gitman, Boris Ginsburg',
    year: 2017,
    url: 'https://arxiv.org/abs/1708.03888',
    locator: 'Abstract',
    claim:
      'Layer-wise adaptive rate scaling (LARS) trains CNNs at very large batches where plain SGD with the linear ' +
      'scaling rule loses accuracy; LAMB is its Adam-based successor.',
  },
  'chen-2020-simclr-lars': {
    kind: 'paper',
    title: 'A Simple Framework for Contrastive Learning of Visual Representations (SimCLR)',
    authors: 'Ting Chen, Simon Kornblith, Mohammad Norouzi, Geoffrey Hinton',
    year: 2020,
    url: 'https://arxiv.org/abs/2002.05709',
    locator: 'Section 2.2 (default setting)',
    claim:
      'SimCLR trains with LARS at learning rate 0.3 x BatchSize/256 (4.8 at batch 4096), weight decay 1e-6, with linear ' +
      'warmup and cosine decay; biases and batch-norm parameters are left out of the adaptation and the decay.',
  },
  'goyal-2017-large-minibatch': {
    kind: 'paper',
    title: 'Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour',
    authors: 'Priya Goyal, Piotr Dollár, Ross Girshick, Pieter Noordhuis, Lukasz Wesolowski, Aapo Kyrola, Andrew Tulloch, Yangqing Jia, Kaiming He',
    year: 2017,
    url: 'https://arxiv.org/abs/1706.02677',
    locator: 'Abstract',
    claim: 'SGD with the linear scaling rule and gradual warmup keeps ResNet-50 accuracy up to a batch of 8192 images.',
    quote: 'we show no loss of accuracy when training with large minibatch sizes up to 8192 images',
  },
  'goyal-2017-recipe': {
    kind: 'paper',
    title: 'Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour',
    authors: 'Priya Goyal, Piotr Dollár, Ross Girshick, Pieter Noordhuis, Lukasz Wesolowski, Aapo Kyrola, Andrew Tulloch, Yangqing Jia, Kaiming He',
    year: 2017,
    url: 'https://arxiv.org/abs/1706.02677',
    locator: 'Sections 2.1, 2.2 and 5.1',
    claim:
      'Linear scaling rule: learning rate 0.1 x batch/256; gradual warmup over 5 epochs for large batches; Nesterov ' +
      'momentum 0.9 ("standard momentum ... is equally effective"); weight decay 0.0001; 90 epochs with the rate ' +
      'divided by 10 at epochs 30, 60 and 80.',
    quote:
      'We use Nesterov momentum [29] with m of 0.9 following [12] but note that standard momentum as was used in ' +
      '[16] is equally effective. We use a weight decay λ of 0.0001',
  },
  'he-2016-resnet': {
    kind: 'paper',
    title: 'Deep Residual Learning for Image Recognition',
    authors: 'Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun',
    year: 2016,
    url: 'https://arxiv.org/abs/1512.03385',
    locator: 'Section 3.4 (Implementation)',
    claim:
      'ResNets are trained with SGD with momentum 0.9, weight decay 0.0001, batch 256 and learning rate 0.1 divided ' +
      'by 10 when the error plateaus.',
  },
  'wilson-2017-marginal-value': {
    kind: 'paper',
    title: 'The Marginal Value of Adaptive Gradient Methods in Machine Learning',
    authors: 'Ashia C. Wilson, Rebecca Roelofs, Mitchell Stern, Nathan Srebro, Benjamin Recht',
    year: 2017,
    url: 'https://arxiv.org/abs/1705.08292',
    locator: 'Abstract (NeurIPS 2017)',
    claim:
      'On the image-classification and language tasks studied, solutions found by adaptive methods generalised ' +
      'worse than those found by (momentum) SGD, even with better training loss.',
  },
  // ---- Benchmarks --------------------------------------------------------------------------------
  'schmidt-2021-crowded-valley': {
    kind: 'paper',
    title: 'Descending through a Crowded Valley - Benchmarking Deep Learning Optimizers',
    authors: 'Robin M. Schmidt, Frank Schneider, Philipp Hennig',
    year: 2021,
    url: 'https://arxiv.org/abs/2007.01547',
    locator: 'Abstract (ICML 2021)',
    claim:
      'No optimizer clearly dominates across tasks; trying several optimizers at their default settings works about ' +
      'as well as tuning one; Adam remains a strong contender.',
    quote:
      'evaluating multiple optimizers with default parameters works approximately as well as tuning the ' +
      'hyperparameters of a single, fixed optimizer',
  },
  'dahl-2023-algoperf': {
    kind: 'paper',
    title: 'Benchmarking Neural Network Training Algorithms',
    authors: 'George E. Dahl, Frank Schneider, Zachary Nado, Naman Agarwal, Chandramouli Shama Sastry, Philipp Hennig, Sourabh Medapati, et al.',
    year: 2023,
    url: 'https://arxiv.org/abs/2306.07179',
    locator: 'Sections 1-4',
    claim:
      'AlgoPerf compares training algorithms by wall-clock time to a target result on fixed hardware across several ' +
      'workloads, under an external-tuning and a self-tuning ruleset.',
  },
  'kasimbeg-2025-algoperf-shampoo': {
    kind: 'paper',
    title: 'Accelerating Neural Network Training: An Analysis of the AlgoPerf Competition',
    authors: 'Priya Kasimbeg, Frank Schneider, Runa Eschenhagen, Juhan Bae, Chandramouli Shama Sastry, Mark Saroufim, Boyuan Feng, Less Wright, Edward Z. Yang, Zachary Nado, Sourabh Medapati, Philipp Hennig, Michael Rabbat, George E. Dahl',
    year: 2025,
    url: 'https://arxiv.org/abs/2502.15015',
    locator: 'Abstract, finding (1) (ICLR 2025)',
    claim: 'A Distributed Shampoo submission won the external-tuning ruleset of the AlgoPerf v0.5 competition.',
    quote:
      'The winning submission in the external tuning ruleset, using Distributed Shampoo, demonstrates the ' +
      'effectiveness of non-diagonal preconditioning over popular methods like Adam, even when compared on ' +
      'wall-clock runtime.',
  },
  'kasimbeg-2025-algoperf-schedule-free': {
    kind: 'paper',
    title: 'Accelerating Neural Network Training: An Analysis of the AlgoPerf Competition',
    authors: 'Priya Kasimbeg, Frank Schneider, Runa Eschenhagen, Juhan Bae, Chandramouli Shama Sastry, Mark Saroufim, Boyuan Feng, Less Wright, Edward Z. Yang, Zachary Nado, Sourabh Medapati, Philipp Hennig, Michael Rabbat, George E. Dahl',
    year: 2025,
    url: 'https://arxiv.org/abs/2502.15015',
    locator: 'Abstract, finding (2) (ICLR 2025)',
    claim:
      'A Schedule-Free AdamW submission won the self-tuning (hyperparameter-free) ruleset of the AlgoPerf v0.5 ' +
      'competition.',
    quote:
      'The winning submission in the self-tuning ruleset, based on the Schedule Free AdamW algorithm, demonstrates ' +
      'a new level of effectiveness for completely hyperparameter-free training algorithms.',
  },
  'shi-2023-distributed-shampoo': {
    kind: 'code',
    title: 'PyTorch Distributed Shampoo (README: How to Use, Example 4: AdamW)',
    authors: 'Hao-Jun Michael Shi, Tsung-Hsien Lee, Shintaro Iwasaki, et al. (Meta)',
    year: 2023,
    url: 'https://github.com/facebookresearch/optimizers/blob/3300fa1d6238565e81d4d57b5c9ea4c5f8caf410/distributed_shampoo/README.md',
    locator: 'distributed_shampoo/README.md, "How to Use" and "Example 4"',
    claim:
      'Replace AdamW by Shampoo with Adam grafting, keeping the previous learning-rate schedule, betas and weight ' +
      'decay; set epsilon=1e-12, grafting_epsilon to the previous epsilon and grafting_beta2 to betas[1].',
  },
  'defazio-2024-schedule-free': {
    kind: 'paper',
    title: 'The Road Less Scheduled',
    authors: 'Aaron Defazio, Xingyu (Alice) Yang, Harsh Mehta, Konstantin Mishchenko, Ahmed Khaled, Ashok Cutkosky',
    year: 2024,
    url: 'https://arxiv.org/abs/2405.15682',
    locator: 'NeurIPS 2024; facebookresearch/schedule_free README, "Caveats"',
    claim:
      'Schedule-Free AdamW needs no decaying schedule (warmup is still recommended) and has the same memory as the ' +
      'base optimizer; for AdamW, learning rates 1x-10x larger than with a schedule are reported to work.',
    quote: 'For AdamW, learning rates in the range 1x-10x larger than with schedule-based approaches seem to work.',
  },
  'jordan-2024-muon': {
    kind: 'docs',
    title: 'Muon: An optimizer for hidden layers in neural networks',
    authors: 'Keller Jordan, Yuchen Jin, Vlado Boza, Jiacheng You, Franz Cesista, Laker Newhouse, Jeremy Bernstein',
    year: 2024,
    url: 'https://kellerjordan.github.io/posts/muon/',
    locator: 'Blog post; KellerJordan/Muon muon.py docstring',
    claim:
      'Muon (momentum orthogonalised by Newton-Schulz) set training-speed records in the NanoGPT and CIFAR-10 ' +
      'speedruns; it is meant only for hidden 2-D weights, with embeddings, heads, gains and biases left to AdamW.',
    quote:
      'Muon should only be used for hidden weight layers. The input embedding, final output layer, and any ' +
      'internal gains or biases should be optimized using a standard method such as AdamW.',
  },
  'liu-2025-muon-scalable': {
    kind: 'paper',
    title: 'Muon is Scalable for LLM Training',
    authors: 'Jingyuan Liu, Jianlin Su, Xingcheng Yao, Zhejun Jiang, Guokun Lai, Yulun Du, et al. (Moonshot AI)',
    year: 2025,
    url: 'https://arxiv.org/abs/2502.16982',
    locator: 'Abstract; MoonshotAI/Moonlight examples/toy_train.py (Muon(lr, wd=0.1), adjust_lr_for_muon: lr * 0.2 * sqrt(max(A, B)))',
    claim:
      'Muon scales to large LLMs with decoupled weight decay (0.1 in the released code) and its update scaled to ' +
      'AdamW\'s RMS (0.2 * sqrt(max(A, B)) per matrix), which lets it reuse the learning rate and weight decay tuned for AdamW.',
    quote:
      'We identify two crucial techniques for scaling up Muon: (1) adding weight decay and (2) carefully adjusting the ' +
      'per-parameter update scale. These techniques allow Muon to work out-of-the-box on large-scale training without ' +
      'the need of hyper-parameter tuning.',
  },
  'yao-2021-adahessian': {
    kind: 'paper',
    title: 'ADAHESSIAN: An Adaptive Second Order Optimizer for Machine Learning',
    authors: 'Zhewei Yao, Amir Gholami, Sheng Shen, Mustafa Mustafa, Kurt Keutzer, Michael W. Mahoney',
    year: 2021,
    url: 'https://arxiv.org/abs/2006.00719',
    locator: 'Section 3 (AAAI 2021)',
    claim:
      'AdaHessian estimates the Hessian diagonal with Hutchinson\'s method, which needs a Hessian-vector product: ' +
      'a second backward pass through a graph built with create_graph=True.',
  },
  'liu-2023-sophia': {
    kind: 'paper',
    title: 'Sophia: A Scalable Stochastic Second-order Optimizer for Language Model Pre-training',
    authors: 'Hong Liu, Zhiyuan Li, David Hall, Percy Liang, Tengyu Ma',
    year: 2023,
    url: 'https://arxiv.org/abs/2305.14342',
    locator: 'Section 2 and Algorithms 1-3 (ICLR 2024)',
    claim:
      'Sophia refreshes a diagonal Hessian estimate every k steps with an extra estimator pass (Hutchinson or ' +
      'Gauss-Newton-Bartlett), which the training loop has to call in addition to the usual backward.',
  },
  // ---- Fine-tuning and pre-training recipes ---------------------------------------------------------
  'brown-2020-gpt3': {
    kind: 'paper',
    title: 'Language Models are Few-Shot Learners',
    authors: 'Tom B. Brown, Benjamin Mann, Nick Ryder, Melanie Subbiah, et al.',
    year: 2020,
    url: 'https://arxiv.org/abs/2005.14165',
    locator: 'Table 2.1 (learning rate by model size) and Appendix B (training details)',
    claim:
      'GPT-3 models were pre-trained with Adam (beta1=0.9, beta2=0.95, eps=1e-8), weight decay 0.1, linear warmup ' +
      'over the first 375 million tokens and cosine decay to 10% of the peak rate; the peak learning rate per model ' +
      'size is listed in Table 2.1.',
    quote:
      'There is a linear LR warmup over the first 375 million tokens. [...] All models use weight decay of 0.1 to ' +
      'provide a small amount of regularization',
  },
  'devlin-2019-bert': {
    kind: 'paper',
    title: 'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding',
    authors: 'Jacob Devlin, Ming-Wei Chang, Kenton Lee, Kristina Toutanova',
    year: 2019,
    url: 'https://arxiv.org/abs/1810.04805',
    locator: 'Appendix A.2 (pre-training procedure) and A.3 (fine-tuning procedure)',
    claim:
      'BERT was pre-trained with Adam at learning rate 1e-4, beta1=0.9, beta2=0.999, L2 weight decay 0.01, warmup ' +
      'over the first 10,000 steps and linear decay; fine-tuning searched learning rates among 5e-5, 3e-5 and 2e-5.',
  },
  'bert-reference-code': {
    kind: 'code',
    title: 'google-research/bert: optimization.py and run_classifier.py',
    authors: 'Google Research',
    year: 2018,
    url: 'https://github.com/google-research/bert/blob/eedf5716ce1268e56f0a50264a88cafad334ac61/optimization.py',
    locator: 'optimization.py create_optimizer(); run_classifier.py flags learning_rate, warmup_proportion',
    claim:
      'The reference fine-tuning code uses AdamWeightDecayOptimizer with weight_decay_rate=0.01, beta_1=0.9, ' +
      'beta_2=0.999, epsilon=1e-6, linear warmup then linear decay to zero; run_classifier.py defaults to ' +
      'learning_rate=5e-5 and warmup_proportion=0.1.',
  },
  'alpaca-2023-recipe': {
    kind: 'code',
    title: 'Stanford Alpaca: An Instruction-following LLaMA Model (README, Fine-tuning)',
    authors: 'Rohan Taori, Ishaan Gulrajani, Tianyi Zhang, Yann Dubois, Xuechen Li, Carlos Guestrin, Percy Liang, Tatsunori B. Hashimoto',
    year: 2023,
    url: 'https://github.com/tatsu-lab/stanford_alpaca#fine-tuning',
    locator: 'README.md, "Fine-tuning" training command',
    claim:
      'Full fine-tuning of LLaMA-7B used learning_rate 2e-5, weight_decay 0, warmup_ratio 0.03 and a cosine ' +
      'schedule with the Hugging Face Trainer.',
  },
  'qlora-2023-recipe': {
    kind: 'code',
    title: 'artidoro/qlora: scripts/finetune_guanaco_{7b,13b,33b,65b}.sh',
    authors: 'Tim Dettmers, Artidoro Pagnoni, Ari Holtzman, Luke Zettlemoyer',
    year: 2023,
    url: 'https://github.com/artidoro/qlora/tree/7f4e95a68dc076bea9b3a413d2b512eca6d004e5/scripts',
    locator: 'scripts/finetune_guanaco_7b.sh and finetune_guanaco_65b.sh',
    claim:
      'QLoRA fine-tuning used learning_rate 2e-4 for the 7B and 13B models and 1e-4 for 33B and 65B, a constant ' +
      'schedule, warmup_ratio 0.03, adam_beta2 0.999, weight_decay 0.0 and max_grad_norm 0.3.',
  },
  'diffusers-text-to-image-defaults': {
    kind: 'docs',
    title: "diffusers examples: text_to_image/train_text_to_image.py",
    authors: 'Hugging Face',
    year: 2024,
    url: 'https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/examples/text_to_image/train_text_to_image.py',
    locator: 'parse_args: --learning_rate, --lr_scheduler, --adam_beta1/2, --adam_weight_decay, --adam_epsilon; main: optimizer_cls = torch.optim.AdamW, get_scheduler',
    claim:
      'Fine-tunes the Stable Diffusion UNet with torch.optim.AdamW: learning_rate 1e-4, betas (0.9, 0.999), weight decay 1e-2, ' +
      "eps 1e-8, lr_scheduler 'constant' (its warmup steps apply only to the schedules with warmup).",
  },
  'pytorch-transfer-learning-tutorial': {
    kind: 'docs',
    title: 'PyTorch tutorials: Transfer Learning for Computer Vision',
    authors: 'Sasank Chilamkurthy (PyTorch)',
    year: 2017,
    url: 'https://pytorch.org/tutorials/beginner/transfer_learning_tutorial.html',
    locator: '"Finetuning the ConvNet" and "ConvNet as fixed feature extractor"',
    claim:
      'Fine-tunes a pretrained ResNet with SGD(lr=0.001, momentum=0.9) and StepLR(step_size=7, gamma=0.1); as a ' +
      'cheaper alternative, freezes the whole network except the final layer (requires_grad=False).',
  },
  'ultralytics-default-cfg': {
    kind: 'code',
    title: 'Ultralytics ultralytics/cfg/default.yaml (training hyperparameters)',
    authors: 'Ultralytics',
    year: 2024,
    url: 'https://github.com/ultralytics/ultralytics/blob/8b40338ade349cabbc020fb7b5527c78ae8a84c6/ultralytics/cfg/default.yaml',
    locator: 'Train settings (optimizer, cos_lr, epochs, batch) and Hyperparameters (lr0 ... warmup_bias_lr, nbs)',
    claim:
      "Ultralytics' own YOLO training recipe: optimizer auto, lr0 0.01, final learning rate lr0 x lrf with lrf 0.01, " +
      'momentum 0.937, weight_decay 5e-4, 3 warmup epochs from momentum 0.8 and a bias learning rate of 0.1, nominal ' +
      'batch 64, linear decay unless cos_lr.',
    quote:
      'lr0: 0.01 # (float) initial learning rate (i.e. SGD=1E-2, Adam=1E-3) / lrf: 0.01 # (float) final learning rate (lr0 * lrf) / ' +
      'momentum: 0.937 # (float) SGD momentum/Adam beta1 / weight_decay: 0.0005 # (float) optimizer weight decay 5e-4 / ' +
      'warmup_epochs: 3.0 # (float) warmup epochs (fractions ok) / warmup_momentum: 0.8 # (float) warmup initial momentum / ' +
      'warmup_bias_lr: 0.1 # (float) warmup initial bias lr / nbs: 64 # (int) nominal batch size',
  },
  'ultralytics-build-optimizer': {
    kind: 'code',
    title: 'Ultralytics BaseTrainer (ultralytics/engine/trainer.py): _setup_train, _setup_scheduler, build_optimizer',
    authors: 'Ultralytics',
    year: 2024,
    url: 'https://github.com/ultralytics/ultralytics/blob/3c5ac618ec954b0f238c8f4ae558dac6e7f9991b/ultralytics/engine/trainer.py',
    locator: '_setup_train (accumulate, weight_decay scaling, iterations), _setup_scheduler (linear or one_cycle), _do_train (warmup), build_optimizer (optimizer=auto)',
    claim:
      'The trainer scales weight_decay by batch x accumulate / nbs; decays the learning rate linearly (or by a cosine with ' +
      'cos_lr) from lr0 to lr0 x lrf over the epochs; warms up over max(round(warmup_epochs x batches per epoch), 100) ' +
      'iterations; optimizer=auto counts iterations = ceil(images / max(batch, nbs)) x epochs and takes SGD (lr 0.01, ' +
      'momentum 0.9, Nesterov) above 10000, else AdamW with lr round(0.002 x 5 / (4 + nc), 6) and beta1 0.9, and sets ' +
      'warmup_bias_lr to 0.',
    quote:
      'lr_fit = round(0.002 * 5 / (4 + nc), 6)  # lr0 fit equation to 6 decimal places / name, lr, momentum = ("SGD", 0.01, 0.9) ' +
      'if iterations > 10000 else ("AdamW", lr_fit, 0.9) / self.args.warmup_bias_lr = 0.0  # no higher than 0.01 for Adam',
  },
  'convnext-2022-recipe': {
    kind: 'code',
    title: 'ConvNeXt (A ConvNet for the 2020s): main.py training defaults and TRAINING.md commands',
    authors: 'Zhuang Liu, Hanzi Mao, Chao-Yuan Wu, Christoph Feichtenhofer, Trevor Darrell, Saining Xie (Meta AI)',
    year: 2022,
    url: 'https://github.com/facebookresearch/ConvNeXt/blob/2313ff8e1da74d12f648426c7e7f3fd6e3278e15/main.py',
    locator:
      'main.py get_args_parser (--opt, --lr, --weight_decay, --warmup_epochs, --epochs); TRAINING.md at ' +
      '231af90923635a219a1d1ed428485e3a6f8631b1 (ImageNet-1K training at an effective batch of 4096; ImageNet-1K fine-tuning: ' +
      '2 nodes x 8 GPUs x batch 32, --lr 5e-5 --warmup_epochs 0 --epochs 30 --weight_decay 1e-8)',
    claim:
      'ConvNeXt trains with AdamW, not SGD: learning rate 4e-3 for a total batch of 4096, weight decay 0.05, eps 1e-8, ' +
      '20 warmup epochs of 300, cosine decay; fine-tuning uses AdamW at 5e-5 (total batch 512), weight decay 1e-8, no ' +
      'warmup, 30 epochs.',
    quote:
      "parser.add_argument('--opt', default='adamw' ... parser.add_argument('--weight_decay', type=float, default=0.05 ... " +
      "parser.add_argument('--lr', type=float, default=4e-3, metavar='LR', help='learning rate (default: 4e-3), with total " +
      "batch size 4096') ... parser.add_argument('--warmup_epochs', type=int, default=20",
  },
  'torch-optim-defaults': {
    kind: 'docs',
    title: 'PyTorch documentation: torch.optim.AdamW',
    authors: 'PyTorch',
    year: 2024,
    url: 'https://pytorch.org/docs/stable/generated/torch.optim.AdamW.html',
    locator: 'torch.optim.AdamW signature',
    claim: 'AdamW defaults: lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2; no schedule is implied.',
  },
  // ---- Memory strategies ---------------------------------------------------------------------------
  'chen-2016-checkpointing': {
    kind: 'paper',
    title: 'Training Deep Nets with Sublinear Memory Cost',
    authors: 'Tianqi Chen, Bing Xu, Chiyuan Zhang, Carlos Guestrin',
    year: 2016,
    url: 'https://arxiv.org/abs/1604.06174',
    locator: 'Abstract; Section 4',
    claim:
      'Keeping only some activations and recomputing the rest in backward trades one extra forward computation ' +
      'for activation memory sublinear in depth.',
  },
  'hu-2021-lora': {
    kind: 'paper',
    title: 'LoRA: Low-Rank Adaptation of Large Language Models',
    authors: 'Edward J. Hu, Yelong Shen, Phillip Wallis, Zeyuan Allen-Zhu, Yuanzhi Li, Shean Wang, Lu Wang, Weizhu Chen',
    year: 2021,
    url: 'https://arxiv.org/abs/2106.09685',
    locator: 'Abstract (ICLR 2022)',
    claim:
      'LoRA freezes the pretrained weights and trains low-rank update matrices, so gradients and optimizer state ' +
      'exist only for the small adapters.',
    quote:
      'LoRA can reduce the number of trainable parameters by 10,000 times and the GPU memory requirement by 3 times',
  },
  'peft-lora-config': {
    kind: 'docs',
    title: 'PEFT documentation: LoraConfig',
    authors: 'Hugging Face',
    year: 2024,
    url: 'https://huggingface.co/docs/peft/package_reference/lora#peft.LoraConfig',
    locator: 'LoraConfig: r (default 8), target_modules ("all-linear")',
    claim: 'LoraConfig defaults to rank r=8; target_modules="all-linear" adapts every linear layer except the output layer.',
  },
  'dettmers-2023-qlora': {
    kind: 'paper',
    title: 'QLoRA: Efficient Finetuning of Quantized LLMs',
    authors: 'Tim Dettmers, Artidoro Pagnoni, Ari Holtzman, Luke Zettlemoyer',
    year: 2023,
    url: 'https://arxiv.org/abs/2305.14314',
    locator: 'Abstract; Section 4 (NeurIPS 2023)',
    claim:
      'QLoRA back-propagates through a frozen 4-bit NF4 base model into LoRA adapters, adds paged optimizers to ' +
      'absorb memory spikes, and finds LoRA on all linear transformer-block layers is needed to match full ' +
      'fine-tuning.',
    quote:
      'reduces memory usage enough to finetune a 65B parameter model on a single 48GB GPU while preserving full ' +
      '16-bit finetuning task performance',
  },
  'bnb-paged-optimizers': {
    kind: 'docs',
    title: 'bitsandbytes documentation: Paged optimizers',
    authors: 'bitsandbytes maintainers',
    year: 2024,
    url: 'https://huggingface.co/docs/bitsandbytes/main/en/explanations/optimizers#paged-optimizers',
    locator: 'Explanations > Optimizers > Paged optimizers',
    claim:
      'Paged optimizers keep their state in CUDA unified memory, which is evicted to CPU RAM page by page only when ' +
      'the GPU runs out of memory; at steady state the state still lives on the GPU.',
  },
  'rajbhandari-2020-zero': {
    kind: 'paper',
    title: 'ZeRO: Memory Optimizations Toward Training Trillion Parameter Models',
    authors: 'Samyam Rajbhandari, Jeff Rasley, Olatunji Ruwase, Yuxiong He',
    year: 2020,
    url: 'https://arxiv.org/abs/1910.02054',
    locator: 'Section 5 (ZeRO-DP stages Pos, Pos+g, Pos+g+p) (SC 2020)',
    claim:
      'ZeRO partitions optimizer states (stage 1), then gradients (stage 2), then parameters (stage 3) across the ' +
      'data-parallel GPUs instead of replicating them.',
  },
  'ren-2021-zero-offload': {
    kind: 'paper',
    title: 'ZeRO-Offload: Democratizing Billion-Scale Model Training',
    authors: 'Jie Ren, Samyam Rajbhandari, Reza Yazdani Aminabadi, Olatunji Ruwase, Shuangyan Yang, Minjia Zhang, Dong Li, Yuxiong He',
    year: 2021,
    url: 'https://arxiv.org/abs/2101.06840',
    locator: 'Abstract (USENIX ATC 2021); DeepSpeed config "offload_optimizer"',
    claim:
      'Offloading the optimizer states (and the optimizer step) to CPU memory frees their GPU memory at the cost of ' +
      'CPU-GPU transfers and a CPU-side step.',
  },
  'hf-gradient-accumulation': {
    kind: 'docs',
    title: 'Transformers documentation: GPU (efficient training on one GPU), gradient accumulation',
    authors: 'Hugging Face',
    year: 2024,
    url: 'https://huggingface.co/docs/transformers/perf_train_gpu_one#gradient-accumulation',
    locator: 'perf_train_gpu_one: "Gradient accumulation"',
    claim:
      'Gradient accumulation keeps the effective batch while lowering the per-step micro-batch, reducing activation ' +
      'memory at the cost of more, smaller steps.',
  },
  // ---- Per-optimizer recipes (advisor/recipes.ts) -------------------------------------------------------
  'galore-2024-scripts': {
    kind: 'code',
    title: 'jiaweizzhao/GaLore: README and scripts/benchmark_c4, scripts/single_gpu',
    authors: 'Jiawei Zhao, Zhenyu Zhang, Beidi Chen, Zhangyang Wang, Anima Anandkumar, Yuandong Tian',
    year: 2024,
    url: 'https://github.com/jiaweizzhao/GaLore#train-7b-model-with-a-single-gpu-with-24gb-memory',
    locator: 'README "Train 7B model with a single GPU with 24GB memory"; scripts/benchmark_c4/llama_{60m,130m,350m,1b,7b}.sh',
    claim:
      'GaLore\'s reference runs set rank, update_proj_gap, galore_scale and lr by LLaMA size (60M: 128/200/0.25/0.01 ' +
      'up to 7B: 1024/500/0.25/0.005), warm up over 10% of the steps with weight decay 0; a 7B model trains on one ' +
      '24 GB GPU with 8-bit GaLore states, per-layer weight updates and activation checkpointing.',
    quote:
      'To train a 7B model with a single GPU such as NVIDIA RTX 4090, all you need to do is to specify ' +
      '`--optimizer=galore_adamw8bit_per_layer`, which enables `GaLoreAdamW8bit` with per-layer weight updates.',
  },
  'you-2020-lamb-table': {
    kind: 'paper',
    title: 'Large Batch Optimization for Deep Learning: Training BERT in 76 minutes',
    authors: 'Yang You, Jing Li, Sashank Reddi, Jonathan Hseu, Sanjiv Kumar, Srinadh Bhojanapalli, Xiaodan Song, James Demmel, Kurt Keutzer, Cho-Jui Hsieh',
    year: 2020,
    url: 'https://arxiv.org/abs/1904.00962',
    locator: 'Table 3 (untuned LAMB for BERT across batch sizes 512 to 32K)',
    claim:
      'LAMB\'s BERT runs scale the learning rate with the square root of the batch (5e-3 at 32K) and warm up over a ' +
      'fixed number of epochs, a fraction of the steps that grows with the batch: 1/320 at 512 up to 1/5 at 32K.',
    quote: 'We use square root LR scaling and linear-epoch warmup.',
  },
  'schedule-free-warmup': {
    kind: 'code',
    title: 'facebookresearch/schedule_free: README "Caveats" and the AlgoPerf self-tuning submission',
    authors: 'Aaron Defazio, Xingyu (Alice) Yang, Konstantin Mishchenko, Ashok Cutkosky, Harsh Mehta, Ahmed Khaled',
    year: 2024,
    url: 'https://github.com/facebookresearch/schedule_free/blob/2185380ce6f03effac52386b2d0495340ccd678a/schedulefree/algoperf/self_tuning/schedule_free_adamw/submission.py',
    locator: 'README "Caveats"; submission.py HPARAMS warmup_factor 0.02, warmup_steps = warmup_factor x step_hint x 0.75',
    claim:
      'Schedule-Free AdamW still wants a learning-rate warmup, given through its warmup_steps parameter; the authors\' ' +
      'winning AlgoPerf entry warms up over 0.02 x 0.75 of the step budget.',
    quote: 'Using learning rate warmup is recommended. This is supported through the `warmup_steps` parameter.',
  },
  'advisor-warmup-bound': {
    kind: 'computed',
    title: 'Optimizer Advisor warmup bound',
    authors: 'Optimizer Advisor',
    year: 2026,
    url: 'src/core/advisor/recipes.ts',
    locator: 'MAX_WARMUP_FRACTION: the largest warmup fraction of the cited recipes (LAMB at batch 32K, 1/5)',
    claim:
      'A warmup taken from a recipe of another length (steps or tokens) is cut to at most 1/5 of the job\'s total ' +
      'steps, the largest fraction any cited recipe warms up over.',
  },
  // ---- Our own computation ---------------------------------------------------------------------------
  'advisor-memory-estimate': {
    kind: 'computed',
    title: 'Optimizer Advisor per-tensor memory estimate',
    authors: 'Optimizer Advisor',
    year: 2025,
    url: 'src/core/memory/estimate.ts',
    locator: 'estimateMemory(): peak per GPU of weights, gradients, optimizer state, activations and overhead',
    claim:
      'The peak is computed by this extension from the model\'s tensors and the job\'s settings; the sources of ' +
      'each component are cited in the memory estimator.',
  },
});

export type EvidenceId = keyof typeof EVIDENCE;

export function isEvidenceId(s: string): s is EvidenceId {
  return Object.prototype.hasOwnProperty.call(EVIDENCE, s);
}

/** An evidence entry with its id, as reasons carry it. */
export interface CitedEvidence extends Evidence {
  readonly id: EvidenceId;
}

export function cite(id: EvidenceId): CitedEvidence {
  return { id, ...EVIDENCE[id] };
}
