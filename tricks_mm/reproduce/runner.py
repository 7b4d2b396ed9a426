"""Run a table of experiments in dependency order: classifier rows, then the detection and
segmentation rows whose backbones they initialise (paper Section 6, Tables 8 and 9).

A *spec* is an mmengine config file::

    table = 'demo'
    work_root = 'work_dirs/demo'          # one folder per row and seed below it
    seeds = [0]
    env = dict(DATA_ROOT='data/demo')     # environment of every train/test process (optional)
    rows = [
        dict(name='cls_d', config='configs/...cls.py', paper_row='+cosine', label='ResNet-18-D cos'),
        dict(name='det_d', config='configs/...det.py', init_from='cls_d'),
        ...]

Each row runs ``tools/train.py`` then ``tools/test.py`` on its final checkpoint, exactly as a user would,
and writes ``<work_root>/<row>/seed<k>/result.json`` (metrics, seed, config, commands, start/end and wall
time). A row whose result says ``done`` (for the same config and options) is skipped; a row that was
interrupted resumes from its ``last_checkpoint`` through ``--resume``. ``<work_root>/results.json``
gathers every row (read by ``tools/analysis/results_table.py`` and ``plot_results.py``).
"""
import datetime
import json
import os
import os.path as osp
import subprocess
import sys
from typing import Dict, Iterable, List, Optional

from mmengine.config import Config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TASK_BY_SCOPE = {'mmpretrain': 'cls', 'mmdet': 'det', 'mmseg': 'seg'}
ROW_KEYS = {'name', 'config', 'init_from', 'cfg_options', 'paper_row', 'label', 'amp', 'seeds'}


class SpecError(ValueError):
    """A table spec that cannot be run as written."""


def _now() -> str:
    return datetime.datetime.now().isoformat(timespec='seconds')


def _write_json(path: str, obj) -> None:
    """Write through a temporary file and a rename, so an interrupted write never leaves half a file."""
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(obj, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _read_json(path: str) -> Optional[dict]:
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def load_spec(path: str, work_root: Optional[str] = None, seeds: Optional[List[int]] = None) -> dict:
    """Read and check a spec: unique row names, known keys, configs that exist, and every
    ``init_from`` naming a classifier row listed earlier."""
    if not osp.isfile(path):
        raise SpecError(f'spec file {path} does not exist')
    cfg = Config.fromfile(path)
    if 'rows' not in cfg or not cfg.rows:
        raise SpecError(f'{path}: a spec needs `rows = [dict(name=..., config=...), ...]`')
    spec = dict(path=path, table=cfg.get('table', osp.splitext(osp.basename(path))[0]),
                work_root=osp.abspath(work_root or cfg.get('work_root', osp.join('work_dirs', 'reproduce'))),
                seeds=list(seeds if seeds is not None else cfg.get('seeds', [0])),
                env={k: str(v) for k, v in (cfg.get('env') or {}).items()}, rows=[])
    seen: Dict[str, dict] = {}
    for i, raw in enumerate(cfg.rows):
        row = dict(raw)
        unknown = set(row) - ROW_KEYS
        if unknown or 'name' not in row or 'config' not in row:
            raise SpecError(f'{path}: row {i} {row.get("name", "")!r}: needs name and config; unknown keys '
                            f'{sorted(unknown)} (allowed: {sorted(ROW_KEYS)})')
        if row['name'] in seen:
            raise SpecError(f'{path}: row name {row["name"]!r} is used twice')
        config = row['config'] if osp.isabs(row['config']) else osp.join(REPO, row['config'])
        if not osp.isfile(config):
            raise SpecError(f'{path}: row {row["name"]!r}: config {row["config"]} does not exist')
        row['task'] = TASK_BY_SCOPE.get(Config.fromfile(config).get('default_scope'), 'cls')
        parent = row.get('init_from')
        if parent is not None:
            if parent not in seen:
                raise SpecError(f'{path}: row {row["name"]!r} is initialised from {parent!r}, which is not '
                                'a row listed before it (rows run in the order written)')
            if seen[parent]['task'] != 'cls':
                raise SpecError(f'{path}: row {row["name"]!r}: init_from {parent!r} is a {seen[parent]["task"]} '
                                'row; a backbone comes from a classifier row')
        row.setdefault('init_from', None)
        row.setdefault('cfg_options', [])
        row.setdefault('label', row['name'])
        row.setdefault('paper_row', None)
        row.setdefault('amp', False)
        seen[row['name']] = row
        spec['rows'].append(row)
    return spec


def _init_options(checkpoint: str) -> List[str]:
    """Initialise the backbone from a classifier checkpoint, strictly (tricks_mm's Pretrained init)."""
    return ['model.backbone.init_cfg.type=Pretrained', f'model.backbone.init_cfg.checkpoint={checkpoint}',
            'model.backbone.init_cfg.prefix=backbone.']


def _last_checkpoint(work_dir: str) -> Optional[str]:
    path = osp.join(work_dir, 'last_checkpoint')  # written by mmengine's CheckpointHook
    if not osp.isfile(path):
        return None
    with open(path) as f:
        ckpt = f.read().strip()
    return ckpt if osp.isfile(ckpt) else None


class Runner:
    """Runs the rows of a loaded spec (see the module docstring)."""

    def __init__(self, spec: dict, python: str = sys.executable, echo=print):
        self.spec, self.python, self.echo = spec, python, echo
        self.env = dict(os.environ, **spec['env'])
        self.env['PYTHONPATH'] = REPO + os.pathsep + self.env.get('PYTHONPATH', '')

    def run_dir(self, row: dict, seed: int) -> str:
        return osp.join(self.spec['work_root'], row['name'], f'seed{seed}')

    def result(self, row: dict, seed: int) -> Optional[dict]:
        return _read_json(osp.join(self.run_dir(row, seed), 'result.json'))

    def _seeds(self, row):
        return list(row.get('seeds') or self.spec['seeds'])

    def run(self, only: Optional[Iterable[str]] = None) -> dict:
        rows = [r for r in self.spec['rows'] if only is None or r['name'] in set(only)]
        jobs = [(row, seed) for row in rows for seed in self._seeds(row)]
        for k, (row, seed) in enumerate(jobs, 1):
            self.run_one(row, seed, f'{k}/{len(jobs)}')
        return self.collect()

    def run_one(self, row: dict, seed: int, progress: str = '') -> dict:
        run_dir = self.run_dir(row, seed)
        head = f'[reproduce {self.spec["table"]}] row {progress} {row["name"]} seed {seed}'
        previous = self.result(row, seed)
        if previous and previous.get('status') == 'done' and previous.get('config') == row['config'] \
                and previous.get('cfg_options') == list(row['cfg_options']):
            self.echo(f'{head}: done before, skipped ({previous["metrics"]})')
            return previous
        os.makedirs(run_dir, exist_ok=True)
        options = [f'randomness.seed={seed}'] + list(row['cfg_options'])
        if row['init_from']:
            parent = next(r for r in self.spec['rows'] if r['name'] == row['init_from'])
            parent_result = self.result(parent, seed)
            if not parent_result or parent_result.get('status') != 'done':
                raise RuntimeError(f'{head}: its classifier row {parent["name"]} (seed {seed}) has not finished; '
                                   'run the spec without --rows, or that row first')
            options += _init_options(parent_result['checkpoint'])
        train = [self.python, osp.join(REPO, 'tools/train.py'), row['config'], '--work-dir', run_dir]
        if row['amp']:
            train.append('--amp')
        resumed = _last_checkpoint(run_dir) is not None
        if resumed:
            train.append('--resume')  # mmengine resumes from <work_dir>/last_checkpoint
        train += ['--cfg-options'] + options
        record = dict(row=row['name'], task=row['task'], seed=seed, config=row['config'],
                      cfg_options=list(row['cfg_options']), init_from=row['init_from'], work_dir=run_dir,
                      command=train, resumed=resumed, status='running', start=_now())
        _write_json(osp.join(run_dir, 'result.json'), record)
        self.echo(f'{head}: {"resuming" if resumed else "training"}: {" ".join(train)}')
        started = datetime.datetime.now()
        code = subprocess.call(train, cwd=REPO, env=self.env)
        if code != 0:
            record.update(status='failed', end=_now(), returncode=code)
            _write_json(osp.join(run_dir, 'result.json'), record)
            raise RuntimeError(f'{head}: training failed (exit {code}); its log is in {run_dir}. '
                               'Fix the cause and run the same command again: it resumes.')
        checkpoint = _last_checkpoint(run_dir)
        if checkpoint is None:
            raise RuntimeError(f'{head}: training ended without a checkpoint in {run_dir}; the config must keep '
                               'CheckpointHook (a checkpoint at the last iteration/epoch)')
        test = [self.python, osp.join(REPO, 'tools/test.py'), row['config'], checkpoint,
                '--work-dir', osp.join(run_dir, 'test')]
        if row['cfg_options']:  # the model the row trained (e.g. model.backbone.variant=B)
            test += ['--cfg-options'] + list(row['cfg_options'])
        self.echo(f'{head}: testing {checkpoint}')
        proc = subprocess.run(test, cwd=REPO, env=self.env, stdout=subprocess.PIPE, text=True)
        sys.stdout.write(proc.stdout)
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith('{')]
        if proc.returncode != 0 or not lines:
            record.update(status='failed', end=_now(), returncode=proc.returncode, test_command=test)
            _write_json(osp.join(run_dir, 'result.json'), record)
            raise RuntimeError(f'{head}: testing failed (exit {proc.returncode}): {" ".join(test)}')
        record.update(status='done', metrics=json.loads(lines[-1]), checkpoint=checkpoint, test_command=test,
                      end=_now(), wall_time_s=round((datetime.datetime.now() - started).total_seconds(), 1))
        _write_json(osp.join(run_dir, 'result.json'), record)
        self.echo(f'{head}: done in {record["wall_time_s"]:.0f} s: {record["metrics"]}')
        self.collect()
        return record

    def collect(self) -> dict:
        """Write ``<work_root>/results.json``: every row of the spec with the runs found on disk."""
        rows = []
        for row in self.spec['rows']:
            runs = [r for r in (self.result(row, s) for s in self._seeds(row)) if r]
            rows.append(dict(name=row['name'], task=row['task'], config=row['config'],
                             init_from=row['init_from'], paper_row=row['paper_row'], label=row['label'],
                             runs=runs))
        results = dict(spec=self.spec['path'], table=self.spec['table'], seeds=self.spec['seeds'], rows=rows)
        os.makedirs(self.spec['work_root'], exist_ok=True)
        _write_json(osp.join(self.spec['work_root'], 'results.json'), results)
        return results
