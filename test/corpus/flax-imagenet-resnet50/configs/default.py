"""Default Hyperparameter configuration."""
import ml_collections


def get_config():
  """Get the default hyperparameter configuration."""
  config = ml_collections.ConfigDict()
  config.model = 'ResNet50'
  config.dataset = 'imagenet2012:5.*.*'
  config.learning_rate = 0.1
  config.warmup_epochs = 5.0
  config.momentum = 0.9
  config.batch_size = 128
  config.num_epochs = 100.0
  config.cache = False
  config.half_precision = False
  config.num_train_steps = -1
  return config
