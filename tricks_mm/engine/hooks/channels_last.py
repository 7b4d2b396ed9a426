"""channels_last memory format for training and testing on the CPU (and GPU).

oneDNN's convolutions run natively on NHWC: with the model's 4-D weights and the input batch in channels_last,
no layout conversion happens around each convolution. This is the memory-format half of the CPU counterpart of
the paper's Section 3.2 (efficient training); the precision half is ``BF16OptimWrapper``.
"""
import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from tricks_mm.registry import HOOKS


def to_channels_last(data):
    """``data`` with every 4-D tensor (also inside dicts, lists and tuples) in channels_last."""
    if torch.is_tensor(data):
        return data.contiguous(memory_format=torch.channels_last) if data.dim() == 4 else data
    if isinstance(data, dict):
        return type(data)((k, to_channels_last(v)) for k, v in data.items())
    if isinstance(data, (list, tuple)) and not hasattr(data, '_fields'):
        return type(data)(to_channels_last(v) for v in data)
    return data


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Put the model's weights and every batch the data preprocessor makes in channels_last.

    Use it in any mmpretrain, mmdet or mmseg config: ``custom_hooks = [dict(type='tricks_mm.ChannelsLastHook')]``.
    Parameters keep their identity (``Module.to`` swaps ``.data``), so an optimizer already built keeps working;
    checkpoints hold the same values and load into a contiguous model unchanged.
    """
    priority = 'VERY_HIGH'

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self._handle = None

    def before_run(self, runner) -> None:
        if not self.enabled or self._handle is not None:
            return
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        model.to(memory_format=torch.channels_last)
        self._handle = model.data_preprocessor.register_forward_hook(
            lambda module, args, output: to_channels_last(output))

    def after_run(self, runner) -> None:
        if self._handle is not None:
            self._handle.remove()
            self._handle = None
