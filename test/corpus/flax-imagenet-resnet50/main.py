# Our own minimal main.py: the config file comes from --config, as in the Flax ImageNet example.
from absl import app, flags
from ml_collections import config_flags
import train

FLAGS = flags.FLAGS
flags.DEFINE_string('workdir', None, 'Directory to store model data.')
config_flags.DEFINE_config_file('config', None, 'File path to the training hyperparameter configuration.')


def main(argv):
  train.train_and_evaluate(FLAGS.config, FLAGS.workdir)


if __name__ == '__main__':
  app.run(main)
