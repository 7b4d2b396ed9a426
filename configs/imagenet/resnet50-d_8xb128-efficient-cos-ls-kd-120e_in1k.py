# Table 6, row "+ distill w/o mixup": teacher ResNet-152-D (cosine + label smoothing), T = 20, loss = CE + T^2 *
# CE(teacher/T, student/T) (Section 5.3, eq. 6). Train the teacher first. Declared settings and paper numbers:
# configs/imagenet/metafile.yml.
_base_ = [
    '../_base_/models/resnet50.py', '../_base_/datasets/imagenet_paper.py',
    '../_base_/schedules/imagenet_bs1024_120e_coslr_warmup.py', '../_base_/default_runtime_in1k.py',
    '../_base_/classifier_checkpoints.py'
]
train_dataloader = dict(batch_size=128)  # 8 GPUs x 128 = 1024
model = dict(
    type='tricks_mm.DistillImageClassifier',
    teacher='{{ fileDirname }}/resnet152-d_8xb128-efficient-cos-ls-120e_in1k.py',
    teacher_checkpoint={{_base_.teacher_cos_ls}}, temperature=20.0,
    backbone=dict(variant='D', zero_init_residual=True),
    head=dict(loss=dict(_delete_=True, type='tricks_mm.LabelSmoothLoss', label_smooth_val=0.1, mode='paper')))
optim_wrapper = dict(type='AmpOptimWrapper', loss_scale='dynamic',
                     paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
