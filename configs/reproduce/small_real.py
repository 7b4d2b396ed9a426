# The small-scale real-data protocol (DATA_ROOT, default ../shared/data): Imagenette classifiers
# (ImageNet stand-in, 20 epochs at 96 px), transferred to Faster R-CNN on BCCD and fruit (Pascal VOC
# stand-ins, 11-point mAP) and to FCN on CamVid in ADE20K layout (ADE20K stand-in, mIoU / pixel acc.).
# Hours on a 2-core CPU; `make demo DATA_ROOT=...` runs it. The rows mirror Tables 8 and 9.
table = 'small_real'
work_root = 'work_dirs/small_real'
seeds = [0]
_cls = 'configs/imagenette/'
_b = ['model.backbone.variant=B']
rows = [
    dict(name='cls_b_standard', config=_cls + 'resnet18-b_1xb64-step-20e_imagenette.py', paper_row='B-standard',
         label='ResNet-18-B standard'),
    dict(name='cls_d_cos_ls', config=_cls + 'resnet18-d_1xb64-efficient-cos-ls-20e_imagenette.py',
         paper_row='+smooth', label='ResNet-18-D + cos + ls'),
    dict(name='cls_d_cos_ls_mixup', config=_cls + 'resnet18-d_1xb64-efficient-cos-ls-mixup-20e_imagenette.py',
         paper_row='+mixup w/o distill', label='ResNet-18-D + cos + ls + mixup'),
    dict(name='bccd_b_standard', config='configs/small/faster-rcnn_r18-d_fpn_4e_bccd.py',
         init_from='cls_b_standard', cfg_options=_b),
    dict(name='bccd_d_cos_ls', config='configs/small/faster-rcnn_r18-d_fpn_4e_bccd.py', init_from='cls_d_cos_ls'),
    dict(name='bccd_d_cos_ls_mixup', config='configs/small/faster-rcnn_r18-d_fpn_4e_bccd.py',
         init_from='cls_d_cos_ls_mixup'),
    dict(name='fruit_b_standard', config='configs/small/faster-rcnn_r18-d_fpn_4e_fruit.py',
         init_from='cls_b_standard', cfg_options=_b),
    dict(name='fruit_d_cos_ls', config='configs/small/faster-rcnn_r18-d_fpn_4e_fruit.py', init_from='cls_d_cos_ls'),
    dict(name='fruit_d_cos_ls_mixup', config='configs/small/faster-rcnn_r18-d_fpn_4e_fruit.py',
         init_from='cls_d_cos_ls_mixup'),
    dict(name='camvid_b_standard', config='configs/small/fcn_r18-d-d8_256x256_600i_camvid.py',
         init_from='cls_b_standard', cfg_options=_b),
    dict(name='camvid_d_cos_ls', config='configs/small/fcn_r18-d-d8_256x256_600i_camvid.py',
         init_from='cls_d_cos_ls'),
    dict(name='camvid_d_cos_ls_mixup', config='configs/small/fcn_r18-d-d8_256x256_600i_camvid.py',
         init_from='cls_d_cos_ls_mixup'),
]
