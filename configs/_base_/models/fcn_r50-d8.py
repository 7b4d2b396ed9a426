# FCN (mmseg's base model) on the tricks_mm ResNet in the dilated D8 setting (paper Section 6.2):
# stages 3 and 4 dilated 2 and 4 with stride 1, output stride 8, auxiliary head on stage 3.
_base_ = 'mmseg::_base_/models/fcn_r50-d8.py'
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    # the classifiers' normalisation (paper Section 2.1), so transferred features see familiar inputs
    data_preprocessor=dict(mean=[123.68, 116.779, 103.939], std=[58.393, 57.12, 57.375]),
    pretrained=None,
    backbone=dict(
        _delete_=True,
        type='tricks_mm.TricksResNet',
        depth=50,
        variant='D',
        out_indices=(0, 1, 2, 3),
        strides=(1, 2, 1, 1),
        dilations=(1, 1, 2, 4),
        contract_dilation=True,
        norm_cfg=norm_cfg,
        norm_eval=False,
        zero_init_residual=False))
