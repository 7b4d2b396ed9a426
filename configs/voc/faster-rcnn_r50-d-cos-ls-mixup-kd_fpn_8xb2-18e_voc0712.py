# Table 8, row "+ distill w/ mixup" (Faster R-CNN + FPN, mmdet's standard form): the backbone is the ResNet-50-D
# classifier of that row, loaded strictly. Declared settings and paper numbers: configs/voc/metafile.yml.
_base_ = [
    '../_base_/models/faster-rcnn_r50-d_fpn.py', '../_base_/datasets/voc0712.py',
    '../_base_/schedules/voc_18e.py', 'mmdet::_base_/default_runtime.py', '../_base_/classifier_checkpoints.py'
]
model = dict(
    backbone=dict(variant='D',
                  init_cfg=dict(type='Pretrained', checkpoint={{_base_.cls_d_cos_ls_mixup_kd}}, prefix='backbone.')),
    roi_head=dict(bbox_head=dict(num_classes=20)))
