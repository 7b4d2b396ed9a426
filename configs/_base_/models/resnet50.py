# ImageNet classifier (mmpretrain ImageClassifier) on the tricks_mm ResNet, initialised as the paper's
# baseline (Section 2.1): Xavier-uniform for every conv AND the FC layer, biases 0, BN gamma 1 / beta 0.
# One init for every classifier row; rows set only the variant (Section 4) and zero gamma (Section 3.1).
model = dict(
    type='ImageClassifier',
    backbone=dict(type='tricks_mm.TricksResNet', depth=50, variant='A', out_indices=(3, ),
                  zero_init_residual=False, init='xavier'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=1000,
        in_channels=2048,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        topk=(1, 5),
        # mmpretrain's default for the head is Normal(std=0.01); the paper uses Xavier for the FC too
        init_cfg=dict(type='Xavier', layer='Linear', distribution='uniform')))
