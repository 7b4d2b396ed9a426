"""Random-number state in checkpoints, so a resumed run continues exactly as an uninterrupted one.

mmengine checkpoints keep weights, optimizer, schedulers and the message hub but no random-number
state. A resumed run re-seeds, initialises the model (drawing from torch's generator) and replays the
data loader up to the checkpoint's iteration, so the draws that follow differ: mmdet's RoI sampler
(``torch.randperm``), FCN's dropout and every random transform (numpy, python ``random``) see other
numbers than in the uninterrupted run, and the weights drift apart.

:class:`RNGStateHook` stores the torch (CPU and CUDA), numpy and python generator states in every
checkpoint (``checkpoint['rng_state']``, as tensors, which the weights-only loader accepts) and puts
them back at the exact point the uninterrupted run was at when it saved: right before the data
loader fetches the first batch after the checkpoint (after mmengine's replay of the skipped batches
in an iteration-based loop). Validation runs are made neutral to the generators (their states are
restored after each validation), so how often a run validates does not change its training draws.

Data-loader workers: mmengine seeds worker ``w`` of rank ``r`` with ``seed + num_workers * r + w``
(``default_worker_init_fn``) whenever a loader iterator starts them; the batch order comes from the
sampler's own seeded generator. An iteration-based resume replays the skipped batches through the
same workers in the same order, and an epoch-based run starts fresh workers every epoch (unless
``persistent_workers=True``), so worker draws match too. The main process's draws are what this
hook restores.

On resume the hook also drops ``meta['config']`` (mmcv 1.x checkpoints): mmengine's ``Runner.resume``
would execute that text with ``Config.fromstring`` to read ``gpu_ids``, and a checkpoint's text is not
to be run.
"""
import random
from typing import Optional

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.logging import print_log

from tricks_mm.registry import HOOKS

RNG_KEY = 'rng_state'


def get_rng_state() -> dict:
    """The global generator states of torch, numpy and python as tensors and plain numbers."""
    version, mt, gauss = random.getstate()
    name, keys, pos, has_gauss, cached = np.random.get_state()
    state = dict(
        torch=torch.get_rng_state(),
        numpy=dict(name=str(name), keys=torch.from_numpy(np.asarray(keys, dtype=np.int64)), pos=int(pos),
                   has_gauss=int(has_gauss), cached_gaussian=float(cached)),
        python=dict(version=int(version), state=torch.tensor(mt, dtype=torch.int64),
                    gauss_next=None if gauss is None else float(gauss)))
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    """Inverse of :func:`get_rng_state`."""
    torch.set_rng_state(state['torch'].cpu())
    npy = state['numpy']
    np.random.set_state((npy['name'], npy['keys'].numpy().astype(np.uint32), npy['pos'], npy['has_gauss'],
                         npy['cached_gaussian']))
    py = state['python']
    random.setstate((py['version'], tuple(int(v) for v in py['state'].tolist()), py['gauss_next']))
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([s.cpu() for s in state['cuda']])


class _RestoreBeforeFetch:
    """Wraps a loop's data-loader iterator: after ``skip`` fetches (mmengine's replay of the batches
    done before the checkpoint) it restores ``state`` and unwraps itself from ``loop``."""

    def __init__(self, loop, iterator, skip: int, state: dict):
        self.loop, self.iterator, self.skip, self.state = loop, iterator, skip, state

    def __iter__(self):
        return self

    def __next__(self):
        if self.skip > 0:
            self.skip -= 1
            return next(self.iterator)
        set_rng_state(self.state)
        self.loop.dataloader_iterator = self.iterator
        return next(self.iterator)

    def skip_iter(self, n: int) -> None:  # newer mmengine replays through skip_iter
        for _ in range(n):
            next(self)

    def __getattr__(self, name):
        return getattr(self.iterator, name)


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Save the generator states in checkpoints; restore them on resume (see the module doc)."""

    priority = 'VERY_LOW'

    def __init__(self):
        self._resumed: Optional[dict] = None
        self._outside_val: Optional[dict] = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        # a checkpoint saved during validation (e.g. the best one) carries the training draws
        checkpoint[RNG_KEY] = self._outside_val or get_rng_state()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        meta = checkpoint.get('meta')
        if isinstance(meta, dict) and 'config' in meta:
            # mmengine's resume runs Config.fromstring(meta['config']) (written by mmcv 1.x runners) only to
            # read gpu_ids: config text from a checkpoint is code, so it is dropped unread.
            meta.pop('config')
            print_log("ignored the checkpoint's meta['config'] (config text is code; it is not run)",
                      logger='current', level=30)
        if getattr(runner, '_resume', False) or runner.cfg.get('resume', False):
            self._resumed = checkpoint.get(RNG_KEY)
            if self._resumed is None:
                print_log('the checkpoint holds no random-number state (it was written without '
                          'tricks_mm.RNGStateHook): training resumes, but not bit-identical to an '
                          'uninterrupted run', logger='current', level=30)

    def before_train(self, runner) -> None:  # after the resume, before any data is fetched
        state, self._resumed = self._resumed, None
        if state is None:
            return
        loop = runner.train_loop
        if hasattr(loop, 'dataloader_iterator'):  # iteration-based: restore after the replay
            loop.dataloader_iterator = _RestoreBeforeFetch(loop, loop.dataloader_iterator, runner.iter, state)
        else:  # epoch-based: the epoch's loader iterator starts right after this hook
            set_rng_state(state)

    def before_val(self, runner) -> None:
        self._outside_val = get_rng_state()

    def after_val(self, runner) -> None:
        if self._outside_val is not None:
            set_rng_state(self._outside_val)
        self._outside_val = None
