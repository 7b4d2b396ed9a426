# Table 6, row "+ mixup w/o distill": mixup alpha = 0.2 on the batch, 200 epochs (Section 5.4). Declared settings
# and paper numbers: configs/imagenet/metafile.yml.
_base_ = [
    '../_base_/models/resnet50.py', '../_base_/datasets/imagenet_paper.py',
    '../_base_/schedules/imagenet_bs1024_200e_coslr_warmup.py', '../_base_/default_runtime_in1k.py'
]
train_dataloader = dict(batch_size=128)  # 8 GPUs x 128 = 1024
model = dict(
    backbone=dict(variant='D', zero_init_residual=True),
    head=dict(loss=dict(_delete_=True, type='tricks_mm.LabelSmoothLoss', label_smooth_val=0.1, mode='paper')),
    train_cfg=dict(augments=dict(type='Mixup', alpha=0.2)))
optim_wrapper = dict(type='AmpOptimWrapper', loss_scale='dynamic',
                     paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
