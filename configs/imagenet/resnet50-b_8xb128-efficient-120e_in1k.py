# Table 5, ResNet-50-B: stride 2 on the 3x3 conv of the downsampling block (Section 4), efficient setting.
# Declared settings and paper numbers: configs/imagenet/metafile.yml.
_base_ = [
    '../_base_/models/resnet50.py', '../_base_/datasets/imagenet_paper.py',
    '../_base_/schedules/imagenet_bs1024_120e_warmup.py', '../_base_/default_runtime_in1k.py'
]
train_dataloader = dict(batch_size=128)  # 8 GPUs x 128 = 1024
model = dict(backbone=dict(variant='B', zero_init_residual=True))
optim_wrapper = dict(type='AmpOptimWrapper', loss_scale='dynamic',
                     paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
