import hydra
from hydra.utils import instantiate


@hydra.main(version_base=None, config_path="../configs", config_name="defaults")
def main(cfg):
    trainer = instantiate(cfg.train.object, cfg)
    trainer.run()


if __name__ == "__main__":
    main()
