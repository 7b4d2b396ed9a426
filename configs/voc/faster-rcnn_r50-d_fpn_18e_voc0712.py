# Faster R-CNN + FPN with a ResNet-50-D backbone on VOC07+12 (paper Section 6.1). The row configs of
# Table 8 inherit this and only choose the variant and the classifier checkpoint.
_base_ = [
    '../_base_/models/faster-rcnn_r50-d_fpn.py', '../_base_/datasets/voc0712.py',
    '../_base_/schedules/voc_18e.py', 'mmdet::_base_/default_runtime.py',
    '../_base_/classifier_checkpoints.py'
]
model = dict(roi_head=dict(bbox_head=dict(num_classes=20)))
