/**
 * Model constructors that name a model the estimator knows: torchvision builders
 * (`torchvision.models.resnet50(weights=...)`), timm (`timm.create_model("resnet50", pretrained=True)`)
 * and Hugging Face `from_pretrained("org/name")`. Shared by Python scripts and Hydra `_target_`
 * configs. The id given is what the model presets are keyed by: `torchvision/<name>`,
 * `timm/<name>`, or the hub id as written.
 */
import type { ParsedNode } from '../parse/node';
import type { SourceRange } from './types';

export interface CallArgument {
  /** Keyword, or null for a positional argument. */
  readonly name: string | null;
  readonly node: ParsedNode;
}

export interface ModelCallRef {
  readonly id: string;
  /** Where the name is written, when it is an argument (else the callee names the model). */
  readonly range?: SourceRange;
  /** True when the weights start random (training from scratch), false when pretrained, null unknown. */
  readonly pretraining: boolean | null;
  /** from_pretrained's `revision=` (a branch, tag or commit), when written as a literal. */
  readonly revision?: string;
  /** from_pretrained's `subfolder=` (a diffusers pipeline's `unet`), when written as a literal. */
  readonly subfolder?: string;
}

/** torchvision / timm model builder names (families the presets cover and their relatives). */
const CNN_NAME = /^(resnet\d+|resnext\d+_\w+|wide_resnet\d+_\d+|convnext_(tiny|small|base|large)|efficientnet_(b\d|v2_[sml])|vgg\d+(_bn)?|vit_[a-z]_\d+|swin_v?2?_?[tsb]|mobilenet_v\d\w*|densenet\d+|regnet_\w+|alexnet|googlenet|inception_v3|shufflenet_v2_\w+|mnasnet\d_\d+|squeezenet\d_\d|maxvit_t)$/;

/** Hugging Face classes whose from_pretrained loads something other than model weights or a model config. */
const NOT_A_MODEL = /(Tokenizer(Fast)?|Processor|FeatureExtractor|GenerationConfig|BitsAndBytesConfig|Peft\w*|LoraConfig|Pipeline)$/;

function arg(args: readonly CallArgument[], keyword: string, position: number): ParsedNode | undefined {
  const named = args.find((a) => a.name === keyword);
  if (named !== undefined) return named.node;
  const positional = args.filter((a) => a.name === null);
  return positional[position]?.node;
}

/** True unless the argument is absent, None or false. */
function given(node: ParsedNode | undefined): boolean {
  return node !== undefined && node.kind !== 'null' && !(node.kind === 'boolean' && node.value === false);
}

/** Whether a torchvision builder starts from pretrained weights (`weights=` or the old `pretrained=True`). */
function torchvisionPretraining(args: readonly CallArgument[]): boolean | null {
  const weights = arg(args, 'weights', 0);
  const pretrained = args.find((a) => a.name === 'pretrained')?.node;
  if (weights !== undefined && weights.kind !== 'null' && weights.kind !== 'boolean' && weights.kind !== 'string') return null;
  return !(given(weights) || given(pretrained));
}

/** True for the callees modelOfCall knows (whether or not a call names its model with a literal). */
export function isModelConstructor(callee: string): boolean {
  const parts = callee.split('.');
  const last = parts[parts.length - 1];
  if (callee.startsWith('torchvision.models.') && parts.length === 3) return last === 'get_model' || CNN_NAME.test(last);
  if (callee === 'timm.create_model' || callee === 'timm.models.create_model') return true;
  return last === 'from_pretrained' && parts.length >= 2 && isTransformersClass(callee, parts[parts.length - 2]);
}

function isTransformersClass(callee: string, cls: string): boolean {
  const transformersLike = callee.startsWith('transformers.') || /^(Auto\w+|\w+For\w+|\w+(Model|LMHeadModel)|\w+Config|FastLanguageModel|FastModel)$/.test(cls);
  return transformersLike && !NOT_A_MODEL.test(cls);
}

/**
 * The model a call builds, from its canonical dotted callee (imports resolved) and arguments, or
 * null when the call is not a known model constructor or does not name the model with a literal.
 */
export function modelOfCall(callee: string, args: readonly CallArgument[]): ModelCallRef | null {
  const parts = callee.split('.');
  const last = parts[parts.length - 1];

  if (callee.startsWith('torchvision.models.') && parts.length === 3) {
    if (last === 'get_model') {
      const name = arg(args, 'name', 0);
      if (name?.kind !== 'string' || !CNN_NAME.test(name.value)) return null;
      // get_model(name, **config): the builder's arguments are keywords.
      return { id: `torchvision/${name.value}`, range: name.range, pretraining: torchvisionPretraining(args.filter((a) => a.name !== null && a.name !== 'name')) };
    }
    return CNN_NAME.test(last) ? { id: `torchvision/${last}`, pretraining: torchvisionPretraining(args) } : null;
  }
  if (callee === 'timm.create_model' || callee === 'timm.models.create_model') {
    const name = arg(args, 'model_name', 0);
    if (name?.kind !== 'string' || name.value.trim() === '') return null;
    const pretrained = arg(args, 'pretrained', 1);
    const value = name.value.trim();
    return { id: value.startsWith('hf-hub:') || value.startsWith('hf_hub:') ? value.slice(7) : `timm/${value}`, range: name.range, pretraining: pretrained === undefined ? true : pretrained.kind === 'boolean' ? !pretrained.value : null };
  }
  if (last === 'from_pretrained' && parts.length >= 2) {
    const cls = parts[parts.length - 2];
    if (!isTransformersClass(callee, cls)) return null;
    const name = arg(args, 'pretrained_model_name_or_path', 0) ?? args.find((a) => a.name === 'model_name')?.node;
    if (name?.kind !== 'string' || name.value.trim() === '') return null;
    const revision = args.find((a) => a.name === 'revision')?.node;
    const rev = revision?.kind === 'string' && revision.value.trim() !== '' ? { revision: revision.value.trim() } : {};
    const subfolder = args.find((a) => a.name === 'subfolder')?.node;
    const sub = subfolder?.kind === 'string' && /^[\w.-]+$/.test(subfolder.value.trim()) ? { subfolder: subfolder.value.trim() } : {};
    return { id: name.value.trim(), range: name.range, pretraining: cls.endsWith('Config') ? null : false, ...rev, ...sub };
  }
  return null;
}
