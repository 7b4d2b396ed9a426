# Table 9 row "d-cos-ls-mixup-kd" (ImageNet top-1 79.29; paper pixAcc 78.72, mIoU 38.4).
_base_ = './fcn_r50-d-d8_512x512_80k_ade20k.py'
model = dict(backbone=dict(variant='D', init_cfg=dict(type='Pretrained', checkpoint={{_base_.cls_d_cos_ls_mixup_kd}},
                                                    prefix='backbone.')))
