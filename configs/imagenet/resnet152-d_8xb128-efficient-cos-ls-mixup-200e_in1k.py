# Teacher for "+ distill w/ mixup": ResNet-152-D with cosine, label smoothing and mixup, 200 epochs.
_base_ = './resnet50-d_8xb128-efficient-cos-ls-mixup-200e_in1k.py'
model = dict(backbone=dict(depth=152))
