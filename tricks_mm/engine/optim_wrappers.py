"""Mixed precision on the CPU: the CPU counterpart of the paper's FP16 training (Section 3.2).

mmengine's ``AmpOptimWrapper`` asserts a CUDA/NPU/MLU/MUSA device. On the CPU, bf16 autocast
(oneDNN, AVX512-BF16) gives the speed-up; bf16 has fp32's exponent range, so no loss scaling is
needed, and the optimizer keeps fp32 master weights (the parameters themselves stay fp32).

Only CPUs with native bf16 (AVX512-BF16 or AMX, what oneDNN reports) gain: on an AVX2-only CPU
(e.g. AMD EPYC Zen 3) bf16 convolutions are emulated and a ResNet-18 training step was measured
10-30x *slower* than fp32. There the wrapper runs fp32 and says so once, unless ``force=True``.
"""
from contextlib import contextmanager

import torch
from mmengine.logging import print_log
from mmengine.optim import OptimWrapper

from tricks_mm.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class BF16OptimWrapper(OptimWrapper):
    """``OptimWrapper`` that runs the forward pass under ``torch.autocast(dtype=bfloat16)``.

    Args:
        dtype: 'bfloat16' (default) or 'float16'.
        device_type: autocast device; None picks the device of the model's parameters.
        force: autocast on a CPU even without native bf16 (slow; for tests and comparisons).
    """

    def __init__(self, dtype: str = 'bfloat16', device_type: str = None, force: bool = False, **kwargs):
        super().__init__(**kwargs)
        if dtype not in ('bfloat16', 'float16'):
            raise ValueError(f"BF16OptimWrapper: dtype must be 'bfloat16' or 'float16', got {dtype!r}")
        self.cast_dtype = getattr(torch, dtype)
        self.device_type = device_type
        self.force = force
        self._enabled = None

    def _autocast_enabled(self, device: str) -> bool:
        if self._enabled is None:
            self._enabled = self.force or device != 'cpu' or cpu_has_native_bf16()
            if not self._enabled:
                print_log('BF16OptimWrapper: this CPU has no native bf16 (oneDNN reports no AVX512-BF16/AMX), '
                          'where bf16 autocast is many times slower than fp32; training in fp32. '
                          'Pass optim_wrapper.force=True to autocast anyway.', logger='current', level=30)
        return self._enabled

    @contextmanager
    def optim_context(self, model):
        device = self.device_type or next(model.parameters()).device.type
        enabled = self._autocast_enabled(device)
        with super().optim_context(model), torch.autocast(device_type=device, dtype=self.cast_dtype,
                                                          enabled=enabled):
            yield


def cpu_has_native_bf16() -> bool:
    """Whether oneDNN runs bf16 natively on this CPU (AVX512-BF16 or AMX)."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False
