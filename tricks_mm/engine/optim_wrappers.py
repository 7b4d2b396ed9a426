"""Mixed precision on the CPU: the CPU counterpart of the paper's FP16 training (Section 3.2).

mmengine's ``AmpOptimWrapper`` asserts a CUDA/NPU/MLU/MUSA device. On the CPU, bf16 autocast
(oneDNN, AVX512-BF16) gives the speed-up; bf16 has fp32's exponent range, so no loss scaling is
needed, and the optimizer keeps fp32 master weights (the parameters themselves stay fp32).
"""
from contextlib import contextmanager

import torch
from mmengine.optim import OptimWrapper

from tricks_mm.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class BF16OptimWrapper(OptimWrapper):
    """``OptimWrapper`` that runs the forward pass under ``torch.autocast(dtype=bfloat16)``.

    Args:
        dtype: 'bfloat16' (default) or 'float16'.
        device_type: autocast device; None picks the device of the model's parameters.
    """

    def __init__(self, dtype: str = 'bfloat16', device_type: str = None, **kwargs):
        super().__init__(**kwargs)
        if dtype not in ('bfloat16', 'float16'):
            raise ValueError(f"BF16OptimWrapper: dtype must be 'bfloat16' or 'float16', got {dtype!r}")
        self.cast_dtype = getattr(torch, dtype)
        self.device_type = device_type

    @contextmanager
    def optim_context(self, model):
        device = self.device_type or next(model.parameters()).device.type
        with super().optim_context(model), torch.autocast(device_type=device, dtype=self.cast_dtype):
            yield
