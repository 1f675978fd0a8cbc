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
  readonly paretoDesc: string;
  readonly paretoX: string;
  readonly paretoY: string;
  readonly paretoLoss: string;
  readonly paretoFront: string;
  readonly paretoDominated: string;
  readonly paretoIncomparable: string;
  readonly paretoDominatedBy: string;
  readonly paretoStatus: string;
  readonly paretoDiverged: string;
  readonly paretoLossBins: string;

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

  paretoTitle: 'Trade-offs: memory, step cost and final loss',
  paretoDesc: 'Scatter of {count} optimizers: estimated peak memory per GPU for your job (modelled) against measured step time relative to AdamW; colour shows the final loss. On the Pareto front: {front}.',
  paretoX: 'Estimated peak per GPU for your job, modelled',
  paretoY: 'Step time vs AdamW (measured)',
  paretoLoss: 'Final loss',
  paretoFront: 'Pareto front',
  paretoDominated: 'dominated',
  paretoIncomparable: 'not comparable',
  paretoDominatedBy: 'Dominated by',
  paretoStatus: 'Status',
  paretoDiverged: 'diverged',
  paretoLossBins: 'Final loss, best to worst quarter',

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

  paretoTitle: '权衡：显存、单步开销与最终损失',
  paretoDesc: '{count} 个优化器的散点图：横轴为你的任务每块 GPU 的估计峰值显存（估算值），纵轴为实测单步耗时相对 AdamW 的倍数，颜色表示最终损失。帕累托前沿上的优化器：{front}。',
  paretoX: '你的任务每块 GPU 的估计峰值，估算值',
  paretoY: '单步耗时 / AdamW（实测）',
  paretoLoss: '最终损失',
  paretoFront: '帕累托前沿',
  paretoDominated: '被支配',
  paretoIncomparable: '无法比较',
  paretoDominatedBy: '被以下优化器支配',
  paretoStatus: '状态',
  paretoDiverged: '发散',
  paretoLossBins: '最终损失，从最好到最差的四分位',

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
