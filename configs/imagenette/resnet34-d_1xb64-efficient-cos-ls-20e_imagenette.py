# Small-scale teacher: ResNet-34-D with cosine and label smoothing (Section 5.3 uses ResNet-152-D).
_base_ = './resnet18-d_1xb64-efficient-cos-ls-20e_imagenette.py'
model = dict(backbone=dict(depth=34))
