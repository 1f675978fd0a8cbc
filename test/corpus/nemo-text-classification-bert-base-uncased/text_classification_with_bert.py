# Our own minimal entry point in the shape of NeMo's example: Hydra (through NeMo's hydra_runner) reads
# conf/text_classification_config.yaml, a Lightning Trainer is built from its trainer section and the model from its
# model section.
import pytorch_lightning as pl
from nemo.collections.nlp.models import TextClassificationModel
from nemo.core.config import hydra_runner


@hydra_runner(config_path="conf", config_name="text_classification_config")
def main(cfg):
    trainer = pl.Trainer(**cfg.trainer)
    model = TextClassificationModel(cfg.model, trainer=trainer)
    trainer.fit(model)


if __name__ == "__main__":
    main()
