# Table 4, row "+ FP16", BS 256: mixed precision with dynamic loss scaling (Section 3.2); lr 0.1 (linear scaling,
# Section 3.1). Declared settings and paper numbers: configs/imagenet/metafile.yml.
_base_ = [
    '../_base_/models/resnet50.py', '../_base_/datasets/imagenet_paper.py',
    '../_base_/schedules/imagenet_bs256_120e_warmup.py', '../_base_/default_runtime_in1k.py'
]
model = dict(backbone=dict(variant='A', zero_init_residual=True))
optim_wrapper = dict(type='AmpOptimWrapper', loss_scale='dynamic',
                     paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
