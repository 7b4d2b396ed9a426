# `make demo`: the paper's chain on the project's synthetic data, on the CPU in minutes.
# Two classifiers (B-standard vs ResNet-D with the tricks), each transferred to Faster R-CNN (Table 8)
# and FCN (Table 9). Run: python tools/reproduce.py configs/reproduce/demo_synthetic.py
table = 'demo_synthetic'
work_root = 'work_dirs/demo_synthetic'
seeds = [0]
env = dict(DATA_ROOT='data/demo_synthetic')  # tools/demo.py writes the data here
_cls_b = 'configs/demo/resnet18-b_1xb32-step-4e_synthetic-cls.py'
_cls_d = 'configs/demo/resnet18-d_1xb32-efficient-cos-ls-mixup-4e_synthetic-cls.py'
_det = 'configs/demo/faster-rcnn_r18-d_fpn_2e_synthetic-voc.py'
_seg = 'configs/demo/fcn_r18-d-d8_64x64_160i_synthetic-ade.py'
rows = [
    dict(name='cls_b_standard', config=_cls_b, paper_row='B-standard', label='ResNet-18-B standard'),
    dict(name='cls_d_cos_ls_mixup', config=_cls_d, paper_row='+mixup w/o distill',
         label='ResNet-18-D + cos + ls + mixup'),
    dict(name='det_b_standard', config=_det, init_from='cls_b_standard', cfg_options=['model.backbone.variant=B']),
    dict(name='det_d_cos_ls_mixup', config=_det, init_from='cls_d_cos_ls_mixup'),
    dict(name='seg_b_standard', config=_seg, init_from='cls_b_standard', cfg_options=['model.backbone.variant=B']),
    dict(name='seg_d_cos_ls_mixup', config=_seg, init_from='cls_d_cos_ls_mixup'),
]
