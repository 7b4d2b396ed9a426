# Table 9 row "d-cos-ls" (ImageNet top-1 78.34; paper pixAcc 78.64, mIoU 38.75).
_base_ = './fcn_r50-d-d8_512x512_80k_ade20k.py'
model = dict(backbone=dict(variant='D', init_cfg=dict(type='Pretrained', checkpoint={{_base_.cls_d_cos_ls}},
                                                    prefix='backbone.')))
