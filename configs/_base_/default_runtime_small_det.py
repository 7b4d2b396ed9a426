# mmdet's runtime for the CPU-scale detection rows: a log line every 20 iterations, a checkpoint after every
# epoch (the last one kept: the checkpoint at the end of schedules/small_det_2e.py or small_det_4e.py).
_base_ = 'mmdet::_base_/default_runtime.py'
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=1, max_keep_ckpts=1))
