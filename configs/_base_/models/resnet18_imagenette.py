# The CPU-scale classifier: the same model and init as the ImageNet rows (Xavier for convs and FC,
# Section 2.1), ResNet-18 with a 10-way head for Imagenette. Rows set the variant, depth and zero gamma.
_base_ = './resnet50.py'
model = dict(backbone=dict(depth=18), head=dict(num_classes=10, in_channels=512))
