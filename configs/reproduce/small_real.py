# The small-scale real-data protocol (docs/small_scale_reproduction.md; DATA_ROOT, default ../shared/data):
# ResNet-18 classifiers on Imagenette at 64 px (the ImageNet stand-in: Tables 5 and 6), four of them transferred
# to Faster R-CNN + FPN on BCCD (the Pascal VOC stand-in, VOC07 11-point mAP: Table 8) and to FCN-D8 on CamVid in
# ADE20K layout (the ADE20K stand-in, mIoU and pixel accuracy: Table 9). Two seeds; about 10 CPU-hours on 2 cores;
# `make demo DATA_ROOT=../shared/data` runs it and resumes what is done. Rows run in the order written
# (dependency order); `paper_row` names the paper's row as the metafiles spell it (Tables 8/9 first, then 6, 5).
# The fruit configs (configs/small/*_fruit.py) are not part of this protocol.
table = 'small_real'
work_root = 'work_dirs/small_real'
seeds = [0, 1]
_cls, _small = 'configs/imagenette/', 'configs/small/'
_teacher = 'cls_teacher_r34_d_cos_ls'
rows = [
    # Table 5 analogue: one recipe (efficient, step decay), variants A (= B for ResNet-18's basic blocks), C, D
    dict(name='cls_a_efficient', config=_cls + 'resnet18-a_1xb64-efficient-8e_imagenette-64px.py', paper_row='A',
         label='ResNet-18-A (= B) efficient'),
    dict(name='cls_c_efficient', config=_cls + 'resnet18-c_1xb64-efficient-8e_imagenette-64px.py', paper_row='C',
         label='ResNet-18-C efficient'),
    dict(name='cls_d_efficient', config=_cls + 'resnet18-d_1xb64-efficient-8e_imagenette-64px.py',
         paper_row='D-efficient', label='ResNet-18-D efficient'),
    # Section 2.1 baseline (Tables 8/9 row 1)
    dict(name='cls_b_standard', config=_cls + 'resnet18-b_1xb64-step-8e_imagenette-64px.py',
         paper_row='B-standard', label='ResNet-18-B standard'),
    # Table 6 analogue: the refinements of Section 5, one at a time
    dict(name='cls_d_cos', config=_cls + 'resnet18-d_1xb64-efficient-cos-8e_imagenette-64px.py',
         paper_row='+cosine', label='ResNet-18-D + cos'),
    dict(name='cls_d_cos_ls', config=_cls + 'resnet18-d_1xb64-efficient-cos-ls-8e_imagenette-64px.py',
         paper_row='+smooth', label='ResNet-18-D + cos + ls'),
    dict(name='cls_d_cos_ls_mixup', config=_cls + 'resnet18-d_1xb64-efficient-cos-ls-mixup-13e_imagenette-64px.py',
         paper_row='+mixup w/o distill', label='ResNet-18-D + cos + ls + mixup (13 ep)'),
    # the distillation teacher, one seed; its final checkpoint feeds both seeds of the KD row
    dict(name=_teacher, config=_cls + 'resnet34-d_1xb64-efficient-cos-ls-8e_imagenette-64px.py', seeds=[0],
         label='ResNet-34-D + cos + ls (teacher)'),
    dict(name='cls_d_cos_ls_kd', config=_cls + 'resnet18-d_1xb64-efficient-cos-ls-kd-8e_imagenette-64px.py',
         paper_row='+distill w/o mixup', label='ResNet-18-D + cos + ls + KD',
         cfg_options=[f'model.teacher_checkpoint={work_root}/{_teacher}/seed0/epoch_8.pth']),
]
# Tables 8/9 analogue: four classifiers, weakest to strongest, each to BCCD detection and CamVid segmentation;
# the runner initialises each backbone from the classifier row's checkpoint of the same seed
_chain = ('b_standard', 'd_efficient', 'd_cos_ls', 'd_cos_ls_mixup')
rows += [dict(name='bccd_' + s, config=_small + f'faster-rcnn_r18-{s.replace("_", "-")}_fpn_1xb2-2e_bccd.py',
              init_from='cls_' + s) for s in _chain]
rows += [dict(name='camvid_' + s, config=_small + f'fcn_r18-{s.replace("_", "-")}-d8_1xb4-400i_camvid-256x256.py',
              init_from='cls_' + s) for s in _chain]
