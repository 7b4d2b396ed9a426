# Table 8 row "b-standard" (ImageNet top-1 76.14; paper VOC07 mAP 77.54).
_base_ = './faster-rcnn_r50-d_fpn_18e_voc0712.py'
model = dict(backbone=dict(variant='B', init_cfg=dict(type='Pretrained', checkpoint={{_base_.cls_b_standard}},
                                                    prefix='backbone.')))
