# mmpretrain's runtime for the CPU-scale Imagenette rows: a checkpoint every 5 epochs and at the end,
# the last 2 kept; a log line every 20 iterations.
_base_ = 'mmpretrain::_base_/default_runtime.py'
default_hooks = dict(checkpoint=dict(type='CheckpointHook', interval=5, max_keep_ckpts=2, save_last=True),
                     logger=dict(interval=20))
