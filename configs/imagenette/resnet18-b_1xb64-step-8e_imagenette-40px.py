# Small-scale "B-standard" (Section 2.1 baseline; Tables 8/9 row 1): ResNet-18-B, step decay, no warmup, no zero
# gamma, bias decay on, fp32. Protocol: docs/small_scale_reproduction.md; declared settings:
# configs/imagenette/metafile.yml.
_base_ = [
    '../_base_/models/resnet18_imagenette.py', '../_base_/datasets/imagenette.py',
    '../_base_/schedules/imagenette_bs64_8e.py', '../_base_/default_runtime_imagenette.py'
]
model = dict(backbone=dict(variant='B'))
