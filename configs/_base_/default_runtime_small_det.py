# mmdet's runtime for the CPU-scale detection rows: a log line every 20 iterations, a checkpoint at the
# end of the 4 epochs (schedules/small_det_4e.py).
_base_ = 'mmdet::_base_/default_runtime.py'
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=4))
