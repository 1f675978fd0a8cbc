/**
 * Words the charts draw (titles, axis titles, legends, descriptions, table headings) in English and
 * Simplified Chinese. The webview passes the extension's locale; the CLI report uses its own.
 * Templates use `{slot}` markers filled by svg.ts `fill`.
 */
import type { MemoryComponent } from './memory';
import type { RobustnessProbe } from '../core/profile/profile-types';

export interface ChartStrings {
  readonly dataTable: string;
  readonly optimizer: string;
  /** "{backend} on {machine}" */
  readonly measuredOn: string;
  readonly notModelled: string;
  readonly none: string;
  readonly yes: string;
  readonly no: string;
  readonly unknown: string;

  readonly memoryTitle: string;
  /** {count} optimizers; {budget} the budget sentence or ''. */
  readonly memoryDesc: string;
  readonly memoryBudgetSentence: string;
  readonly memoryAxis: string;
  readonly memoryBudget: string;
  readonly memoryPeak: string;
  readonly memoryFits: string;
  readonly memoryDoesNotFit: string;
  readonly memoryNoEstimate: string;
  readonly components: Readonly<Record<MemoryComponent, string>>;

  readonly paretoTitle: string;
  /** {count} optimizers; {front} the ids on the front. */
  readonly paretoDesc: string;
  /** The memory axis (modelled). */
  readonly paretoX: string;
  /** The step-time axis. */
  readonly paretoStep: string;
  /** The quality axis. */
  readonly paretoQuality: string;
  readonly paretoPanelMemory: string;
  readonly paretoPanelStep: string;
  /** Caption of the strip under the plot holding the points without a quality figure. */
  readonly paretoNoEvidence: string;
  /** The proxy's final loss, the secondary signal. */
  readonly paretoLoss: string;
  readonly paretoFront: string;
  readonly paretoDominated: string;
  readonly paretoIncomparable: string;
  readonly paretoDominatedBy: string;
  readonly paretoStatus: string;
  readonly paretoDiverged: string;
  readonly paretoLossBins: string;
  /** Heading of the list/table saying where each coordinate comes from. */
  readonly paretoSources: string;
  readonly paretoSourceColumn: string;
  readonly paretoMemorySource: string;
  /** {params} the proxy's parameters, {backend} the backend. */
  readonly paretoStepProxy: string;
  /** {method} how the real shapes were timed. */
  readonly paretoStepReal: string;
  readonly realShapeMethods: Readonly<Record<'sampled' | 'extrapolated' | 'whole', string>>;
  /** {spread} min–max. */
  readonly paretoStepSpread: string;
  /** {ratio} the step time over AdamW's from the same source. */
  readonly paretoVsAdamW: string;
  readonly paretoMixedSteps: string;
  /** {sources} sources, {runs} runs, {similarity} of the nearest. */
  readonly paretoQualityEvidence: string;
  /** "{runs} runs" of one source. */
  readonly paretoRuns: string;
  /** "vs {reference}" for a source whose baseline is AdamW's stand-in. */
  readonly paretoVersus: string;
  /** "{count} more". */
  readonly paretoMoreSources: string;
  readonly paretoQualityReference: string;
  readonly paretoQualityNone: string;
  readonly paretoQualityNotRecorded: string;
  /** {job} the job as the evidence similarity sees it. */
  readonly paretoQualityJob: string;
  readonly paretoQualityAbout: string;
  readonly paretoCitations: string;
  readonly paretoSelfReported: string;

  readonly curvesTitle: string;
  readonly curvesDesc: string;
  readonly curvesX: string;
  readonly curvesY: string;
  readonly curvesBestLr: string;
  readonly curvesFinal: string;
  readonly curvesSeeds: string;

  readonly heatTitle: string;
  readonly heatDesc: string;
  readonly heatLegend: string;
  readonly heatDiverged: string;
  readonly heatLr: string;

  readonly traceTitle: string;
  readonly traceDesc: string;
  readonly traceStart: string;
  readonly traceMinimum: string;
  /** ", minimum at {point}" (appended to traceDesc). */
  readonly traceMinimumAt: string;
  readonly traceSteps: string;
  readonly traceEnd: string;
  readonly traceDivergedAt: string;
  readonly problems: Readonly<Record<'rosenbrock' | 'beale' | 'saddle', string>>;

  readonly robustnessTitle: string;
  readonly robustnessRecovered: string;
  readonly probes: Readonly<Record<RobustnessProbe, string>>;
}

export const EN_CHART_STRINGS: ChartStrings = {
  dataTable: 'Data table',
  optimizer: 'Optimizer',
  measuredOn: 'Measured with {backend} on {machine}',
  notModelled: 'not modelled',
  none: '—',
  yes: 'yes',
  no: 'no',
  unknown: 'unknown',

  memoryTitle: 'Memory per GPU by optimizer',
  memoryDesc: 'Stacked bars of the estimated peak memory per GPU for {count} optimizers, split into weights, gradients, optimizer state, activations and overhead.{budget}',
  memoryBudgetSentence: ' The line marks the GPU budget of {budget}; {over} of them do not fit.',
  memoryAxis: 'Estimated memory per GPU',
  memoryBudget: 'budget {budget}',
  memoryPeak: 'Peak',
  memoryFits: 'Fits',
  memoryDoesNotFit: 'does not fit',
  memoryNoEstimate: 'no estimate',
  components: {
    weights: 'Weights',
    masterWeights: 'Master weights',
    gradients: 'Gradients',
    optimizerState: 'Optimizer state',
    optimizerTemporaries: 'Step temporaries',
    activations: 'Activations',
    overhead: 'Overhead',
  },

  paretoTitle: 'Trade-offs: quality, memory and step time',
  paretoDesc: 'Two panels for {count} optimizers: quality relative to AdamW from the published measurements nearest your job, against the estimated peak memory per GPU for your job (modelled) and against the measured step time. On the Pareto front over all three: {front}.',
  paretoX: 'Estimated peak per GPU for your job, modelled',
  paretoStep: 'Step time, measured',
  paretoQuality: 'Quality vs AdamW',
  paretoPanelMemory: 'Quality vs memory per GPU',
  paretoPanelStep: 'Quality vs step time',
  paretoNoEvidence: 'no measured evidence',
  paretoLoss: 'Proxy’s final loss (secondary)',
  paretoFront: 'Pareto front',
  paretoDominated: 'dominated',
  paretoIncomparable: 'not comparable',
  paretoDominatedBy: 'Dominated by',
  paretoStatus: 'Status',
  paretoDiverged: 'diverged',
  paretoLossBins: 'Proxy’s final loss (secondary signal), best to worst quarter',
  paretoSources: 'Where each coordinate comes from',
  paretoSourceColumn: 'source',
  paretoMemorySource: 'the memory estimator for your job (modelled)',
  paretoStepProxy: 'proxy model, {params} params, this machine ({backend})',
  paretoStepReal: 'measured at the model’s real tensor shapes ({method})',
  realShapeMethods: { sampled: 'sampled', extrapolated: 'extrapolated', whole: 'whole tensors' },
  paretoStepSpread: 'range {spread}',
  paretoVsAdamW: '{ratio}× AdamW',
  paretoMixedSteps: 'Step times come from different sources (real shapes and the proxy); points of different sources are not compared with each other.',
  paretoQualityEvidence: 'median over {sources} published sources nearest your job ({runs} runs; nearest similarity {similarity})',
  paretoRuns: '{runs} runs',
  paretoVersus: 'vs its {reference} baseline',
  paretoMoreSources: '{count} more',
  paretoQualityReference: 'the reference: AdamW is 0 by definition',
  paretoQualityNone: 'no measured evidence',
  paretoQualityNotRecorded: 'not recorded in this profile (profiled before the quality axis; run it again)',
  paretoQualityJob: 'published head-to-head measurements, weighed by their similarity to {job}; not measured on this machine.',
  paretoQualityAbout: 'Quality is the outcome vs AdamW in units of each setting’s own spread (+ = better than AdamW, capped at ±2); the dashed line is AdamW’s 0.',
  paretoCitations: 'Evidence',
  paretoSelfReported: 'self-reported',

  curvesTitle: 'Loss curves at the best learning rate',
  curvesDesc: 'Loss per step on a log scale for {count} optimizers at their best learning rate; the line is the median over seeds and the band the range over seeds.',
  curvesX: 'Step',
  curvesY: 'Loss (log scale)',
  curvesBestLr: 'Best lr',
  curvesFinal: 'Final loss (median)',
  curvesSeeds: 'Seeds',

  heatTitle: 'Learning-rate sensitivity',
  heatDesc: 'Median final loss over seeds for each optimizer at each learning rate tried; the stronger the colour, the lower the loss; crossed cells diverged.',
  heatLegend: 'stronger colour = lower final loss',
  heatDiverged: 'diverged',
  heatLr: 'Learning rate',

  traceTitle: '{problem}: optimizer paths',
  traceDesc: 'Paths of {count} optimizers over the contour lines of the {problem} function, from the start point {start}{minimum}.',
  traceStart: 'start',
  traceMinimum: 'minimum',
  traceMinimumAt: '; the minimum is at {point}',
  traceSteps: 'Steps',
  traceEnd: 'End point',
  traceDivergedAt: 'diverged at step {step}',
  problems: { rosenbrock: 'Rosenbrock', beale: 'Beale', saddle: 'Saddle' },

  robustnessTitle: 'Robustness probes',
  robustnessRecovered: 'stayed finite',
  probes: { explosion: 'Gradients ×1e3', vanishing: 'Gradients ×1e-6', 'nan-inf': 'NaN/Inf gradients', sparse: 'Sparse gradients' },
};

export const ZH_CN_CHART_STRINGS: ChartStrings = {
  dataTable: '数据表',
  optimizer: '优化器',
  measuredOn: '测量环境：{backend}，{machine}',
  notModelled: '无法估算',
  none: '—',
  yes: '是',
  no: '否',
  unknown: '未知',

  memoryTitle: '各优化器每块 GPU 的显存',
  memoryDesc: '{count} 个优化器每块 GPU 的估计峰值显存堆叠条形图，分为权重、梯度、优化器状态、激活值和额外开销。{budget}',
  memoryBudgetSentence: '竖线表示 {budget} 的 GPU 显存预算，其中 {over} 个放不下。',
  memoryAxis: '每块 GPU 的估计显存',
  memoryBudget: '预算 {budget}',
  memoryPeak: '峰值',
  memoryFits: '放得下',
  memoryDoesNotFit: '放不下',
  memoryNoEstimate: '无估算',
  components: {
    weights: '权重',
    masterWeights: '主权重',
    gradients: '梯度',
    optimizerState: '优化器状态',
    optimizerTemporaries: '更新临时张量',
    activations: '激活值',
    overhead: '额外开销',
  },

  paretoTitle: '权衡：质量、显存与单步耗时',
  paretoDesc: '{count} 个优化器的两幅图：纵轴为与你的任务最接近的已发表测量中相对 AdamW 的质量，横轴分别为你的任务每块 GPU 的估计峰值显存（估算值）和实测单步耗时。在三者共同的帕累托前沿上：{front}。',
  paretoX: '你的任务每块 GPU 的估计峰值，估算值',
  paretoStep: '单步耗时，实测',
  paretoQuality: '相对 AdamW 的质量',
  paretoPanelMemory: '质量与每块 GPU 显存',
  paretoPanelStep: '质量与单步耗时',
  paretoNoEvidence: '无测量证据',
  paretoLoss: '代理模型的最终损失（次要信号）',
  paretoFront: '帕累托前沿',
  paretoDominated: '被支配',
  paretoIncomparable: '无法比较',
  paretoDominatedBy: '被以下优化器支配',
  paretoStatus: '状态',
  paretoDiverged: '发散',
  paretoLossBins: '代理模型的最终损失（次要信号），从最好到最差的四分位',
  paretoSources: '各坐标的来源',
  paretoSourceColumn: '来源',
  paretoMemorySource: '针对你的任务的显存估算器（估算值）',
  paretoStepProxy: '代理模型，{params} 个参数，本机（{backend}）',
  paretoStepReal: '在模型真实张量形状上实测（{method}）',
  realShapeMethods: { sampled: '抽样', extrapolated: '外推', whole: '整个张量' },
  paretoStepSpread: '范围 {spread}',
  paretoVsAdamW: 'AdamW 的 {ratio} 倍',
  paretoMixedSteps: '单步耗时来自不同来源（真实形状与代理模型）；来源不同的点之间不作比较。',
  paretoQualityEvidence: '与你的任务最接近的 {sources} 个已发表来源的中位数（{runs} 组实验；最近相似度 {similarity}）',
  paretoRuns: '{runs} 组实验',
  paretoVersus: '相对其 {reference} 基线',
  paretoMoreSources: '另有 {count} 个',
  paretoQualityReference: '参照：AdamW 按定义为 0',
  paretoQualityNone: '无测量证据',
  paretoQualityNotRecorded: '此结果未记录（在质量轴加入之前测得；请重新运行）',
  paretoQualityJob: '已发表的对比测量，按与 {job} 的相似度加权；并非在本机测得。',
  paretoQualityAbout: '质量为相对 AdamW 的结果，以各实验设置自身的离散程度为单位（+ 表示优于 AdamW，上限 ±2）；虚线为 AdamW 的 0。',
  paretoCitations: '证据',
  paretoSelfReported: '作者自报',

  curvesTitle: '最佳学习率下的损失曲线',
  curvesDesc: '{count} 个优化器在各自最佳学习率下每步的损失（对数刻度）；实线为各随机种子的中位数，阴影带为各种子的取值范围。',
  curvesX: '步数',
  curvesY: '损失（对数刻度）',
  curvesBestLr: '最佳学习率',
  curvesFinal: '最终损失（中位数）',
  curvesSeeds: '随机种子数',

  heatTitle: '学习率敏感度',
  heatDesc: '每个优化器在每个尝试过的学习率下、各随机种子最终损失的中位数；颜色越浓损失越低，打叉的格子表示训练发散。',
  heatLegend: '颜色越浓，最终损失越低',
  heatDiverged: '发散',
  heatLr: '学习率',

  traceTitle: '{problem} 函数上的优化轨迹',
  traceDesc: '{count} 个优化器在 {problem} 函数等高线图上的轨迹，起点为 {start}{minimum}。',
  traceStart: '起点',
  traceMinimum: '最小值',
  traceMinimumAt: '，最小值位于 {point}',
  traceSteps: '步数',
  traceEnd: '终点',
  traceDivergedAt: '在第 {step} 步发散',
  problems: { rosenbrock: 'Rosenbrock', beale: 'Beale', saddle: '鞍点' },

  robustnessTitle: '鲁棒性测试',
  robustnessRecovered: '保持有限值',
  probes: { explosion: '梯度 ×1e3', vanishing: '梯度 ×1e-6', 'nan-inf': 'NaN/Inf 梯度', sparse: '稀疏梯度' },
};

/** Strings for a VS Code locale (`zh-cn`, `zh-CN`, `en`, `en-us`, ...); English for anything else. */
export function chartStrings(locale: string | undefined): ChartStrings {
  const l = (locale ?? 'en').toLowerCase();
  return l === 'zh-cn' || l === 'zh-hans' || l.startsWith('zh-hans') || l === 'zh' ? ZH_CN_CHART_STRINGS : EN_CHART_STRINGS;
}
