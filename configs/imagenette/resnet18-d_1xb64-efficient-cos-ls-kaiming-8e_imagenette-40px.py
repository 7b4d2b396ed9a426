# Initialisation choice (not in the paper's tables): the "+ label smoothing" row (Xavier-uniform convs, Section 2.1,
# with zero gamma, Section 3.1) with the convs Kaiming-normal instead (He et al., ICCV 2015: std sqrt(2 / fan_out),
# torchvision's and mmpretrain's ResNet default); zero gamma kept, the FC stays Xavier as in every row.
# Declared settings: configs/imagenette/metafile.yml.
_base_ = './resnet18-d_1xb64-efficient-cos-ls-8e_imagenette-40px.py'
model = dict(backbone=dict(init='kaiming', zero_init_residual=True))
