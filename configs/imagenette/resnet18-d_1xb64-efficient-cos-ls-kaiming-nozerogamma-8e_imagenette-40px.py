# Initialisation choice (not in the paper's tables): the "+ label smoothing" row with Kaiming-normal convs
# (He et al., ICCV 2015: std sqrt(2 / fan_out)) and without zero gamma (every BN gamma 1); the FC stays Xavier.
# Declared settings: configs/imagenette/metafile.yml.
_base_ = './resnet18-d_1xb64-efficient-cos-ls-8e_imagenette-40px.py'
model = dict(backbone=dict(init='kaiming', zero_init_residual=False))
