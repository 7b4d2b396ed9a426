# Small-scale Table 9, row "+smooth": FCN on a dilated (D8) ResNet-18-D from the Imagenette classifier
# resnet18-d_1xb64-efficient-cos-ls-8e_imagenette-40px.py, CamVid in ADE20K layout (192x192 crops, 400 iterations);
# configs/reproduce/small_real.py replaces the checkpoint by the seed-matched one of its classifier row. Protocol:
# docs/small_scale_reproduction.md; declared settings: configs/small/metafile.yml.
_base_ = [
    '../_base_/models/fcn_r18-d8.py', '../_base_/datasets/camvid.py', '../_base_/schedules/small_seg_400i.py',
    'mmseg::_base_/default_runtime.py', '../_base_/classifier_checkpoints.py'
]
model = dict(
    data_preprocessor=dict(size={{_base_.crop_size}}),
    backbone=dict(variant='D',
                  init_cfg=dict(type='Pretrained', checkpoint={{_base_.small_d_cos_ls}}, prefix='backbone.')),
    decode_head=dict(num_classes=11), auxiliary_head=dict(num_classes=11))
