# Table 4, row "Linear scaling", BS 256 (paper: 75.87 top-1): the paper's baseline ResNet-50 (variant A),
# Xavier init, step decay, 8 GPUs x 32.
_base_ = [
    '../_base_/models/resnet50-d_cls.py', '../_base_/datasets/imagenet_paper.py',
    '../_base_/schedules/imagenet_step_120e.py', 'mmpretrain::_base_/default_runtime.py'
]
model = dict(backbone=dict(variant='A', zero_init_residual=False, init='xavier'))
