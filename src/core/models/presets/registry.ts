/** Every bundled preset; adding a checkpoint = adding an entry to one of these lists. */
import type { ModelPreset } from '../types';
import { CNN_PRESETS } from './cnn';
import { ENCODER_PRESETS } from './encoders';
import { GEMMA_PRESETS } from './gemma';
import { GPT_PRESETS } from './gpt';
import { GPT_OSS_PRESETS } from './gpt-oss';
import { LLAMA_PRESETS } from './llama';
import { MISTRAL_PRESETS } from './mistral';
import { PHI3_PRESETS } from './phi3';
import { QWEN_PRESETS } from './qwen';
import { T5_PRESETS } from './t5';
import { VISION_PRESETS } from './vision';
import { YOLO_PRESETS } from './yolo';

export const PRESETS: readonly ModelPreset[] = [
  ...LLAMA_PRESETS,
  ...MISTRAL_PRESETS,
  ...QWEN_PRESETS,
  ...GEMMA_PRESETS,
  ...PHI3_PRESETS,
  ...GPT_PRESETS,
  ...GPT_OSS_PRESETS,
  ...ENCODER_PRESETS,
  ...T5_PRESETS,
  ...VISION_PRESETS,
  ...CNN_PRESETS,
  ...YOLO_PRESETS,
];
