# Table 9 row "d-cos" (ImageNet top-1 77.91; paper pixAcc 79.25, mIoU 39.33).
_base_ = './fcn_r50-d-d8_512x512_80k_ade20k.py'
model = dict(backbone=dict(variant='D', init_cfg=dict(type='Pretrained', checkpoint={{_base_.cls_d_cos}},
                                                    prefix='backbone.')))
