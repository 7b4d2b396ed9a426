# Demo "+ mixup w/o distill" classifier (Table 6 row 5) on the synthetic shapes: ResNet-18-D with
# the efficient tricks (Section 3: warmup from 0, zero gamma, no bias decay, bf16 where the CPU has it natively),
# cosine decay (5.1), label smoothing eq. 4 (5.2) and mixup alpha 0.2 (5.4).
_base_ = './resnet18-b_1xb32-step-4e_synthetic-cls.py'
model = dict(
    backbone=dict(variant='D', zero_init_residual=True),
    head=dict(loss=dict(_delete_=True, type='tricks_mm.LabelSmoothLoss', label_smooth_val=0.1, mode='paper')),
    train_cfg=dict(augments=dict(type='Mixup', alpha=0.2)))
optim_wrapper = dict(type='tricks_mm.BF16OptimWrapper', paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
param_scheduler = [
    dict(type='tricks_mm.LinearWarmupLR', by_epoch=True, begin=0, end=1, convert_to_iter_based=True),
    dict(type='tricks_mm.CosineDecayLR', by_epoch=True, begin=1, end=4, convert_to_iter_based=True),
]
