# Our own minimal version of the keras-io recipe "Parameter-efficient fine-tuning of Gemma with LoRA and QLoRA".
import os

os.environ["KERAS_BACKEND"] = "jax"

import keras
import keras_hub
import tensorflow_datasets as tfds

keras.config.set_dtype_policy("bfloat16")

train_ds = tfds.load("mtnt/fr-en", split="train")
train_ds = train_ds.batch(1).take(100)

preprocessor = keras_hub.models.GemmaCausalLMPreprocessor.from_preset(
    "gemma_1.1_instruct_2b_en", sequence_length=256
)
gemma_lm = keras_hub.models.GemmaCausalLM.from_preset(
    "gemma_1.1_instruct_2b_en", preprocessor=preprocessor
)

gemma_lm.quantize("int8")
gemma_lm.backbone.enable_lora(rank=4)

optimizer = keras.optimizers.SGD(learning_rate=1e-4)
gemma_lm.compile(
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    optimizer=optimizer,
    weighted_metrics=[keras.metrics.SparseCategoricalAccuracy()],
)
gemma_lm.fit(train_ds, epochs=1)
