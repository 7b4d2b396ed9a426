# FCN-D8 on a ResNet-18 (stage 4: 512 channels, stage 3: 256) for the CPU-scale rows: narrower heads.
_base_ = './fcn_r50-d8.py'
model = dict(
    backbone=dict(depth=18),
    decode_head=dict(in_channels=512, channels=128),
    auxiliary_head=dict(in_channels=256, channels=64))
