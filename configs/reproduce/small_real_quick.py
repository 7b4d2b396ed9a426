# A CPU-hour slice of configs/reproduce/small_real.py: one Imagenette classifier (ResNet-18-D + cosine +
# label smoothing, 4 epochs instead of 20, ~24 min) transferred to Faster R-CNN on BCCD (1 of 4 epochs,
# 384x288 instead of 512x384, ~15 min) and FCN on CamVid (100 of 600 iterations). Shortened schedules,
# same code and data: it shows the chain works on real data, not the paper's effect sizes.
table = 'small_real_quick'
work_root = 'work_dirs/small_real_quick'
seeds = [0]
rows = [
    dict(name='cls_d_cos_ls', config='configs/imagenette/resnet18-d_1xb64-efficient-cos-ls-20e_imagenette.py',
         paper_row='+smooth', label='ResNet-18-D + cos + ls (4 ep)',
         cfg_options=['train_cfg.max_epochs=4', 'param_scheduler.1.end=4', 'train_cfg.val_interval=2',
                      'default_hooks.checkpoint.interval=2']),
    dict(name='bccd_d_cos_ls', config='configs/small/faster-rcnn_r18-d-cos-ls_fpn_1xb2-4e_bccd.py',
         init_from='cls_d_cos_ls',
         cfg_options=['train_cfg.max_epochs=1', 'train_cfg.val_interval=1', 'param_scheduler.1.end=1',
                      'param_scheduler.1.milestones=[1]', 'default_hooks.checkpoint.interval=1',
                      'train_dataloader.dataset.pipeline.2.scale=(384,288)',
                      'val_dataloader.dataset.pipeline.1.scale=(384,288)',
                      'test_dataloader.dataset.pipeline.1.scale=(384,288)']),
    dict(name='camvid_d_cos_ls', config='configs/small/fcn_r18-d-cos-ls-d8_1xb4-600i_camvid-256x256.py',
         init_from='cls_d_cos_ls',
         cfg_options=['train_cfg.max_iters=100', 'train_cfg.val_interval=100', 'param_scheduler.1.end=100',
                      'default_hooks.checkpoint.interval=100']),
]
