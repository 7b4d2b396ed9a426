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

Safety: a row folder is locked while its row runs (``<row>/seed<k>/.lock`` with the runner's pid), so
a second runner, or a ``tools/train.py`` started by hand on the same folder, is refused. Each child
runs in a process group of its own that is killed when the runner is stopped (SIGTERM, SIGINT,
SIGHUP) and is sent SIGTERM by the kernel when the runner dies otherwise (``kill -9``), so no
training goes on writing into the folder as an orphan. A row's ``wall_time_s`` sums all its parts
(``parts``: each attempt's start, end and outcome; an attempt that was killed ends at the last write
into the folder).
"""
import ctypes
import datetime
import json
import os
import os.path as osp
import signal
import subprocess
import sys
from typing import Dict, Iterable, List, Optional

from mmengine.config import Config

from tricks_mm.utils.dir_lock import DirLock
from tricks_mm.utils.machine import cpu_description, training_precision
from tricks_mm.utils.paths import package_root

REPO = package_root()  # the checkout, or tricks_mm/.mim of an installed wheel
TASK_BY_SCOPE = {'mmpretrain': 'cls', 'mmdet': 'det', 'mmseg': 'seg'}
ROW_KEYS = {'name', 'config', 'init_from', 'cfg_options', 'paper_row', 'label', 'amp', 'seeds'}


class SpecError(ValueError):
    """A table spec that cannot be run as written."""


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


def _last_write(folder: str, since: float) -> float:
    """The latest modification time of the files in ``folder`` (the log is written every iteration)."""
    latest = since
    for root, _, files in os.walk(folder):
        for name in files:
            if name not in ('result.json', '.lock'):
                try:
                    latest = max(latest, os.stat(osp.join(root, name)).st_mtime)
                except FileNotFoundError:
                    pass
    return latest


def _closed_parts(previous: Optional[dict], run_dir: str) -> List[dict]:
    """The finished parts of an earlier attempt at a row, the one killed while running closed at its
    last write into the folder."""
    if not previous or previous.get('status') not in ('running', 'failed'):
        return []
    parts = list(previous.get('parts') or [])
    if previous.get('status') == 'running' and previous.get('start'):
        start = datetime.datetime.fromisoformat(previous['start']).timestamp()
        end = _last_write(run_dir, start)
        parts.append(dict(start=previous['start'], end=_iso(end), seconds=round(end - start, 1),
                          outcome='interrupted'))
    return parts


def _iso(timestamp: float) -> str:
    return datetime.datetime.fromtimestamp(timestamp).isoformat(timespec='seconds')


def _die_with_parent(parent: int):
    """``preexec_fn``: the kernel sends SIGTERM to the child when the runner dies (Linux prctl)."""
    def preexec():
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
        if os.getppid() != parent:  # the runner died before prctl took effect
            os._exit(1)
    return preexec


class ChildProcesses:
    """Children in process groups of their own, killed with the runner (signals, exceptions)."""

    STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)

    def __init__(self):
        self.current: Optional[subprocess.Popen] = None

    def run(self, cmd, **kwargs) -> subprocess.CompletedProcess:
        proc = subprocess.Popen(cmd, process_group=0, preexec_fn=_die_with_parent(os.getpid()), **kwargs)
        self.current = proc
        try:
            stdout, _ = proc.communicate()
        finally:
            self.kill()
            self.current = None
        return subprocess.CompletedProcess(cmd, proc.returncode, stdout)

    def kill(self) -> None:
        proc = self.current
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM if proc.poll() is None else signal.SIGKILL)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # data-loader workers left in the group
        except ProcessLookupError:
            pass

    def __enter__(self):
        self._previous = {}
        for sig in self.STOP_SIGNALS:
            try:
                self._previous[sig] = signal.signal(sig, self._stop)
            except ValueError:  # not the main thread: leave signals alone
                pass
        return self

    def __exit__(self, *exc):
        self.kill()
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _stop(self, signum, frame):
        self.kill()
        raise KeyboardInterrupt(f'stopped by signal {signum}; the row resumes when the command is run again')


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
        # seed-major: every row of seed 0 (the whole chain, transfers included) before any row of seed 1
        seeds = sorted({seed for row in rows for seed in self._seeds(row)})
        jobs = [(row, seed) for seed in seeds for row in rows if seed in self._seeds(row)]
        with ChildProcesses() as self.children:
            for k, (row, seed) in enumerate(jobs, 1):
                self.run_one(row, seed, f'{k}/{len(jobs)}')
        return self.collect()

    def run_one(self, row: dict, seed: int, progress: str = '') -> dict:
        head = f'[reproduce {self.spec["table"]}] row {progress} {row["name"]} seed {seed}'
        previous = self.result(row, seed)
        if previous and previous.get('status') == 'done' and previous.get('config') == row['config'] \
                and previous.get('cfg_options') == list(row['cfg_options']):
            self.echo(f'{head}: done before, skipped ({previous["metrics"]})')
            return previous
        run_dir = self.run_dir(row, seed)
        with DirLock(run_dir, what=f'row {row["name"]} seed {seed}') as lock:
            return self._run_locked(row, seed, head, run_dir, lock)

    def _precision(self, row: dict) -> str:
        """The precision the row's training runs in on this CPU (its optimizer wrapper, ``--amp``, the CPU)."""
        try:
            wrapper = Config.fromfile(osp.join(REPO, row['config'])).get('optim_wrapper', {})
        except Exception:  # the training itself reports a broken config
            return 'unknown'
        kind = 'tricks_mm.BF16OptimWrapper' if row['amp'] else wrapper.get('type', 'OptimWrapper')
        return training_precision(kind, force=bool(wrapper.get('force', False)))

    def _child(self, cmd, env, **kwargs) -> subprocess.CompletedProcess:
        children = getattr(self, 'children', None) or ChildProcesses()
        return children.run(cmd, cwd=REPO, env=env, **kwargs)

    def _run_locked(self, row: dict, seed: int, head: str, run_dir: str, lock: DirLock) -> dict:
        previous = self.result(row, seed)  # read again under the lock
        parts = _closed_parts(previous, run_dir)
        env = lock.child_env(self.env)
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
        started = datetime.datetime.now()
        record = dict(row=row['name'], task=row['task'], seed=seed, config=row['config'],
                      cfg_options=list(row['cfg_options']), init_from=row['init_from'], work_dir=run_dir,
                      command=train, resumed=resumed, status='running', start=_iso(started.timestamp()),
                      parts=parts)

        machine = dict(cpu=cpu_description(), precision=self._precision(row))
        record.update(machine)

        def close(outcome):
            end = datetime.datetime.now()
            record['parts'] = parts + [dict(start=record['start'], end=_iso(end.timestamp()),
                                            seconds=round((end - started).total_seconds(), 1), outcome=outcome,
                                            **machine)]
            record['end'] = record['parts'][-1]['end']
            record['wall_time_s'] = round(sum(p['seconds'] for p in record['parts']), 1)
            # a row resumed on another machine may have trained its parts in different precisions
            precisions = sorted({p['precision'] for p in record['parts'] if 'precision' in p})
            record['precision'] = precisions[0] if len(precisions) == 1 else 'mixed: ' + ' / '.join(precisions)

        _write_json(osp.join(run_dir, 'result.json'), record)
        self.echo(f'{head}: {"resuming" if resumed else "training"}: {" ".join(train)}')
        code = self._child(train, env).returncode
        if code != 0:
            close('failed')
            record.update(status='failed', returncode=code)
            _write_json(osp.join(run_dir, 'result.json'), record)
            raise RuntimeError(f'{head}: training failed (exit {code}); its log is in {run_dir}. '
                               'Fix the cause and run the same command again: it resumes.')
        checkpoint = _last_checkpoint(run_dir)
        if checkpoint is None:
            close('failed')
            record.update(status='failed')
            _write_json(osp.join(run_dir, 'result.json'), record)
            raise RuntimeError(f'{head}: training ended without a checkpoint in {run_dir}; the config must keep '
                               'CheckpointHook (a checkpoint at the last iteration/epoch)')
        test = [self.python, osp.join(REPO, 'tools/test.py'), row['config'], checkpoint,
                '--work-dir', osp.join(run_dir, 'test')]
        if row['cfg_options']:  # the model the row trained (e.g. model.backbone.variant=B)
            test += ['--cfg-options'] + list(row['cfg_options'])
        self.echo(f'{head}: testing {checkpoint}')
        proc = self._child(test, env, stdout=subprocess.PIPE, text=True)
        sys.stdout.write(proc.stdout)
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith('{')]
        if proc.returncode != 0 or not lines:
            close('failed')
            record.update(status='failed', returncode=proc.returncode, test_command=test)
            _write_json(osp.join(run_dir, 'result.json'), record)
            raise RuntimeError(f'{head}: testing failed (exit {proc.returncode}): {" ".join(test)}')
        close('done')
        record.update(status='done', metrics=json.loads(lines[-1]), checkpoint=checkpoint, test_command=test)
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
