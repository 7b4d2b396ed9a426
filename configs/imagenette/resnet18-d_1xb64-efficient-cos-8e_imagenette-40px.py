# Small-scale "+ cosine decay" (Section 5.1): warmup 1 epoch, then cosine to 0. Protocol:
# docs/small_scale_reproduction.md; declared settings: configs/imagenette/metafile.yml.
_base_ = [
    '../_base_/models/resnet18_imagenette.py', '../_base_/datasets/imagenette.py',
    '../_base_/schedules/imagenette_bs64_8e_coslr_warmup.py', '../_base_/default_runtime_imagenette.py'
]
model = dict(backbone=dict(variant='D', zero_init_residual=True))
optim_wrapper = dict(type='tricks_mm.BF16OptimWrapper',
                     paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
