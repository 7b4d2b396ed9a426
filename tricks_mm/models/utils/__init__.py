from .batch_augments import *  # noqa: F401,F403
