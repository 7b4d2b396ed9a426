# Small-scale Table 8, row "B-standard": Faster R-CNN + FPN on BCCD blood cells (384x288, 2 epochs), the ResNet-18-B
# backbone from the Imagenette classifier resnet18-b_1xb64-step-8e_imagenette-40px.py;
# configs/reproduce/small_real.py replaces the checkpoint by the seed-matched one of its classifier row. Protocol:
# docs/small_scale_reproduction.md; declared settings: configs/small/metafile.yml.
_base_ = [
    '../_base_/models/faster-rcnn_r18-d_fpn.py', '../_base_/datasets/bccd.py',
    '../_base_/schedules/small_det_2e.py', '../_base_/default_runtime_small_det.py',
    '../_base_/classifier_checkpoints.py'
]
model = dict(
    backbone=dict(variant='B',
                  init_cfg=dict(type='Pretrained', checkpoint={{_base_.small_b_standard}}, prefix='backbone.')),
    roi_head=dict(bbox_head=dict(num_classes=3)))
