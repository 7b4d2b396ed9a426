# Table 8/9 "B-standard" backbone (76.14): ResNet-50-B (torchvision's layout) with the standard recipe
# (batch 256, step decay, 120 epochs, no tricks).
_base_ = './resnet50-a_8xb32-step_in1k.py'
model = dict(backbone=dict(variant='B'))
