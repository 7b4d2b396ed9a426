# Tables 8/9 "B-standard" backbone: ResNet-50-B (torchvision's layout) with the baseline recipe (batch 256, step
# decay, 120 epochs, no tricks). Declared settings and paper numbers: configs/imagenet/metafile.yml.
_base_ = [
    '../_base_/models/resnet50.py', '../_base_/datasets/imagenet_paper.py',
    '../_base_/schedules/imagenet_bs256_120e.py', '../_base_/default_runtime_in1k.py'
]
model = dict(backbone=dict(variant='B'))
