# mmpretrain's runtime for the CPU-scale Imagenette rows: a checkpoint every epoch (the last 2 kept, so a
# resumed run loses at most one epoch), a log line every 20 iterations.
_base_ = 'mmpretrain::_base_/default_runtime.py'
default_hooks = dict(checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=2, save_last=True),
                     logger=dict(interval=20))
