# Smoke: Faster R-CNN + FPN on a ResNet-18-D, synthetic VOC devkit, a few iterations on the CPU.
_base_ = [
    '../_base_/models/faster-rcnn_r50-d_fpn.py', '../_base_/datasets/synthetic_voc.py',
    'mmdet::_base_/default_runtime.py', '../_base_/schedules/smoke_iters.py'
]
model = dict(
    backbone=dict(depth=18),
    neck=dict(in_channels=[64, 128, 256, 512], out_channels=64),
    rpn_head=dict(in_channels=64, feat_channels=64),
    roi_head=dict(bbox_roi_extractor=dict(out_channels=64),
                  bbox_head=dict(in_channels=64, fc_out_channels=128, num_classes=3)))
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(by_epoch=False, interval=2))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0)
