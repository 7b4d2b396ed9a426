# Table 9 row "b-standard" (ImageNet top-1 76.14; paper pixAcc 78.08, mIoU 37.05).
_base_ = './fcn_r50-d-d8_512x512_80k_ade20k.py'
model = dict(backbone=dict(variant='B', init_cfg=dict(type='Pretrained', checkpoint={{_base_.cls_b_standard}},
                                                    prefix='backbone.')))
