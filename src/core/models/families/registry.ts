/** Every model family; adding one = adding a file under families/ and a line here. */
import type { ModelFamily } from '../types';
import { bert } from './bert';
import { clip } from './clip';
import { convnext } from './convnext';
import { efficientnet } from './efficientnet';
import { gemma } from './gemma';
import { gemma2 } from './gemma2';
import { gemma3Text } from './gemma3-text';
import { gpt2 } from './gpt2';
import { gptOss } from './gpt_oss';
import { gptNeox } from './gpt_neox';
import { llama } from './llama';
import { mistral } from './mistral';
import { mixtral } from './mixtral';
import { nanogpt } from './nanogpt';
import { phi3 } from './phi3';
import { qwen2 } from './qwen2';
import { qwen3 } from './qwen3';
import { resnet } from './resnet';
import { roberta } from './roberta';
import { t5 } from './t5';
import { unet2dCondition } from './unet2d-condition';
import { vit } from './vit';
import { yolo } from './yolo';

export const FAMILIES: readonly ModelFamily[] = [
  llama,
  mistral,
  mixtral,
  gptOss,
  qwen2,
  qwen3,
  gemma,
  gemma2,
  gemma3Text,
  phi3,
  gpt2,
  nanogpt,
  gptNeox,
  bert,
  roberta,
  t5,
  vit,
  clip,
  resnet,
  convnext,
  efficientnet,
  unet2dCondition,
  yolo,
];
