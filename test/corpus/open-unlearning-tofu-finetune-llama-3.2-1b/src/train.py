# Our own minimal entry point in the shape of open-unlearning's src/train.py: Hydra composes configs/train.yaml
# (with the groups and the experiment the command line names), then the model, data and trainer are built from it.
import hydra
from omegaconf import DictConfig


@hydra.main(version_base=None, config_path="../configs", config_name="train.yaml")
def main(cfg: DictConfig):
    from model import get_model
    from trainer import load_trainer

    model, tokenizer = get_model(cfg.model)
    trainer, trainer_args = load_trainer(trainer_cfg=cfg.trainer, model=model, tokenizer=tokenizer)
    trainer.train()


if __name__ == "__main__":
    main()
