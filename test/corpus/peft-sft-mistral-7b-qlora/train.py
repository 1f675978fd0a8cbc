# Our own minimal train.py: PEFT's SFT example arguments (defaults as in the source) and how they are parsed.
from dataclasses import dataclass, field
from typing import Optional
from transformers import HfArgumentParser
from trl import SFTConfig

@dataclass
class ModelArguments:
    model_name_or_path: str = field(metadata={"help": "model id or path"})
    lora_alpha: Optional[int] = field(default=16)
    lora_dropout: Optional[float] = field(default=0.1)
    lora_r: Optional[int] = field(default=64)
    lora_target_modules: Optional[str] = field(default="q_proj,k_proj,v_proj,o_proj,down_proj,up_proj,gate_proj")
    use_nested_quant: Optional[bool] = field(default=False)
    bnb_4bit_compute_dtype: Optional[str] = field(default="float16")
    bnb_4bit_quant_type: Optional[str] = field(default="nf4")
    use_flash_attn: Optional[bool] = field(default=False)
    use_peft_lora: Optional[bool] = field(default=False)
    use_4bit_quantization: Optional[bool] = field(default=False)

@dataclass
class DataTrainingArguments:
    dataset_name: Optional[str] = field(default="timdettmers/openassistant-guanaco")
    splits: Optional[str] = field(default="train,test")

if __name__ == "__main__":
    parser = HfArgumentParser((ModelArguments, DataTrainingArguments, SFTConfig))
    model_args, data_args, training_args = parser.parse_args_into_dataclasses()
    model_args.max_length = training_args.max_length  # --max_length is an SFTConfig field
