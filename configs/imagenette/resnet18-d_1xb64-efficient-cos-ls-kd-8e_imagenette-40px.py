# Small-scale "+ distill w/o mixup" (Section 5.3, eq. 6, T = 20): cosine + label smoothing + distillation from the
# ResNet-34-D teacher (train it first; configs/reproduce/small_real.py sets its checkpoint). Protocol:
# docs/small_scale_reproduction.md; declared settings: configs/imagenette/metafile.yml.
_base_ = [
    '../_base_/models/resnet18_imagenette.py', '../_base_/datasets/imagenette.py',
    '../_base_/schedules/imagenette_bs64_8e_coslr_warmup.py', '../_base_/default_runtime_imagenette.py',
    '../_base_/classifier_checkpoints.py'
]
model = dict(
    type='tricks_mm.DistillImageClassifier',
    teacher='{{ fileDirname }}/resnet34-d_1xb64-efficient-cos-ls-8e_imagenette-40px.py',
    teacher_checkpoint={{_base_.small_teacher_cos_ls}}, temperature=20.0,
    backbone=dict(variant='D', zero_init_residual=True),
    head=dict(loss=dict(_delete_=True, type='tricks_mm.LabelSmoothLoss', label_smooth_val=0.1, mode='paper')))
optim_wrapper = dict(type='tricks_mm.BF16OptimWrapper',
                     paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
