# Small-scale "B-standard": ResNet-18-B, no tricks (Tables 8/9, row 1).
_base_ = [
    '../_base_/models/resnet50-d_cls.py', '../_base_/datasets/imagenette.py',
    '../_base_/schedules/imagenette_step_20e.py', 'mmpretrain::_base_/default_runtime.py'
]
model = dict(backbone=dict(depth=18, variant='B', zero_init_residual=False, init='xavier'),
             head=dict(num_classes=10, in_channels=512, topk=(1, 5)))
default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=2, save_last=True),
                     logger=dict(interval=20))
