"""The scalars a run logged (loss, lr, time, validation metrics), from whichever mmengine backend wrote them.

* ``LocalVisBackend``: ``<work_dir>/<timestamp>/vis_data/scalars.json``, one JSON line per
  ``add_scalars`` call (training lines carry ``lr``/``loss``/``iter`` (``epoch`` when epoch-based),
  validation lines the metrics; every line its ``step``).
* ``TensorboardVisBackend``: ``<work_dir>/<timestamp>/vis_data/events.out.tfevents.*``, one scalar event
  per tag and step (read with TensorBoard's ``EventAccumulator``).

Both become ``{tag: {step: value}}`` (``time``/``data_time`` of validation lines as ``val/time``,
``val/data_time``); sessions are read oldest first, so a step logged again by a
resumed run keeps its latest value. A run logged by both backends is read from ``scalars.json``.
"""
import glob
import json
import os.path as osp
import re
from typing import Dict, List

_TIMESTAMP = re.compile(r'^\d{8}_\d{6}$')
Scalars = Dict[str, Dict[int, float]]


def _session_key(path: str):
    """mmengine names session folders ``%Y%m%d_%H%M%S``: by name; other names after, by modification time."""
    name = osp.basename(osp.dirname(osp.dirname(path)))
    return (0, name, 0.0) if _TIMESTAMP.match(name) else (1, '', osp.getmtime(path))


def scalars_files(work_dir: str) -> List[str]:
    """``<work_dir>/<timestamp>/vis_data/scalars.json`` of every session, oldest first."""
    files = glob.glob(osp.join(glob.escape(work_dir), '*', 'vis_data', 'scalars.json'))
    return sorted(files, key=_session_key)


def event_files(work_dir: str) -> List[str]:
    """TensorBoard event files of every session (``<work_dir>/<timestamp>/vis_data/events.out.tfevents.*``,
    or directly under ``work_dir``), oldest first."""
    pattern = 'events.out.tfevents.*'
    files = glob.glob(osp.join(glob.escape(work_dir), '*', 'vis_data', pattern))
    files += glob.glob(osp.join(glob.escape(work_dir), pattern))
    return sorted(files, key=lambda p: (_session_key(p), osp.getmtime(p)))


def read_scalar_lines(path: str) -> List[dict]:
    """The JSON lines of one ``scalars.json``; unreadable lines (a run killed mid-write) are skipped."""
    lines = []
    try:
        with open(path, encoding='utf-8') as f:
            for text in f:
                try:
                    record = json.loads(text)
                except ValueError:
                    continue
                if isinstance(record, dict):
                    lines.append(record)
    except OSError:
        pass
    return lines


# logged by both training and validation lines: the validation ones are kept as ``val/<tag>``
_SHARED_TAGS = ('time', 'data_time')


def _is_training(tags) -> bool:
    return any(t.endswith('lr') or t.endswith('loss') for t in tags)


def _add_json(path: str, out: Scalars) -> None:
    for record in read_scalar_lines(path):
        step = record.get('step')
        if step is None:
            continue
        training = _is_training(record)
        for tag, value in record.items():
            if tag == 'step':
                continue
            if tag in _SHARED_TAGS and not training:
                tag = f'val/{tag}'
            try:
                out.setdefault(tag, {})[int(step)] = float(value)
            except (TypeError, ValueError):
                continue


def _add_events(path: str, out: Scalars) -> None:
    try:
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    except ImportError:
        raise ImportError(f'reading the TensorBoard log {path} needs the tensorboard package: '
                          'pip install tensorboard (listed in requirements/tests.txt)') from None
    acc = EventAccumulator(path, size_guidance={'scalars': 0})  # 0: keep every event
    acc.Reload()
    tags = acc.Tags().get('scalars', [])
    # one event per tag and call: a time/data_time event is training's at a step where training logged
    # (lr, loss) and was not seen yet (validation logs after training at the same step), else validation's
    train_steps = {int(e.step) for t in tags if _is_training([t]) for e in acc.Scalars(t)}
    for tag in tags:
        seen = set()
        for event in acc.Scalars(tag):  # in the order written
            step, name = int(event.step), tag
            if tag in _SHARED_TAGS and (step in seen or step not in train_steps):
                name = f'val/{tag}'
            seen.add(step)
            out.setdefault(name, {})[step] = float(event.value)


def read_scalars(path: str) -> Scalars:
    """``{tag: {step: value}}`` of a work dir (every session), a session's ``vis_data`` folder, a
    ``scalars.json`` / mmengine ``<timestamp>.json`` file, or a TensorBoard event file."""
    out: Scalars = {}
    if osp.isfile(path):
        (_add_events if 'tfevents' in osp.basename(path) else _add_json)(path, out)
        return out
    if osp.isfile(osp.join(path, 'scalars.json')):  # a vis_data folder
        _add_json(osp.join(path, 'scalars.json'), out)
        return out
    files = scalars_files(path)
    if files:
        for file in files:
            _add_json(file, out)
        return out
    events = glob.glob(osp.join(glob.escape(path), 'events.out.tfevents.*')) or event_files(path)
    for file in events:
        _add_events(file, out)
    return out


def has_scalars(work_dir: str) -> bool:
    return bool(scalars_files(work_dir) or event_files(work_dir))


_DROPPED = ('data_time', 'memory')  # not needed by the plots: left out of a run's compact copy


def compact_scalars(work_dir: str) -> List[dict]:
    """A run's ``scalars.json`` lines of every session, oldest first, in one list small enough to commit
    (``data_time`` and ``memory`` dropped). Written as JSON lines, :func:`read_scalars` reads it as it
    reads the work dir: a step logged again by a resumed session keeps its latest value."""
    return [{k: v for k, v in record.items() if k not in _DROPPED}
            for path in scalars_files(work_dir) for record in read_scalar_lines(path) if 'step' in record]


__all__ = ['compact_scalars', 'event_files', 'has_scalars', 'read_scalar_lines', 'read_scalars', 'scalars_files']
