# Small-scale RICAP (Takahashi et al., ACML 2018; not in the paper's tables): the "+ mixup w/o distill" row with
# RICAP in place of mixup: four crops of four batch images tiled around a boundary point drawn from Beta(0.3, 0.3),
# targets mixed by area (tricks_mm/models/utils/batch_augments/ricap.py). Like mixup a regulariser that needs a
# longer schedule, so it gets mixup's 13 epochs (cosine over all 13) and is compared with the mixup row.
# Declared settings: configs/imagenette/metafile.yml.
_base_ = './resnet18-d_1xb64-efficient-cos-ls-mixup-13e_imagenette-40px.py'
model = dict(train_cfg=dict(augments=dict(_delete_=True, type='tricks_mm.RICAP', beta=0.3)))
