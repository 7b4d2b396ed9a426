# The small-scale real-data protocol (docs/small_scale_reproduction.md; DATA_ROOT, default ../shared/data):
# ResNet-18 classifiers on Imagenette at 64 px (the ImageNet stand-in: Tables 5 and 6), four of them transferred
# to Faster R-CNN + FPN on BCCD (the Pascal VOC stand-in, VOC07 11-point mAP: Table 8) and to FCN-D8 on CamVid in
# ADE20K layout (the ADE20K stand-in, mIoU and pixel accuracy: Table 9). Two seeds; about 10 CPU-hours on 2 cores;
# `make demo DATA_ROOT=../shared/data` runs it and resumes what is done. Rows run in the order written
# (dependency order; the runner runs all rows of seed 0 first); `paper_row` names the paper's row as the metafiles spell it (Tables 8/9 first, then 6, 5).
# The fruit configs (configs/small/*_fruit.py) are not part of this protocol.
table = 'small_real'
work_root = 'work_dirs/small_real'
seeds = [0, 1]
_cls, _small = 'configs/imagenette/', 'configs/small/'
_teacher = 'cls_teacher_r34_d_cos_ls'
def _cls_row(name, config, label, paper_row=None, **kw):
    return dict(name=name, config=_cls + config, label=label, **(dict(paper_row=paper_row) if paper_row else {}), **kw)


# Tables 8/9 chain first (with the runner's seed-major order, seed 0's transfer evidence comes early): the four
# classifiers, weakest to strongest, that feed detection and segmentation
rows = [
    # Section 2.1 baseline (Tables 8/9 row 1)
    _cls_row('cls_b_standard', 'resnet18-b_1xb64-step-8e_imagenette-64px.py', 'ResNet-18-B standard', 'B-standard'),
    # Table 5's D row and Table 6's first row ("Efficient")
    _cls_row('cls_d_efficient', 'resnet18-d_1xb64-efficient-8e_imagenette-64px.py', 'ResNet-18-D efficient',
             'D-efficient'),
    _cls_row('cls_d_cos_ls', 'resnet18-d_1xb64-efficient-cos-ls-8e_imagenette-64px.py', 'ResNet-18-D + cos + ls',
             '+smooth'),
    _cls_row('cls_d_cos_ls_mixup', 'resnet18-d_1xb64-efficient-cos-ls-mixup-13e_imagenette-64px.py',
             'ResNet-18-D + cos + ls + mixup (13 ep)', '+mixup w/o distill'),
]
# Tables 8/9 analogue: four classifiers, weakest to strongest, each to BCCD detection and CamVid segmentation;
# the runner initialises each backbone from the classifier row's checkpoint of the same seed
_chain = ('b_standard', 'd_efficient', 'd_cos_ls', 'd_cos_ls_mixup')
rows += [dict(name='bccd_' + s, config=_small + f'faster-rcnn_r18-{s.replace("_", "-")}_fpn_1xb2-2e_bccd.py',
              init_from='cls_' + s) for s in _chain]
rows += [dict(name='camvid_' + s, config=_small + f'fcn_r18-{s.replace("_", "-")}-d8_1xb4-400i_camvid-256x256.py',
              init_from='cls_' + s) for s in _chain]

# Table 5 analogue (one recipe: efficient, step decay), variants A (= B for ResNet-18's basic blocks) and C beside
# D above; Table 6's remaining refinements; the distillation teacher (one seed; its final checkpoint feeds both
# seeds of the KD row)
rows += [
    _cls_row('cls_a_efficient', 'resnet18-a_1xb64-efficient-8e_imagenette-64px.py', 'ResNet-18-A (= B) efficient', 'A'),
    _cls_row('cls_c_efficient', 'resnet18-c_1xb64-efficient-8e_imagenette-64px.py', 'ResNet-18-C efficient', 'C'),
    _cls_row('cls_d_cos', 'resnet18-d_1xb64-efficient-cos-8e_imagenette-64px.py', 'ResNet-18-D + cos', '+cosine'),
    _cls_row(_teacher, 'resnet34-d_1xb64-efficient-cos-ls-8e_imagenette-64px.py', 'ResNet-34-D + cos + ls (teacher)',
             seeds=[0]),
    _cls_row('cls_d_cos_ls_kd', 'resnet18-d_1xb64-efficient-cos-ls-kd-8e_imagenette-64px.py',
             'ResNet-18-D + cos + ls + KD', '+distill w/o mixup',
             cfg_options=[f'model.teacher_checkpoint={work_root}/{_teacher}/seed0/epoch_8.pth']),
]
