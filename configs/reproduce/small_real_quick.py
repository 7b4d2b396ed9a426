# A ~45-minute smoke version of configs/reproduce/small_real.py (estimate for 2 CPU cores): the same chain and
# data, shortened: one Imagenette classifier (ResNet-18-D + cosine + label smoothing, 2 of 8 epochs, cosine over
# the 2), transferred to Faster R-CNN on BCCD (1 of 2 epochs, lr /10 for its last 50 iterations) and FCN on
# CamVid (100 of 400 iterations). It shows the chain works on real data, not the paper's effect sizes.
table = 'small_real_quick'
work_root = 'work_dirs/small_real_quick'
results_dir = 'docs/small_real_quick/runs'  # committed copies of the finished runs
seeds = [0]
rows = [
    dict(name='cls_d_cos_ls', config='configs/imagenette/resnet18-d_1xb64-efficient-cos-ls-8e_imagenette-40px.py',
         paper_row='+smooth', label='ResNet-18-D + cos + ls (2 ep)',
         cfg_options=['train_cfg.max_epochs=2', 'param_scheduler.1.end=2']),
    dict(name='bccd_d_cos_ls', config='configs/small/faster-rcnn_r18-d-cos-ls_fpn_1xb2-2e_bccd.py',
         init_from='cls_d_cos_ls',
         cfg_options=['train_cfg.max_epochs=1', 'train_cfg.val_interval=1', 'param_scheduler.1.milestones=[96]']),
    dict(name='camvid_d_cos_ls', config='configs/small/fcn_r18-d-cos-ls-d8_1xb4-400i_camvid-192x192.py',
         init_from='cls_d_cos_ls',
         cfg_options=['train_cfg.max_iters=100', 'train_cfg.val_interval=100', 'param_scheduler.1.end=100',
                      'default_hooks.checkpoint.interval=100']),
]
