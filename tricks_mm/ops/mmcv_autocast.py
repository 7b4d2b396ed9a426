"""mmcv's CPU ops under CPU autocast: run them in fp32 on contiguous inputs.

mmcv 2.1's CPU kernels dispatch on float/double/half only and read raw NCHW memory: inside
``torch.autocast('cpu', dtype=torch.bfloat16)`` a Faster R-CNN step stops in ``nms`` ("expected scalar type Float
but found BFloat16"), and a channels_last feature map would be read in the wrong order by ``RoIAlign``. Autocast
has no hook for an ``autograd.Function`` of a C++ extension, so :func:`install` wraps the ``forward`` of the
affected mmcv functions once: bf16/fp16 CPU tensors become fp32, every tensor contiguous, autocast off inside.
Floating outputs return in the low-precision input's dtype; gradients flow back in the inputs' dtype. Called when ``tricks_mm`` is imported.
"""
import functools

import torch

_LOW = (torch.bfloat16, torch.float16)


def _fp32(value):
    if torch.is_tensor(value) and value.device.type == 'cpu':
        if value.dtype in _LOW:
            value = value.float()
        return value.contiguous()
    return value


def fp32_forward(forward):
    """Wrap an ``autograd.Function.forward(ctx, *args)`` (or its ``backward``) to take fp32, contiguous CPU
    tensors."""
    if getattr(forward, '_tricks_mm_fp32', False):
        return forward

    @functools.wraps(forward)
    def wrapped(ctx, *args, **kwargs):
        low = [a.dtype for a in args if torch.is_tensor(a) and a.dtype in _LOW]
        args = [_fp32(a) for a in args]
        kwargs = {k: _fp32(v) for k, v in kwargs.items()}
        with torch.autocast(device_type='cpu', enabled=False):
            out = forward(ctx, *args, **kwargs)
        if low and torch.is_tensor(out) and out.is_floating_point():
            out = out.to(low[0])  # e.g. RoIAlign features back to bf16, as the caller allocated them
        return out

    wrapped._tricks_mm_fp32 = True
    return wrapped


def install() -> list:
    """Wrap mmcv's nms, softnms and RoIAlign functions (those a Faster R-CNN step calls on the CPU).
    Returns the names wrapped; does nothing where mmcv's compiled ops are missing."""
    try:
        from mmcv.ops.nms import NMSop, SoftNMSop
        from mmcv.ops.roi_align import RoIAlignFunction
    except ImportError:
        return []
    done = []
    for fn in (NMSop, SoftNMSop, RoIAlignFunction):
        fn.forward = staticmethod(fp32_forward(fn.forward))
        done.append(fn.__name__)
    RoIAlignFunction.backward = staticmethod(fp32_forward(RoIAlignFunction.backward))  # bf16 grad_output
    return done
