# Table 8 row "d-cos-ls-mixup" (ImageNet top-1 79.16; paper VOC07 mAP 81.1).
_base_ = './faster-rcnn_r50-d_fpn_18e_voc0712.py'
model = dict(backbone=dict(variant='D', init_cfg=dict(type='Pretrained', checkpoint={{_base_.cls_d_cos_ls_mixup}},
                                                    prefix='backbone.')))
