# Our own minimal train.py: what the Flax ImageNet example does with the config.
import jax
import jax.numpy as jnp
import optax

NUM_CLASSES = 1000


def create_model(*, model_cls, half_precision, **kwargs):
  platform = jax.local_devices()[0].platform
  if half_precision:
    model_dtype = jnp.bfloat16 if platform == 'tpu' else jnp.float16
  else:
    model_dtype = jnp.float32
  return model_cls(num_classes=NUM_CLASSES, dtype=model_dtype, **kwargs)


def weight_penalty(params):
  weight_decay = 0.0001
  weight_l2 = sum(jnp.sum(x**2) for x in jax.tree_util.tree_leaves(params) if x.ndim > 1)
  return weight_decay * 0.5 * weight_l2


def train_and_evaluate(config, workdir):
  image_size = 224
  base_learning_rate = config.learning_rate * config.batch_size / 256.0
  warmup_fn = optax.linear_schedule(init_value=0.0, end_value=base_learning_rate, transition_steps=config.warmup_epochs)
  tx = optax.sgd(learning_rate=warmup_fn, momentum=config.momentum, nesterov=True)
