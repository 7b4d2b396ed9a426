# Small-scale CutMix (Yun et al., ICCV 2019; not in the paper's tables): the "+ mixup w/o distill" row with
# mmpretrain's CutMix in place of mixup: a box of area ratio 1 - lambda, lambda ~ Beta(1, 1) (the CutMix paper's
# alpha = 1 for ImageNet), pasted from another image of the batch, targets mixed by the box's clipped area
# (correct_lam). Mixup's 13 epochs (cosine over all 13), compared with the mixup row.
# Declared settings: configs/imagenette/metafile.yml.
_base_ = './resnet18-d_1xb64-efficient-cos-ls-mixup-13e_imagenette-40px.py'
model = dict(train_cfg=dict(augments=dict(_delete_=True, type='CutMix', alpha=1.0)))
