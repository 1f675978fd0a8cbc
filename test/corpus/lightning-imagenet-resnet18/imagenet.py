# Our own minimal version of Lightning's ImageNet domain template:
#   python imagenet.py fit --model.data_path /path/to/imagenet
from typing import Optional
import torch.optim as optim
import torch.utils.data
import torch.optim.lr_scheduler as lr_scheduler
import torchvision.transforms as transforms
from lightning.pytorch import LightningModule
from lightning.pytorch.cli import LightningCLI
from lightning.pytorch.strategies import ParallelStrategy
from torchvision.models import get_model as get_torchvision_model


class ImageNetLightningModel(LightningModule):
    def __init__(
        self,
        data_path: str,
        arch: str = "resnet18",
        weights: Optional[str] = None,
        lr: float = 0.1,
        momentum: float = 0.9,
        weight_decay: float = 1e-4,
        batch_size: int = 256,
        workers: int = 4,
    ):
        super().__init__()
        self.save_hyperparameters()
        self.batch_size = batch_size
        self.model = get_torchvision_model(arch, weights=weights)

    def configure_optimizers(self):
        optimizer = optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=self.hparams.momentum,
                              weight_decay=self.hparams.weight_decay)
        scheduler = lr_scheduler.LambdaLR(optimizer, lambda epoch: 0.1 ** (epoch // 30))
        return [optimizer], [scheduler]

    def setup(self, stage: str):
        # one GPU per process: the batch size is split over the processes
        if isinstance(self.trainer.strategy, ParallelStrategy):
            self.batch_size = int(self.batch_size / max(1, self.trainer.strategy.num_processes))
        self.train_transform = transforms.Compose([transforms.RandomResizedCrop(224), transforms.RandomHorizontalFlip()])

    def train_dataloader(self):
        return torch.utils.data.DataLoader(dataset=self.train_dataset, batch_size=self.batch_size, shuffle=True,
                                           num_workers=self.hparams.workers, pin_memory=True)


if __name__ == "__main__":
    LightningCLI(
        ImageNetLightningModel,
        trainer_defaults={"max_epochs": 90, "accelerator": "auto", "devices": 1, "benchmark": True},
        seed_everything_default=42,
    )
