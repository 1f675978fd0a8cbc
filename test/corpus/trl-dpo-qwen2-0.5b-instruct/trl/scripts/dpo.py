# Our own minimal trl/scripts/dpo.py: TRL's DPO script parses its arguments into these dataclasses.
from trl import DatasetMixtureConfig, ModelConfig, ScriptArguments, DPOConfig, DPOTrainer, TrlParser, get_peft_config

if __name__ == "__main__":
    parser = TrlParser((ScriptArguments, DPOConfig, ModelConfig, DatasetMixtureConfig))
    script_args, training_args, model_args, dataset_args = parser.parse_args_and_config(fail_with_unknown_args=False)
    trainer = DPOTrainer(model=model_args.model_name_or_path, args=training_args, peft_config=get_peft_config(model_args))
    trainer.train()
