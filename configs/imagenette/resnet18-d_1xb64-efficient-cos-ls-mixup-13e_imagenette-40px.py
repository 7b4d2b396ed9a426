# Small-scale "+ mixup w/o distill" (Section 5.4, alpha 0.2), lengthened as the paper does (120 -> 200 epochs): 8 x
# 200 / 120 = 13.3 -> 13 epochs, cosine over all 13. Protocol: docs/small_scale_reproduction.md; declared settings:
# configs/imagenette/metafile.yml.
_base_ = [
    '../_base_/models/resnet18_imagenette.py', '../_base_/datasets/imagenette.py',
    '../_base_/schedules/imagenette_bs64_13e_coslr_warmup.py', '../_base_/default_runtime_imagenette.py'
]
model = dict(
    backbone=dict(variant='D', zero_init_residual=True),
    head=dict(loss=dict(_delete_=True, type='tricks_mm.LabelSmoothLoss', label_smooth_val=0.1, mode='paper')),
    train_cfg=dict(augments=dict(type='Mixup', alpha=0.2)))
optim_wrapper = dict(type='tricks_mm.BF16OptimWrapper',
                     paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
