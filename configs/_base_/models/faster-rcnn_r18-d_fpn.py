# Faster R-CNN + FPN on a ResNet-18 (basic blocks: stage widths 64-512) for the CPU-scale rows, with the fast
# CPU RoIAlign (tricks_mm.SingleRoIExtractor: mmdet's extractor, pooled features equal to mmcv's).
_base_ = './faster-rcnn_r50-d_fpn.py'
model = dict(
    backbone=dict(depth=18), neck=dict(in_channels=[64, 128, 256, 512]),
    roi_head=dict(bbox_roi_extractor=dict(type='tricks_mm.SingleRoIExtractor')))
