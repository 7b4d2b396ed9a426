# Table 4, row "Linear scaling", BS 256: the paper's baseline (Section 2.1): ResNet-50, Xavier init, step decay;
# lr 0.1 (linear scaling, Section 3.1). Declared settings and paper numbers: configs/imagenet/metafile.yml.
_base_ = [
    '../_base_/models/resnet50.py', '../_base_/datasets/imagenet_paper.py',
    '../_base_/schedules/imagenet_bs256_120e.py', '../_base_/default_runtime_in1k.py'
]
model = dict(backbone=dict(variant='A'))
