"""The scalars a run logged (loss, lr, time, validation metrics), from whichever mmengine backend wrote them.

* ``LocalVisBackend``: ``<work_dir>/<timestamp>/vis_data/scalars.json``, one JSON line per ``add_scalars``
  call with its ``step`` (training lines carry ``lr``/``loss``, validation lines the metrics).
* ``TensorboardVisBackend``: ``<work_dir>/<timestamp>/vis_data/events.out.tfevents.*``, one event per tag and step.

Both become ``{tag: {step: value}}``, validation's ``time``/``data_time`` as ``val/time``/``val/data_time``.
Sessions are read oldest first, so a step logged again by a resumed run keeps its latest value; a run
logged by both backends is read from ``scalars.json``.
"""
import glob
import json
import os.path as osp
import re
from typing import Dict, List

Scalars = Dict[str, Dict[int, float]]
SHARED_TAGS = ('time', 'data_time')  # logged by training and validation lines: validation's become val/<tag>
EVENTS = 'events.out.tfevents.*'


def _session_order(path: str):
    """mmengine names session folders ``%Y%m%d_%H%M%S``: by name; other names after; then by modification time."""
    name = osp.basename(osp.dirname(osp.dirname(path)))
    timestamp = bool(re.match(r'^\d{8}_\d{6}$', name))
    return not timestamp, name if timestamp else '', osp.getmtime(path)


def _glob(work_dir: str, *parts: str) -> List[str]:
    return glob.glob(osp.join(glob.escape(work_dir), *parts))


def scalars_files(work_dir: str) -> List[str]:
    """``<work_dir>/<timestamp>/vis_data/scalars.json`` of every session, oldest first."""
    return sorted(_glob(work_dir, '*', 'vis_data', 'scalars.json'), key=_session_order)


def event_files(work_dir: str) -> List[str]:
    """TensorBoard event files of every session (or directly under ``work_dir``), oldest first."""
    return sorted(_glob(work_dir, '*', 'vis_data', EVENTS) + _glob(work_dir, EVENTS), key=_session_order)


def _json_lines(path: str) -> List[dict]:
    """The JSON lines of one ``scalars.json``; unreadable lines (a run killed mid-write) are skipped."""
    def parse(text):
        try:
            return json.loads(text)
        except ValueError:
            return None

    try:
        with open(path, encoding='utf-8') as f:
            return [r for r in map(parse, f) if isinstance(r, dict)]
    except OSError:
        return []


def _is_training(tags) -> bool:
    return any(t.endswith('lr') or t.endswith('loss') for t in tags)


def _add_json(path: str, out: Scalars) -> None:
    for record in _json_lines(path):
        step = record.pop('step', None)
        if step is None:
            continue
        training = _is_training(record)
        for tag, value in record.items():
            if tag in SHARED_TAGS and not training:
                tag = f'val/{tag}'
            try:
                out.setdefault(tag, {})[int(step)] = float(value)
            except (TypeError, ValueError):
                pass


def _add_events(path: str, out: Scalars) -> None:
    try:
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    except ImportError:
        raise ImportError(f'reading the TensorBoard log {path} needs the tensorboard package: '
                          'pip install tensorboard (listed in requirements/tests.txt)') from None
    acc = EventAccumulator(path, size_guidance={'scalars': 0})  # 0: keep every event
    acc.Reload()
    tags = acc.Tags().get('scalars', [])
    # a time/data_time event is training's at a step where training logged (lr, loss) and was not seen yet
    # (validation logs after training at the same step), else validation's
    train_steps = {int(e.step) for t in tags if _is_training([t]) for e in acc.Scalars(t)}
    for tag in tags:
        seen = set()
        for event in acc.Scalars(tag):  # in the order written
            step = int(event.step)
            val = tag in SHARED_TAGS and (step in seen or step not in train_steps)
            out.setdefault(f'val/{tag}' if val else tag, {})[step] = float(event.value)
            seen.add(step)


def read_scalars(path: str) -> Scalars:
    """``{tag: {step: value}}`` of a work dir (every session), a session's ``vis_data`` folder, a
    ``scalars.json`` / mmengine ``<timestamp>.json`` file, or a TensorBoard event file."""
    if osp.isfile(path):
        files = [path]
    elif osp.isfile(osp.join(path, 'scalars.json')):  # a vis_data folder
        files = [osp.join(path, 'scalars.json')]
    else:
        files = scalars_files(path) or _glob(path, EVENTS) or event_files(path)
    out: Scalars = {}
    for file in files:
        (_add_events if 'tfevents' in osp.basename(file) else _add_json)(file, out)
    return out


def compact_scalars(work_dir: str) -> List[dict]:
    """A run's ``scalars.json`` lines of every session, oldest first, small enough to commit (``data_time``
    and ``memory`` dropped, not needed by the plots). Written as JSON lines, :func:`read_scalars` reads it as
    it reads the work dir."""
    return [{k: v for k, v in record.items() if k not in ('data_time', 'memory')}
            for path in scalars_files(work_dir) for record in _json_lines(path) if 'step' in record]
