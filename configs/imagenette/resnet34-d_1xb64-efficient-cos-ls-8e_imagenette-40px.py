# Small-scale teacher: ResNet-34-D with cosine and label smoothing (Section 5.3 uses ResNet-152-D; ResNet-34-D is
# the largest that fits the CPU budget). Protocol: docs/small_scale_reproduction.md; declared settings:
# configs/imagenette/metafile.yml.
_base_ = [
    '../_base_/models/resnet18_imagenette.py', '../_base_/datasets/imagenette.py',
    '../_base_/schedules/imagenette_bs64_8e_coslr_warmup.py', '../_base_/default_runtime_imagenette.py'
]
model = dict(
    backbone=dict(variant='D', depth=34, zero_init_residual=True),
    head=dict(loss=dict(_delete_=True, type='tricks_mm.LabelSmoothLoss', label_smooth_val=0.1, mode='paper')))
optim_wrapper = dict(type='tricks_mm.BF16OptimWrapper',
                     paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
