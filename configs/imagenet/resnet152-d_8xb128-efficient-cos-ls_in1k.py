# Teacher for "+ distill w/o mixup": ResNet-152-D with cosine decay and label smoothing (Section 5.3).
_base_ = './resnet50-d_8xb128-efficient-cos-ls_in1k.py'
model = dict(backbone=dict(depth=152))
