# Table 8 row "d-cos" (ImageNet top-1 77.91; paper VOC07 mAP 79.23).
_base_ = './faster-rcnn_r50-d_fpn_18e_voc0712.py'
model = dict(backbone=dict(variant='D', init_cfg=dict(type='Pretrained', checkpoint={{_base_.cls_d_cos}},
                                                    prefix='backbone.')))
