# Small-scale "D-efficient" (Table 6 row 1): ResNet-18-D, warmup, zero gamma, no bias decay, bf16 mixed precision
# on the CPU where it is native (Section 3). Declared settings and paper numbers: configs/imagenette/metafile.yml.
_base_ = [
    '../_base_/models/resnet18_imagenette.py', '../_base_/datasets/imagenette.py',
    '../_base_/schedules/imagenette_bs64_20e_warmup.py', '../_base_/default_runtime_imagenette.py'
]
model = dict(backbone=dict(variant='D', zero_init_residual=True))
optim_wrapper = dict(type='tricks_mm.BF16OptimWrapper',
                     paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
