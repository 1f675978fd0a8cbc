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
