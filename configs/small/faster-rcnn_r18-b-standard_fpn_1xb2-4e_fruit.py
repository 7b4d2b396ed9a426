# Small-scale Table 8, row "B-standard": Faster R-CNN + FPN on fruit photos, the ResNet-18-B backbone from the
# Imagenette classifier resnet18-b_1xb64-step-8e_imagenette-40px.py. Kept buildable, not in the small-scale protocol
# (configs/reproduce/small_real.py uses BCCD). Declared settings: configs/small/metafile.yml.
_base_ = [
    '../_base_/models/faster-rcnn_r18-d_fpn.py', '../_base_/datasets/fruit.py',
    '../_base_/schedules/small_det_4e.py', '../_base_/default_runtime_small_det.py',
    '../_base_/classifier_checkpoints.py'
]
model = dict(
    backbone=dict(variant='B',
                  init_cfg=dict(type='Pretrained', checkpoint={{_base_.small_b_standard}}, prefix='backbone.')),
    roi_head=dict(bbox_head=dict(num_classes=3)))
