# Demo Table 8 row "B-standard": the demo detector (faster-rcnn_r18-d_fpn_1xb4-2e_synthetic-voc.py) on a
# ResNet-18-B, the backbone of the demo B-standard classifier.
_base_ = './faster-rcnn_r18-d_fpn_1xb4-2e_synthetic-voc.py'
model = dict(backbone=dict(variant='B'))
