# mmpretrain's runtime for the ImageNet rows, keeping the disk bounded: a ResNet-50 checkpoint with its
# optimizer state is ~200 MB, so every epoch of 120 (200) would be ~25 GB a run; keep the last 3 epochs
# and the best top-1 (`save_best='auto'`: the evaluator's first metric, accuracy/top1).
_base_ = 'mmpretrain::_base_/default_runtime.py'
default_hooks = dict(checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=3, save_best='auto'))
