# ImageNet classifier: mmpretrain ImageClassifier with the tricks_mm ResNet (paper Section 4).
# Variant and depth are overridden per config (backbone.variant / backbone.depth).
model = dict(
    type='ImageClassifier',
    backbone=dict(type='tricks_mm.TricksResNet', depth=50, variant='D', out_indices=(3, ),
                  zero_init_residual=True, init='kaiming'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=1000,
        in_channels=2048,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        topk=(1, 5)))
