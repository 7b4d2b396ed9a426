# The small-scale real-data protocol (docs/small_scale_reproduction.md; DATA_ROOT, default ../shared/data):
# ResNet-18 classifiers on Imagenette at 40 px (the ImageNet stand-in: Tables 5 and 6), four of them transferred
# to Faster R-CNN + FPN on BCCD (the Pascal VOC stand-in, VOC07 11-point mAP: Table 8) and to FCN-D8 on CamVid in
# ADE20K layout (the ADE20K stand-in, mIoU and pixel accuracy: Table 9). Two seeds; about 10 CPU-hours on 2 cores;
# `make demo DATA_ROOT=../shared/data` runs it and resumes what is done. Rows run in the order written
# (dependency order; the runner runs all rows of seed 0 first); `paper_row` names the paper's row as the metafiles
# spell it (Tables 8/9 first, then 6, 5).
# The fruit configs (configs/small/*_fruit.py) are not part of this protocol.
table = 'small_real'
work_root = 'work_dirs/small_real'
# every finished run is copied here (result.json, scalars.json) and committed: a new machine skips those rows
results_dir = 'docs/small_real/runs'
seeds = [0, 1]
_cls, _small = 'configs/imagenette/', 'configs/small/'
_teacher = 'cls_teacher_r34_d_cos_ls'
def _cls_row(name, config, label, paper_row=None, **kw):
    return dict(name=name, config=_cls + config, label=label, **(dict(paper_row=paper_row) if paper_row else {}), **kw)


# Tables 8/9 chain first, each classifier followed at once by its two transfer rows (with the runner's seed-major
# order, seed 0's transfer evidence comes early, and a classifier's checkpoint is used by its transfers within the
# same session): the four classifiers, weakest to strongest; the runner initialises each transfer backbone from
# the classifier row's checkpoint of the same seed
_chain = [
    # (suffix, classifier config, label, paper row): Section 2.1 baseline (Tables 8/9 row 1), Table 5's D row and
    # Table 6's first row ("Efficient"), + cosine + label smoothing, + mixup (13 epochs)
    ('b_standard', 'resnet18-b_1xb64-step-8e_imagenette-40px.py', 'ResNet-18-B standard', 'B-standard'),
    ('d_efficient', 'resnet18-d_1xb64-efficient-8e_imagenette-40px.py', 'ResNet-18-D efficient', 'D-efficient'),
    ('d_cos_ls', 'resnet18-d_1xb64-efficient-cos-ls-8e_imagenette-40px.py', 'ResNet-18-D + cos + ls', '+smooth'),
    ('d_cos_ls_mixup', 'resnet18-d_1xb64-efficient-cos-ls-mixup-13e_imagenette-40px.py',
     'ResNet-18-D + cos + ls + mixup (13 ep)', '+mixup w/o distill'),
]
rows = []
for _s, _config, _label, _paper_row in _chain:
    rows += [
        _cls_row('cls_' + _s, _config, _label, _paper_row),
        dict(name='bccd_' + _s, config=_small + f'faster-rcnn_r18-{_s.replace("_", "-")}_fpn_1xb2-2e_bccd.py',
             init_from='cls_' + _s),
        dict(name='camvid_' + _s, config=_small + f'fcn_r18-{_s.replace("_", "-")}-d8_1xb4-400i_camvid-192x192.py',
             init_from='cls_' + _s),
    ]

# Table 5 analogue (one recipe: efficient, step decay), variants A (= B for ResNet-18's basic blocks) and C beside
# D above; Table 6's remaining refinements; the distillation teacher (one seed; its final checkpoint feeds both
# seeds of the KD row)
rows += [
    _cls_row('cls_a_efficient', 'resnet18-a_1xb64-efficient-8e_imagenette-40px.py', 'ResNet-18-A (= B) efficient', 'A'),
    _cls_row('cls_c_efficient', 'resnet18-c_1xb64-efficient-8e_imagenette-40px.py', 'ResNet-18-C efficient', 'C'),
    _cls_row('cls_d_cos', 'resnet18-d_1xb64-efficient-cos-8e_imagenette-40px.py', 'ResNet-18-D + cos', '+cosine'),
    _cls_row(_teacher, 'resnet34-d_1xb64-efficient-cos-ls-8e_imagenette-40px.py', 'ResNet-34-D + cos + ls (teacher)',
             seeds=[0]),
    _cls_row('cls_d_cos_ls_kd', 'resnet18-d_1xb64-efficient-cos-ls-kd-8e_imagenette-40px.py',
             'ResNet-18-D + cos + ls + KD', '+distill w/o mixup',
             teacher_from=_teacher, teacher_seed=0),  # the runner passes the teacher run's final checkpoint
]

# Beyond the paper (issue 14): later practice's regularisers, optimiser and initialisations as extra lines of the
# Table 6 analogue, each on top of "+ cos + ls" and read against the row it changes (`compare_to`): cls_d_cos_ls
# (8 epochs), or for the mixing ones (RICAP, CutMix), which replace mixup and keep its 13 epochs,
# cls_d_cos_ls_mixup. Top-1 only; same budget rules. They run after every row above.
_beyond = [
    ('cutout', 'cutout-8e', '+ Cutout 20 px', 'cls_d_cos_ls'),
    ('randerase', 'randerase-8e', '+ Random Erasing p 0.5', 'cls_d_cos_ls'),
    ('autoaug', 'autoaug-8e', '+ AutoAugment (ImageNet policy)', 'cls_d_cos_ls'),
    ('ricap', 'ricap-13e', '+ RICAP β 0.3 (13 ep)', 'cls_d_cos_ls_mixup'),
    ('cutmix', 'cutmix-13e', '+ CutMix α 1 (13 ep)', 'cls_d_cos_ls_mixup'),
    ('adabound', 'adabound-8e', ', AdaBound for SGD', 'cls_d_cos_ls'),
    ('kaiming', 'kaiming-8e', ', Kaiming init', 'cls_d_cos_ls'),
    ('nozerogamma', 'nozerogamma-8e', ', no zero γ', 'cls_d_cos_ls'),
    ('kaiming_nozerogamma', 'kaiming-nozerogamma-8e', ', Kaiming init, no zero γ', 'cls_d_cos_ls'),
]
rows += [_cls_row(f'cls_d_cos_ls_{_n}', f'resnet18-d_1xb64-efficient-cos-ls-{_c}_imagenette-40px.py',
                  f'ResNet-18-D + cos + ls{" " if _l[0] == "+" else ""}{_l}', compare_to=_ref)
         for _n, _c, _l, _ref in _beyond]
