# Table 5, ResNet-50-B (paper: 76.66 top-1), efficient setting; Table 6 "Efficient" for D.
_base_ = './resnet50-a_8xb128-efficient_in1k.py'
model = dict(backbone=dict(variant='B'))
