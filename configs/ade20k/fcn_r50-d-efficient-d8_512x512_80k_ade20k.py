# Table 9 row "d-efficient" (ImageNet top-1 77.16; paper pixAcc 78.88, mIoU 38.88).
_base_ = './fcn_r50-d-d8_512x512_80k_ade20k.py'
model = dict(backbone=dict(variant='D', init_cfg=dict(type='Pretrained', checkpoint={{_base_.cls_d_efficient}},
                                                    prefix='backbone.')))
