# Table 8, row "B-standard" in the C4 form the paper ran (GluonCV): stages 1-3 as the backbone (stride 16), stage
# 4 as the RoI shared head, both from the ResNet-50-B classifier of that row, loaded strictly. Declared settings
# and paper numbers: configs/voc/metafile.yml.
_base_ = [
    '../_base_/models/faster-rcnn_r50-d_c4.py', '../_base_/datasets/voc0712.py',
    '../_base_/schedules/voc_18e.py', 'mmdet::_base_/default_runtime.py', '../_base_/classifier_checkpoints.py'
]
model = dict(
    backbone=dict(variant='B', init_cfg=dict(checkpoint={{_base_.cls_b_standard}})),
    roi_head=dict(shared_head=dict(variant='B', init_cfg=dict(checkpoint={{_base_.cls_b_standard}})),
                  bbox_head=dict(num_classes=20)))
