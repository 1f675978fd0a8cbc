/**
 * A LightningModule's `self.hparams.x` after `self.save_hyperparameters()` is its `__init__` argument's default, and
 * torchvision's `RandomResizedCrop(size)` is the training image size (README: What the scanner reads). Hand-made inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFiles } from '../../src/core/scan';

const MODULE = (save: string) => `import torch
import torchvision.transforms as T
from lightning.pytorch import LightningModule

class Net(LightningModule):
    def __init__(self, lr: float = 0.05, weight_decay: float = 5e-4):
        super().__init__()
        ${save}

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)

    def setup(self, stage):
        self.train_transform = T.Compose([T.RandomResizedCrop(160), T.RandomHorizontalFlip()])
`;

test('self.hparams.x reads the __init__ default when the module saves its hyperparameters', () => {
  const [job] = scanFiles([{ path: 'net.py', text: MODULE('self.save_hyperparameters()') }]).jobs;
  assert.equal(job.settings.learningRate, 0.05);
  assert.equal(job.settings.weightDecay, 5e-4);
  assert.equal(job.sources['learningRate']?.range.line, 6, 'the default in __init__ is where the value is written');
  assert.equal(job.settings.imageSize, 160);
  assert.equal(job.sources['imageSize']?.range.line, 14);
});

test('without save_hyperparameters, self.hparams.x is not read', () => {
  const [job] = scanFiles([{ path: 'net.py', text: MODULE('pass') }]).jobs;
  assert.equal(job.settings.learningRate, undefined);
  assert.equal(job.settings.weightDecay, undefined);
});

const LOADER = (init: string, batch: string) => `import torch
import torch.utils.data
import torchvision
from lightning.pytorch import LightningModule

class Net(LightningModule):
    def __init__(self, data_path: str, batch_size: int = 96, workers: int = 4):
        super().__init__()
        self.save_hyperparameters()
        ${init}
        self.model = torchvision.models.resnet18()

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)

    def setup(self, stage):
        self.batch_size = int(self.batch_size / max(1, self.trainer.strategy.num_processes))

    def train_dataloader(self):
        return torch.utils.data.DataLoader(dataset=self.train_dataset, batch_size=${batch}, shuffle=True)
`;

test("the training DataLoader's batch is __init__'s default, through self.hparams.x or through self.x = x", () => {
  for (const [init, batch] of [['pass', 'self.hparams.batch_size'], ['self.batch_size = batch_size', 'self.batch_size']]) {
    const [job] = scanFiles([{ path: 'net.py', text: LOADER(init, batch) }]).jobs;
    assert.equal(job.settings.perDeviceBatchSize, 96, batch);
    assert.equal(job.sources['perDeviceBatchSize']?.range.line, 7, `${batch}: the default in __init__ is where the value is written`);
  }
});

test('a batch attribute only ever set by an expression (int(...)) is not read, and does not reject the file', () => {
  const [job] = scanFiles([{ path: 'net.py', text: LOADER('pass', 'self.batch_size') }]).jobs;
  assert.ok(job !== undefined, 'the script still forms a job');
  assert.equal(job.settings.perDeviceBatchSize, undefined);
});
