# `make demo`: the paper's chain on the project's synthetic data, on the CPU in minutes.
# Two classifiers (B-standard vs ResNet-D with the tricks), each transferred to Faster R-CNN (Table 8)
# and FCN (Table 9). Run: python tools/reproduce.py configs/reproduce/demo_synthetic.py
# `paper_row` names a row of Tables 8/9 as the metafiles spell it (configs/*/metafile.yml).
table = 'demo_synthetic'
work_root = 'work_dirs/demo_synthetic'
seeds = [0]
env = dict(DATA_ROOT='data/demo_synthetic')  # tools/demo.py writes the data here
_demo = 'configs/demo/'
rows = [
    dict(name='cls_b_standard', config=_demo + 'resnet18-b_1xb32-step-4e_synthetic-cls.py', paper_row='B-standard',
         label='ResNet-18-B standard'),
    dict(name='cls_d_cos_ls_mixup', config=_demo + 'resnet18-d_1xb32-efficient-cos-ls-mixup-4e_synthetic-cls.py',
         paper_row='+mixup w/o distill', label='ResNet-18-D + cos + ls + mixup'),
    dict(name='det_b_standard', config=_demo + 'faster-rcnn_r18-b_fpn_1xb4-2e_synthetic-voc.py',
         init_from='cls_b_standard'),
    dict(name='det_d_cos_ls_mixup', config=_demo + 'faster-rcnn_r18-d_fpn_1xb4-2e_synthetic-voc.py',
         init_from='cls_d_cos_ls_mixup'),
    dict(name='seg_b_standard', config=_demo + 'fcn_r18-b-d8_1xb8-160i_synthetic-ade-64x64.py',
         init_from='cls_b_standard'),
    dict(name='seg_d_cos_ls_mixup', config=_demo + 'fcn_r18-d-d8_1xb8-160i_synthetic-ade-64x64.py',
         init_from='cls_d_cos_ls_mixup'),
]
