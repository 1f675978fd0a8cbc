/**
 * The evidence base: every measurement source, one file each. Adding a source is adding a file and
 * a line here.
 */
import { CHEN_2023_LION } from './chen-2023-lion';
import { DAHL_2023_ALGOPERF_BASELINES } from './dahl-2023-algoperf-baselines';
import { ESSENTIAL_2025_MUON } from './essential-2025-muon';
import { DEFAZIO_2024_SCHEDULE_FREE } from './defazio-2024-schedule-free';
import { DETTMERS_2022_8BIT } from './dettmers-2022-8bit';
import { DOSOVITSKIY_2021_VIT } from './dosovitskiy-2021-vit';
import { JORDAN_2024_MODDED_NANOGPT } from './jordan-2024-modded-nanogpt';
import { JORDAN_2026_NANOGPT_OPTIMIZATION_BENCHMARK } from './jordan-2026-nanogpt-optimization-benchmark';
import { HEO_2021_ADAMP } from './heo-2021-adamp';
import { KADDOUR_2023_NO_TRAIN_NO_GAIN } from './kaddour-2023-no-train-no-gain';
import { KASIMBEG_2025_ALGOPERF } from './kasimbeg-2025-algoperf';
import { KUMAR_2022_FINETUNE_SGD } from './kumar-2022-finetune-sgd';
import { LI_2024_BOCB } from './li-2024-bocb';
import { LIU_2023_SOPHIA } from './liu-2023-sophia';
import { LIU_2025_MUON_SCALABLE } from './liu-2025-muon-scalable';
import { LUO_2019_ADABOUND } from './luo-2019-adabound';
import { LUO_2023_CAME } from './luo-2023-came';
import { MA_2020_APOLLO } from './ma-2020-apollo';
import { NADO_2021_LARGE_BATCH } from './nado-2021-large-batch';
import { PAGLIARDINI_2024_ADEMAMIX } from './pagliardini-2024-ademamix';
import { SAC_2025_C4 } from './sac-2025-c4';
import { SCHLOTTHAUER_2025_BUDGET } from './schlotthauer-2025-budget';
import { SCHNEIDER_2019_DEEPOBS } from './schneider-2019-deepobs';
import { SEMENOV_2025_BENCHMARKING_LLM } from './semenov-2025-benchmarking-llm';
import { SHAZEER_2018_ADAFACTOR } from './shazeer-2018-adafactor';
import { SHI_2023_DISTRIBUTED_SHAMPOO } from './shi-2023-distributed-shampoo';
import { TOUVRON_2021_DEIT } from './touvron-2021-deit';
import { VYAS_2024_SOAP } from './vyas-2024-soap';
import { WEN_2025_FANTASTIC } from './wen-2025-fantastic';
import { WIGHTMAN_2024_TIMM_OPTIM_CAUTION } from './wightman-2024-timm-optim-caution';
import { WILSON_2017_MARGINAL_VALUE } from './wilson-2017-marginal-value';
import { XIE_2024_ADAN } from './xie-2024-adan';
import { YOU_2020_LAMB } from './you-2020-lamb';
import { YUAN_2024_MARS } from './yuan-2024-mars';
import { YAO_2021_ADAHESSIAN } from './yao-2021-adahessian';
import { ZHANG_2024_ADAM_MINI } from './zhang-2024-adam-mini';
import { ZHAO_2024_DECONSTRUCTING } from './zhao-2024-deconstructing';
import { ZHAO_2024_GALORE } from './zhao-2024-galore';
import { ZHUANG_2020_ADABELIEF } from './zhuang-2020-adabelief';
import type { MeasuredRow, MeasurementSource } from './types';

export const MEASUREMENT_SOURCES: readonly MeasurementSource[] = [
  JORDAN_2024_MODDED_NANOGPT,
  YUAN_2024_MARS,
  KASIMBEG_2025_ALGOPERF,
  WEN_2025_FANTASTIC,
  LIU_2025_MUON_SCALABLE,
  PAGLIARDINI_2024_ADEMAMIX,
  VYAS_2024_SOAP,
  LIU_2023_SOPHIA,
  CHEN_2023_LION,
  YOU_2020_LAMB,
  LUO_2023_CAME,
  ZHANG_2024_ADAM_MINI,
  ZHAO_2024_GALORE,
  DETTMERS_2022_8BIT,
  KADDOUR_2023_NO_TRAIN_NO_GAIN,
  ZHAO_2024_DECONSTRUCTING,
  WILSON_2017_MARGINAL_VALUE,
  SCHLOTTHAUER_2025_BUDGET,
  ESSENTIAL_2025_MUON,
  SHI_2023_DISTRIBUTED_SHAMPOO,
  JORDAN_2026_NANOGPT_OPTIMIZATION_BENCHMARK,
  MA_2020_APOLLO,
  LI_2024_BOCB,
  YAO_2021_ADAHESSIAN,
  NADO_2021_LARGE_BATCH,
  SHAZEER_2018_ADAFACTOR,
  DEFAZIO_2024_SCHEDULE_FREE,
  XIE_2024_ADAN,
  HEO_2021_ADAMP,
  ZHUANG_2020_ADABELIEF,
  LUO_2019_ADABOUND,
  DAHL_2023_ALGOPERF_BASELINES,
  SEMENOV_2025_BENCHMARKING_LLM,
  SCHNEIDER_2019_DEEPOBS,
  DOSOVITSKIY_2021_VIT,
  TOUVRON_2021_DEIT,
  WIGHTMAN_2024_TIMM_OPTIM_CAUTION,
  KUMAR_2022_FINETUNE_SGD,
  SAC_2025_C4,
];

/** Every row with its source and setting; `selfReported` when the source's authors proposed the optimizer. */
export function measuredRows(sources: readonly MeasurementSource[] = MEASUREMENT_SOURCES): MeasuredRow[] {
  const out: MeasuredRow[] = [];
  for (const source of sources) {
    for (const row of source.rows) {
      const setting = source.settings.find((s) => s.id === row.setting);
      if (!setting) throw new Error(`measurements: ${source.id} row names unknown setting "${row.setting}"`);
      out.push({ source, setting, row, selfReported: source.proposes.includes(row.optimizer.key) });
    }
  }
  return out;
}

export type * from './types';
