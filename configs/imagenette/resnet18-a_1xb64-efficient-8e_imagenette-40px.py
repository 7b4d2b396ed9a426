# Small-scale Table 5 row: ResNet-18-A (the original ResNet; for basic blocks A and B are the same network, so this
# row also stands for B), with the efficient recipe of Section 3 (warmup, zero gamma, no bias decay, bf16 mixed
# precision where the CPU has it natively), step decay. Protocol: docs/small_scale_reproduction.md; declared
# settings: configs/imagenette/metafile.yml.
_base_ = [
    '../_base_/models/resnet18_imagenette.py', '../_base_/datasets/imagenette.py',
    '../_base_/schedules/imagenette_bs64_8e_warmup.py', '../_base_/default_runtime_imagenette.py'
]
model = dict(backbone=dict(variant='A', zero_init_residual=True))
optim_wrapper = dict(type='tricks_mm.BF16OptimWrapper',
                     paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
