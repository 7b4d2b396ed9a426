# A CPU-hour slice of configs/reproduce/small_real.py: one Imagenette classifier (ResNet-18-D + cosine +
# label smoothing, 4 epochs instead of 20) transferred to Faster R-CNN on BCCD (3 of 4 epochs) and FCN on
# CamVid (200 of 600 iterations). Shortened schedules, same code and data.
table = 'small_real_quick'
work_root = 'work_dirs/small_real_quick'
seeds = [0]
rows = [
    dict(name='cls_d_cos_ls', config='configs/imagenette/resnet18-d_1xb64-efficient-cos-ls-20e_imagenette.py',
         paper_row='+smooth', label='ResNet-18-D + cos + ls (4 ep)',
         cfg_options=['train_cfg.max_epochs=4', 'param_scheduler.1.end=4', 'train_cfg.val_interval=2',
                      'default_hooks.checkpoint.interval=2']),
    dict(name='bccd_d_cos_ls', config='configs/small/faster-rcnn_r18-d_fpn_4e_bccd.py', init_from='cls_d_cos_ls',
         cfg_options=['train_cfg.max_epochs=3', 'train_cfg.val_interval=3', 'param_scheduler.1.end=3',
                      'param_scheduler.1.milestones=[2]', 'default_hooks.checkpoint.interval=3']),
    dict(name='camvid_d_cos_ls', config='configs/small/fcn_r18-d-d8_256x256_600i_camvid.py',
         init_from='cls_d_cos_ls',
         cfg_options=['train_cfg.max_iters=200', 'train_cfg.val_interval=200', 'param_scheduler.1.end=200',
                      'default_hooks.checkpoint.interval=200']),
]
