"""What machine a figure was measured on: the CPU model, its SIMD flags and whether bf16 is native.

Speed and precision depend on the CPU (bf16 autocast is native on AVX512-BF16/AMX, emulated and many times slower
on AVX2-only CPUs, where ``BF16OptimWrapper`` trains in fp32), so every speed figure and every result names it.
"""
import os
import platform

from tricks_mm.engine.optim_wrappers import cpu_has_native_bf16

_FLAGS = ('avx2', 'avx512f', 'avx512_bf16', 'amx_bf16')


def cpu_info() -> dict:
    """``dict(model=..., cores=..., flags=[...], native_bf16=bool)`` from /proc/cpuinfo and oneDNN."""
    model, flags = platform.processor() or 'unknown CPU', set()
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name') and model in ('unknown CPU', platform.processor()):
                    model = line.split(':', 1)[1].strip()
                elif line.startswith('flags') and not flags:
                    flags = set(line.split(':', 1)[1].split())
    except OSError:
        pass
    return dict(model=model, cores=os.cpu_count(), flags=[f for f in _FLAGS if f in flags],
                native_bf16=cpu_has_native_bf16())


def cpu_description() -> str:
    info = cpu_info()
    return (f"{info['model']}; {info['cores']} cores; flags {' '.join(info['flags']) or 'none of avx2/avx512'}; "
            f"oneDNN native bf16: {'yes' if info['native_bf16'] else 'no'}")


def training_precision(optim_wrapper_type: str, force: bool = False) -> str:
    """The precision a training with this optimizer wrapper runs in on this machine's CPU."""
    if optim_wrapper_type in ('tricks_mm.BF16OptimWrapper', 'BF16OptimWrapper', 'AmpOptimWrapper'):
        return 'bf16' if (force or cpu_has_native_bf16()) else 'fp32 (bf16 wrapper; no native bf16)'
    return 'fp32'
