# Small-scale "B-standard" (Tables 8/9 row 1): ResNet-18-B, the baseline recipe, no tricks. Declared settings and
# paper numbers: configs/imagenette/metafile.yml.
_base_ = [
    '../_base_/models/resnet18_imagenette.py', '../_base_/datasets/imagenette.py',
    '../_base_/schedules/imagenette_bs64_20e.py', '../_base_/default_runtime_imagenette.py'
]
model = dict(backbone=dict(variant='B'))
