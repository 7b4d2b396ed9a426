# Initialisation choice (not in the paper's tables): the "+ label smoothing" row without zero gamma (Section 3.1):
# every BN gamma starts at 1; convs and FC Xavier-uniform as the paper's baseline (Section 2.1).
# Declared settings: configs/imagenette/metafile.yml.
_base_ = './resnet18-d_1xb64-efficient-cos-ls-8e_imagenette-40px.py'
model = dict(backbone=dict(init='xavier', zero_init_residual=False))
