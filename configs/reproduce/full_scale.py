# Every row of the paper's Tables 4, 5, 6, 8 (FPN and C4) and 9 at full scale (ImageNet, VOC07+12, ADE20K),
# in the order they depend on each other: the classifiers and the distillation teachers, then the
# distillation students, then the VOC and ADE20K transfer rows initialised from their classifiers. GPUs,
# data layouts, disk and time per row: docs/full_scale.md. Each config is declared in configs/*/metafile.yml.
#   python tools/reproduce.py configs/reproduce/full_scale.py --backend slurm --partition P --gpus-per-row auto
#   python tools/reproduce.py configs/reproduce/full_scale.py --backend torchrun --nproc auto   # one 8-GPU machine
# (auto: the GPUs each config's name states, 8xb128 -> 8, 4xb4 -> 4; docs/full_scale.md).
table = 'full_scale'
work_root = 'work_dirs/full_scale'
seeds = [0]
_in1k, _voc, _ade = 'configs/imagenet/', 'configs/voc/', 'configs/ade20k/'
# The distillation rows name their teacher row (teacher_from), the transfer rows their classifier row
# (init_from): the runner passes that row's final checkpoint to the backbone, and to the C4 shared head too.
_t4 = ['step', 'step-warmup', 'step-warmup-zerogamma', 'step-warmup-zerogamma-nobiasdecay']
rows = [dict(name=f'in1k_t4_bs256_{t.replace("-", "_")}', config=f'{_in1k}resnet50-a_8xb32-{t}-120e_in1k.py',
             label=f'Table 4 BS 256 {t}') for t in _t4 + ['step-warmup-zerogamma-nobiasdecay-fp16']]
rows += [dict(name=f'in1k_t4_bs1024_{t.replace("-", "_")}', config=f'{_in1k}resnet50-a_8xb128-{t}-120e_in1k.py',
              label=f'Table 4 BS 1024 {t}') for t in _t4]
rows += [
    # Table 4 BS 1024 "+FP16" = Table 5 ResNet-50 ("Efficient", Table 3)
    dict(name='in1k_a_efficient', config=_in1k + 'resnet50-a_8xb128-efficient-120e_in1k.py', paper_row='A',
         label='ResNet-50-A efficient'),
    dict(name='in1k_b_efficient', config=_in1k + 'resnet50-b_8xb128-efficient-120e_in1k.py', paper_row='B',
         label='ResNet-50-B efficient'),
    dict(name='in1k_c_efficient', config=_in1k + 'resnet50-c_8xb128-efficient-120e_in1k.py', paper_row='C',
         label='ResNet-50-C efficient'),
    # Table 5 ResNet-50-D = Table 6 "Efficient" = Tables 8/9 "D-efficient"
    dict(name='cls_d_efficient', config=_in1k + 'resnet50-d_8xb128-efficient-120e_in1k.py', paper_row='D-efficient',
         label='ResNet-50-D efficient'),
    dict(name='cls_b_standard', config=_in1k + 'resnet50-b_8xb32-step-120e_in1k.py', paper_row='B-standard',
         label='ResNet-50-B standard'),
    dict(name='cls_d_cos', config=_in1k + 'resnet50-d_8xb128-efficient-cos-120e_in1k.py', paper_row='+cosine',
         label='ResNet-50-D + cosine'),
    dict(name='cls_d_cos_ls', config=_in1k + 'resnet50-d_8xb128-efficient-cos-ls-120e_in1k.py', paper_row='+smooth',
         label='ResNet-50-D + cos + ls'),
    dict(name='cls_d_cos_ls_mixup', config=_in1k + 'resnet50-d_8xb128-efficient-cos-ls-mixup-200e_in1k.py',
         paper_row='+mixup w/o distill', label='ResNet-50-D + cos + ls + mixup'),
    # the teachers (Section 5.3), then the students that read them
    dict(name='teacher_cos_ls', config=_in1k + 'resnet152-d_8xb128-efficient-cos-ls-120e_in1k.py',
         label='teacher ResNet-152-D cos + ls'),
    dict(name='teacher_cos_ls_mixup', config=_in1k + 'resnet152-d_8xb128-efficient-cos-ls-mixup-200e_in1k.py',
         label='teacher ResNet-152-D cos + ls + mixup'),
    dict(name='cls_d_cos_ls_kd', config=_in1k + 'resnet50-d_8xb128-efficient-cos-ls-kd-120e_in1k.py',
         paper_row='+distill w/o mixup', label='ResNet-50-D + cos + ls + distill',
         teacher_from='teacher_cos_ls'),  # the runner passes the teacher row's final checkpoint
    dict(name='cls_d_cos_ls_mixup_kd', config=_in1k + 'resnet50-d_8xb128-efficient-cos-ls-mixup-kd-200e_in1k.py',
         paper_row='+distill w/ mixup', label='ResNet-50-D + cos + ls + mixup + distill',
         teacher_from='teacher_cos_ls_mixup'),
]
# Tables 8 (FPN and C4) and 9: one row per backbone, initialised from the classifier row of the same name
_transfer = [('b_standard', 'b-standard'), ('d_efficient', 'd-efficient'), ('d_cos', 'd-cos'), ('d_cos_ls', 'd-cos-ls'),
             ('d_cos_ls_kd', 'd-cos-ls-kd'), ('d_cos_ls_mixup', 'd-cos-ls-mixup'),
             ('d_cos_ls_mixup_kd', 'd-cos-ls-mixup-kd')]
rows += [dict(name='voc_fpn_' + s, config=f'{_voc}faster-rcnn_r50-{t}_fpn_8xb2-18e_voc0712.py', init_from='cls_' + s)
         for s, t in _transfer]
rows += [dict(name='voc_c4_' + s, config=f'{_voc}faster-rcnn_r50-{t}_c4_8xb2-18e_voc0712.py', init_from='cls_' + s)
         for s, t in _transfer]
rows += [dict(name='ade_' + s, config=f'{_ade}fcn_r50-{t}-d8_4xb4-80k_ade20k-512x512.py', init_from='cls_' + s)
         for s, t in _transfer]
