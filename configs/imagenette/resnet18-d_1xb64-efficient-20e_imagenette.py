# Small-scale "D-efficient" (Table 6 row 1): ResNet-18-D, warmup, zero gamma, no bias decay,
# bf16 mixed precision on the CPU (Section 3).
_base_ = './resnet18-b_1xb64-step-20e_imagenette.py'
model = dict(backbone=dict(variant='D', zero_init_residual=True, init='kaiming'))
optim_wrapper = dict(type='tricks_mm.BF16OptimWrapper',
                     paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
param_scheduler = [
    dict(type='tricks_mm.LinearWarmupLR', by_epoch=True, begin=0, end=1, convert_to_iter_based=True),
    dict(type='MultiStepLR', by_epoch=True, milestones=[10, 15], gamma=0.1),
]
