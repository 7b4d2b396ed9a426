# The small-scale real-data protocol (DATA_ROOT, default ../shared/data): Imagenette classifiers
# (ImageNet stand-in, 20 epochs at 96 px), transferred to Faster R-CNN on BCCD and fruit (Pascal VOC
# stand-ins, 11-point mAP) and to FCN on CamVid in ADE20K layout (ADE20K stand-in, mIoU / pixel acc.).
# Hours on a 2-core CPU; `make demo DATA_ROOT=...` runs it. The rows mirror Tables 8 and 9; every row has
# its own config (configs/imagenette/, configs/small/; declared in their metafile.yml), `paper_row` names
# a row of Tables 8/9 as the metafiles spell it.
table = 'small_real'
work_root = 'work_dirs/small_real'
seeds = [0]
_cls, _small = 'configs/imagenette/', 'configs/small/'
_chain = [  # (row suffix, Imagenette classifier, paper row, label, transfer config token)
    ('b_standard', 'resnet18-b_1xb64-step-20e_imagenette.py', 'B-standard', 'ResNet-18-B standard', 'b-standard'),
    ('d_cos_ls', 'resnet18-d_1xb64-efficient-cos-ls-20e_imagenette.py', '+smooth', 'ResNet-18-D + cos + ls',
     'd-cos-ls'),
    ('d_cos_ls_mixup', 'resnet18-d_1xb64-efficient-cos-ls-mixup-20e_imagenette.py', '+mixup w/o distill',
     'ResNet-18-D + cos + ls + mixup', 'd-cos-ls-mixup'),
]
rows = [dict(name='cls_' + s, config=_cls + c, paper_row=p, label=lab) for s, c, p, lab, _ in _chain]
rows += [dict(name=f'{data}_{s}', config=_small + f'faster-rcnn_r18-{t}_fpn_1xb2-4e_{data}.py', init_from='cls_' + s)
         for data in ('bccd', 'fruit') for s, _, _, _, t in _chain]
rows += [dict(name='camvid_' + s, config=_small + f'fcn_r18-{t}-d8_1xb4-600i_camvid-256x256.py', init_from='cls_' + s)
         for s, _, _, _, t in _chain]
