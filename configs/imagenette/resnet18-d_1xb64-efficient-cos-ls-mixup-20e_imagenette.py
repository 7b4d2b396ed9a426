# Small-scale "+ mixup w/o distill" (Section 5.4, alpha 0.2). (The paper also lengthens the schedule.)
_base_ = './resnet18-d_1xb64-efficient-cos-ls-20e_imagenette.py'
model = dict(train_cfg=dict(augments=dict(type='Mixup', alpha=0.2)))
