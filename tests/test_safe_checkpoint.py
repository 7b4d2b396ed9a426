"""Checkpoint loading with weights_only=True: mmengine checkpoints load, anything else is refused."""
import os
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner.checkpoint import _load_checkpoint, save_checkpoint

import tricks_mm  # noqa: F401  (installs the loader)
from tricks_mm.checkpoint import UnsafeCheckpointError, safe_torch_load

SENTINEL = []


def _mark_ran(path):
    """Would be called by a malicious checkpoint while unpickling."""
    SENTINEL.append(path)
    with open(path, 'w') as f:
        f.write('ran')


class RunsCode:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (_mark_ran, (self.path, ))


class ReachesAttribute:
    """Abuses getattr (the name mmengine checkpoints need) to reach something else."""

    def __reduce__(self):
        return (getattr, (HistoryBuffer, '_set_default_statistics'))


def _mmengine_like_checkpoint(path):
    hub = MessageHub.get_instance('test_safe_checkpoint')
    hub.update_scalar('train/loss', np.float32(0.5))
    hub.update_scalar('train/loss', 0.25)
    hub.update_info('iter', 4)
    ckpt = dict(meta=dict(seed=np.int64(7), epoch=1, dataset_meta=dict(classes=('a', 'b'))),
                state_dict={'w': torch.arange(3.)}, message_hub=hub.state_dict(),
                optimizer={'state': {}, 'param_groups': [{'lr': 0.1, 'params': [0]}]})
    save_checkpoint(ckpt, path)


def test_mmengine_checkpoint_loads_with_weights_only(tmp_path):
    path = str(tmp_path / 'ok.pth')
    _mmengine_like_checkpoint(path)
    ckpt = _load_checkpoint(path, map_location='cpu')  # mmengine's own entry point
    assert torch.equal(ckpt['state_dict']['w'], torch.arange(3.))
    assert ckpt['meta']['seed'] == 7
    buf = ckpt['message_hub']['log_scalars']['train/loss']
    assert isinstance(buf, HistoryBuffer) and buf.mean() == pytest.approx(0.375)


def test_checkpoint_that_runs_code_is_refused_and_nothing_runs(tmp_path):
    marker = str(tmp_path / 'ran.txt')
    path = str(tmp_path / 'evil.pth')
    torch.save({'state_dict': {'w': torch.zeros(1)}, 'payload': RunsCode(marker)}, path)
    SENTINEL.clear()
    with pytest.raises(UnsafeCheckpointError) as info:
        _load_checkpoint(path, map_location='cpu')
    assert '_mark_ran' in str(info.value)  # names the offending global
    assert 'nothing was run' in str(info.value)
    assert not os.path.exists(marker) and not SENTINEL


def test_getattr_is_only_allowed_for_history_buffer_statistics(tmp_path):
    path = str(tmp_path / 'getattr.pth')
    torch.save({'x': ReachesAttribute()}, path)
    with pytest.raises(pickle.UnpicklingError, match='_set_default_statistics'):
        safe_torch_load(path)


def test_plain_state_dict_and_missing_file(tmp_path):
    path = str(tmp_path / 'plain.pth')
    torch.save({'conv.weight': torch.ones(2, 2)}, path)
    assert safe_torch_load(path)['conv.weight'].sum() == 4
    with pytest.raises(FileNotFoundError, match='can not be found'):
        _load_checkpoint(str(tmp_path / 'nope.pth'))


def test_checkpoints_are_written_atomically(tmp_path, monkeypatch):
    """An interrupted save leaves the previous checkpoint intact (no truncated file)."""
    path = str(tmp_path / 'latest.pth')
    save_checkpoint({'state_dict': {'w': torch.ones(1)}}, path)

    def broken_write(*args, **kwargs):
        raise KeyboardInterrupt('interrupted while writing')

    import tricks_mm.checkpoint.atomic_save as atomic
    monkeypatch.setattr(atomic.os, 'fsync', broken_write)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint({'state_dict': {'w': torch.zeros(1)}}, path)
    assert safe_torch_load(path)['state_dict']['w'].item() == 1
    assert os.listdir(tmp_path) == ['latest.pth']  # no temporary file left behind
