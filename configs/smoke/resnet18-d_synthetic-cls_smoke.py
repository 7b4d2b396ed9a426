# Smoke: ResNet-18-D classifier on the synthetic shapes, a few iterations on the CPU.
_base_ = [
    '../_base_/models/resnet50.py', '../_base_/datasets/synthetic_cls.py',
    'mmpretrain::_base_/default_runtime.py', '../_base_/schedules/smoke_iters.py'
]
model = dict(backbone=dict(depth=18, variant='D', zero_init_residual=True, init='kaiming'),
             head=dict(num_classes=4, in_channels=512, topk=(1, )))
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(by_epoch=False, interval=2))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0)
