"""Checkpoint loading that keeps ``torch.load(weights_only=True)`` on and still reads mmengine checkpoints.

torch >= 2.6 loads with ``weights_only=True`` by default; mmengine 0.10.7 checkpoints pickle a few
non-tensor objects (the message hub's ``HistoryBuffer``, numpy arrays/scalars/dtypes), so every
``load_from``, ``--resume``, ``tools/test.py`` and ``Pretrained`` init fails. Rather than turning
``weights_only`` off (a checkpoint from a stranger could then run code), we allow-list exactly those
objects. The one dangerous name they use, ``builtins.getattr`` (how pickle stores the functions
``HistoryBuffer.min/max/mean/current``), is mapped to a getattr that only resolves those statistics
methods. Anything else is refused with :class:`UnsafeCheckpointError` naming the offending globals.

:func:`install_safe_loader` (run on ``import tricks_mm``) registers the loader for local paths in
mmengine's ``CheckpointLoader``, so mmengine, mmpretrain, mmdet and mmseg all load through it.
"""
import os
import os.path as osp
import pickle
import re
from typing import List

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader


class UnsafeCheckpointError(pickle.UnpicklingError):
    """The checkpoint pickles an object outside the allow-list; loading it could run code."""


class CheckpointReadError(ValueError):
    """The file is not a readable checkpoint: empty, truncated, damaged or not made by PyTorch."""


def _unreadable(name, why: str) -> CheckpointReadError:
    return CheckpointReadError(
        f'cannot read checkpoint {name}: {why}. An interrupted save or copy (kill, full disk) or an '
        'incomplete download leaves such a file. Use an earlier checkpoint of the same run (its work dir '
        'keeps iter_*/epoch_*.pth; --resume alone picks the one named in last_checkpoint), copy or '
        'download the file again, or delete it.')


# torch's messages for a file that is not a complete checkpoint (zip reader, legacy pickle reader)
_DAMAGED = ('PytorchStreamReader', 'zip archive', 'central directory', 'unexpected EOF', 'Ran out of input',
            'invalid magic number', 'corrupt', 'truncated', 'file not found in archive', 'invalid header')


def _history_buffer_statistic(obj, name):
    """Stands in for ``builtins.getattr`` while unpickling: resolves only ``HistoryBuffer``'s
    registered statistics methods (pickled by reference inside its ``statistics_methods``)."""
    allowed = _HISTORY_BUFFER_STATISTICS | set(HistoryBuffer._statistics_methods)
    if obj is HistoryBuffer and isinstance(name, str) and name in allowed \
            and callable(getattr(HistoryBuffer, name, None)):
        return getattr(HistoryBuffer, name)
    raise UnsafeCheckpointError(
        f'refusing getattr({obj!r}, {name!r}): only the HistoryBuffer statistics methods '
        f'{sorted(allowed)} may be resolved')


_HISTORY_BUFFER_STATISTICS = {'min', 'max', 'current', 'mean'}


def _numpy_core():
    return getattr(np, '_core', None) or np.core


def allowed_checkpoint_globals() -> List:
    """Everything an mmengine/mmpretrain/mmdet/mmseg checkpoint may pickle besides tensors and
    containers (torch's built-in weights-only allow-list covers those)."""
    core = _numpy_core().multiarray
    allowed = [HistoryBuffer, np.ndarray, np.dtype, (_history_buffer_statistic, 'builtins.getattr')]
    # numpy >= 2 pickles under numpy._core, numpy 1.x under numpy.core: accept both spellings.
    for mod in ('numpy._core.multiarray', 'numpy.core.multiarray'):
        allowed += [(core._reconstruct, f'{mod}._reconstruct'), (core.scalar, f'{mod}.scalar')]
    # numpy >= 1.25 may pickle dtypes by their class (numpy.dtypes.Float32DType, ...).
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        allowed += [getattr(dtypes, n) for n in dir(dtypes) if n.endswith('DType')]
    return allowed


def _unsafe_globals(f) -> List[str]:
    try:
        allowed = set()
        for item in allowed_checkpoint_globals():
            allowed.add(item[1] if isinstance(item, tuple) else f'{item.__module__}.{item.__qualname__}')
        found = torch.serialization.get_unsafe_globals_in_checkpoint(f)
        return [g for g in found if g not in allowed]
    except Exception:  # not a zip checkpoint (legacy format): no listing, the load error says it
        return []


def safe_torch_load(f, map_location=None):
    """``torch.load(f, weights_only=True)`` with the allow-list; a clear error for anything else:
    :class:`UnsafeCheckpointError` for objects outside the allow-list, :class:`CheckpointReadError`
    (naming the file) for an empty, truncated or foreign file."""
    name = f if isinstance(f, (str, os.PathLike)) else getattr(f, 'name', repr(f))
    if isinstance(f, (str, os.PathLike)) and osp.isfile(f) and osp.getsize(f) == 0:
        raise _unreadable(name, 'it is empty (0 bytes)')
    try:
        with torch.serialization.safe_globals(allowed_checkpoint_globals()):
            return torch.load(f, map_location=map_location, weights_only=True)
    except UnsafeCheckpointError:
        raise
    except pickle.UnpicklingError as e:
        if not _is_refusal(e):
            raise _unreadable(name, f'it is not a PyTorch checkpoint (its bytes are no pickle the weights-only '
                                    f'reader accepts: {_reason(e)})') from None
        offending = _unsafe_globals(f) if isinstance(f, str) else []
        names = ', '.join(offending) if offending else _reason(e)
        raise UnsafeCheckpointError(
            f'Refusing to load checkpoint {f!r}: it pickles {names}, which is not on the allow-list of '
            'objects that mmengine/OpenMMLab checkpoints contain (tensors, containers, numpy arrays, '
            "mmengine's HistoryBuffer). Unpickling it could execute code, so nothing was run. If you "
            'trust the file, load it yourself in a separate process and re-save only its tensors, e.g. '
            "torch.save({'state_dict': ckpt['state_dict']}, 'clean.pth').") from None
    except (EOFError, RuntimeError, ValueError, OSError) as e:
        if isinstance(e, EOFError) or any(s.lower() in str(e).lower() for s in _DAMAGED):
            raise _unreadable(name, f'it is truncated or damaged ({_first_line(e)})') from None
        raise


def _first_line(error) -> str:
    """The first sentence of ``error`` (torch appends paragraphs of advice)."""
    text = ' '.join(ln.strip() for ln in str(error).splitlines() if ln.strip())
    first = re.split(r'(?<=[.!?])\s+', text)[0]
    return f'{type(error).__name__}: {first}'


def _is_refusal(error) -> bool:
    """torch's weights-only unpickler refused a global (as opposed to bytes that are no pickle it reads,
    "Unsupported operand")."""
    text = str(error)
    return 'global' in text.lower() or 'refusing getattr' in text


def _reason(error) -> str:
    """The informative part of torch's weights-only error (it wraps ours in boilerplate), without its
    advice to allow-list the global or to load with ``weights_only=False`` (wrong for a stranger's file)."""
    glob = re.search(r'GLOBAL ([\w.]+)', str(error))
    if glob:
        return glob.group(1)
    lines = [ln.strip() for ln in str(error).splitlines() if ln.strip()]
    reason = next((ln for ln in lines if 'refusing getattr' in ln), None)
    for i, line in enumerate(lines):
        if reason is None and 'WeightsUnpickler error:' in line:
            rest = line.split('WeightsUnpickler error:', 1)[1].strip()
            reason = rest or (lines[i + 1] if i + 1 < len(lines) else line)
    sentences = re.split(r'(?<=[.!?])\s+', reason or '')
    kept = [s for s in sentences if not re.search(r'weights_only|safe_globals|allowlist|trust', s, re.IGNORECASE)]
    return ' '.join(kept).strip() or 'an object outside the allow-list'


def load_from_local_safe(filename, map_location=None):
    """mmengine ``CheckpointLoader`` scheme for local paths (replaces ``load_from_local``)."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} can not be found.')
    return safe_torch_load(filename, map_location=map_location)


def install_safe_loader() -> None:
    """Route mmengine's local checkpoint loading (``load_from``, resume, ``Pretrained``) through
    :func:`safe_torch_load`. Idempotent."""
    CheckpointLoader.register_scheme(prefixes='', loader=load_from_local_safe, force=True)
