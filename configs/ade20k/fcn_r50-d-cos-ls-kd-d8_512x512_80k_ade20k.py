# Table 9 row "d-cos-ls-kd" (ImageNet top-1 78.67; paper pixAcc 78.97, mIoU 38.9).
_base_ = './fcn_r50-d-d8_512x512_80k_ade20k.py'
model = dict(backbone=dict(variant='D', init_cfg=dict(type='Pretrained', checkpoint={{_base_.cls_d_cos_ls_kd}},
                                                    prefix='backbone.')))
