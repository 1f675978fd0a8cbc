# Our own minimal entry point in the shape of NeMo's example: Hydra (through NeMo's hydra_runner) reads
# conf/megatron_gpt_config.yaml; a Lightning Trainer is built from its trainer section and a Megatron GPT from its model
# section.
from pytorch_lightning import Trainer
from nemo.collections.nlp.models.language_modeling.megatron_gpt_model import MegatronGPTModel
from nemo.core.config import hydra_runner


@hydra_runner(config_path="conf", config_name="megatron_gpt_config")
def main(cfg) -> None:
    trainer = Trainer(**cfg.trainer)
    model = MegatronGPTModel(cfg.model, trainer)
    trainer.fit(model)


if __name__ == '__main__':
    main()
