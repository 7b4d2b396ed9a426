"""Run a table of experiments in dependency order: classifier rows, then the detection and segmentation
rows whose backbones they initialise (paper Section 6, Tables 8 and 9) and the distillation rows that
read a teacher row (Section 5.3).

A *spec* is an mmengine config file::

    table = 'demo'
    work_root = 'work_dirs/demo'          # one folder per row and seed below it (checkpoints, logs)
    results_dir = 'docs/demo/runs'        # optional: committed copies of the finished runs (repository-relative)
    seeds = [0]
    env = dict(DATA_ROOT='data/demo')     # environment of every train/test process (optional)
    rows = [
        dict(name='cls_d', config='configs/...cls.py', paper_row='+cosine', label='ResNet-18-D cos'),
        dict(name='det_d', config='configs/...det.py', init_from='cls_d'),
        dict(name='cls_kd', config='configs/...kd.py', teacher_from='teacher', teacher_seed=0),
        ...]

Each row runs ``tools/train.py`` then ``tools/test.py`` on its final checkpoint (which writes
``metrics.json``), exactly as a user would, and writes ``<work_root>/<row>/seed<k>/result.json``
(:class:`~tricks_mm.reproduce.records.Run`). ``<work_root>/results.json`` gathers every row.

Order: seed-major (every row of seed 0 first), and within a seed depth-first: each row is followed at
once by the rows that read its checkpoint, so a classifier's checkpoint is used in the session that made it.

Surviving a new machine: a finished run is copied (``result.json`` and a compact ``scalars.json``) to
``<results_dir>/<row>/seed<k>/``. A row+seed is done when its work-dir record or its committed record is
done for the same config and cfg_options, except when a row still to run needs its checkpoint
(``init_from``, ``teacher_from``) and the checkpoint file is gone: then it is trained again, and the runs
made from its old checkpoint after it (each run records the ``end`` of the runs it read, ``parents``).

Backends (:class:`Local`, :class:`Torchrun`, in a Slurm job :class:`SlurmStep`; submitting rows as Slurm
jobs is :mod:`tricks_mm.reproduce.slurm`) only change how a tool is started.

Safety: a row folder is locked while its row runs (``<row>/seed<k>/.lock`` with the runner's pid), so
a second runner, or a ``tools/train.py`` started by hand on the same folder, is refused. Each child
runs in a process group of its own that is killed when the runner is stopped (SIGTERM, SIGINT,
SIGHUP) and is sent SIGTERM by the kernel when the runner dies otherwise (``kill -9``). A row's
``wall_time_s`` sums all its parts (``parts``: each attempt's start, end and outcome; an attempt that was
killed ends at the last write into the folder).
"""
import contextlib
import ctypes
import datetime
import fcntl
import glob
import os
import os.path as osp
import re
import shutil
import signal
import socket
import subprocess
import sys
from typing import Dict, Iterable, List, NamedTuple, Optional, Tuple

from mmengine.config import Config

from tricks_mm.utils.dir_lock import DirLock, DirLockedError, holder_pid
from tricks_mm.utils.json_file import read_json, write_json
from tricks_mm.utils.machine import cpu_description, training_precision
from tricks_mm.utils.paths import package_root

from .records import Results, Row, Run, Spec
from .scalars import compact_scalars

REPO = package_root()  # the checkout, or tricks_mm/.mim of an installed wheel
TASK_BY_SCOPE = {'mmpretrain': 'cls', 'mmdet': 'det', 'mmseg': 'seg'}


class SpecError(ValueError):
    """A table spec that cannot be run as written."""


def _repo_path(path: str) -> str:
    return path if osp.isabs(path) else osp.join(REPO, path)


def load_spec(path: str, work_root: Optional[str] = None, seeds: Optional[List[int]] = None,
              results_dir: Optional[str] = None) -> Spec:
    """Read and check a spec: unique row names, known keys, configs that exist, and every ``init_from`` /
    ``teacher_from`` naming a classifier row listed earlier. ``work_root`` is relative to the current
    folder, ``results_dir`` to the repository."""
    if not osp.isfile(path):
        raise SpecError(f'spec file {path} does not exist')
    cfg = Config.fromfile(path)
    if 'rows' not in cfg or not cfg.rows:
        raise SpecError(f'{path}: a spec needs `rows = [dict(name=..., config=...), ...]`')
    results_dir = results_dir or cfg.get('results_dir')
    spec = Spec(path=path, table=cfg.get('table', osp.splitext(osp.basename(path))[0]),
                work_root=osp.abspath(work_root or cfg.get('work_root', osp.join('work_dirs', 'reproduce'))),
                seeds=list(seeds if seeds is not None else cfg.get('seeds', [0])),
                env={k: str(v) for k, v in (cfg.get('env') or {}).items()}, rows=[],
                results_dir=_repo_path(results_dir) if results_dir else None)
    seen: Dict[str, Row] = {}
    for i, raw in enumerate(cfg.rows):
        raw = dict(raw)
        unknown = set(raw) - set(Row.SPEC_KEYS)
        if unknown or 'name' not in raw or 'config' not in raw:
            raise SpecError(f'{path}: row {i} {raw.get("name", "")!r}: needs name and config; unknown keys '
                            f'{sorted(unknown)} (allowed: {sorted(Row.SPEC_KEYS)})')
        row = Row(**raw)
        row.cfg_options = list(row.cfg_options or [])
        if row.name in seen:
            raise SpecError(f'{path}: row name {row.name!r} is used twice')
        if not osp.isfile(_repo_path(row.config)):
            raise SpecError(f'{path}: row {row.name!r}: config {row.config} does not exist')
        row.task = TASK_BY_SCOPE.get(Config.fromfile(_repo_path(row.config)).get('default_scope'), 'cls')
        for key, what, noun in (('init_from', 'initialised from', 'backbone'),
                                ('teacher_from', 'distilled from', 'teacher'),
                                ('compare_to', 'compared with', 'comparison row')):
            parent = getattr(row, key)
            if parent is None:
                continue
            if parent not in seen:
                raise SpecError(f'{path}: row {row.name!r} is {what} {parent!r}, which is not a row listed '
                                'before it (rows run in the order written)')
            if seen[parent].task != 'cls':
                raise SpecError(f'{path}: row {row.name!r}: {key} {parent!r} is a {seen[parent].task} row; a '
                                f'{noun} comes from a classifier row')
        if row.teacher_from and row.teacher_seed not in spec.row_seeds(seen[row.teacher_from]):
            raise SpecError(f'{path}: row {row.name!r}: teacher_seed {row.teacher_seed} is not a seed of row '
                            f'{row.teacher_from!r} ({spec.row_seeds(seen[row.teacher_from])})')
        if row.teacher_from and any(o.startswith('model.teacher_checkpoint=') for o in row.cfg_options):
            raise SpecError(f'{path}: row {row.name!r}: teacher_from sets model.teacher_checkpoint; remove it '
                            'from cfg_options')
        seen[row.name] = row
        spec.rows.append(row)
    return spec


def classifier_slots(config: str) -> List[str]:
    """Modules other than ``model.backbone`` that load a part of the classifier: every ``Pretrained``
    ``init_cfg`` whose ``prefix`` is under ``backbone.`` (the C4 detector's shared head, layer4: Table 8),
    as cfg-option paths (``model.roi_head.shared_head``). An ``init_from`` row fills them with the same
    checkpoint as the backbone, so a spec never spells a checkpoint path."""
    found = []

    def walk(node, path):
        for key, value in node.items():
            if not isinstance(value, dict):
                continue
            init = value.get('init_cfg')
            if (path + [key] != ['model', 'backbone'] and isinstance(init, dict) and init.get('type') == 'Pretrained'
                    and str(init.get('prefix', '')).startswith('backbone.')):
                found.append('.'.join(path + [key]))
            walk(value, path + [key])
    walk(dict(Config.fromfile(config).get('model', {})), ['model'])
    return found


# ----------------------------------------------------------------------------- processes
def _iso(timestamp: float) -> str:
    """Milliseconds: a run's ``end`` tells it from a run of the same row trained again within the second."""
    return datetime.datetime.fromtimestamp(timestamp).isoformat(timespec='milliseconds')


def _last_write(folder: str, since: float) -> float:
    """The latest modification time of the files in ``folder`` (the log is written every iteration)."""
    latest = since
    for root, _, files in os.walk(folder):
        for name in files:
            if name not in ('result.json', '.lock', '.record.lock'):
                try:
                    latest = max(latest, os.stat(osp.join(root, name)).st_mtime)
                except FileNotFoundError:
                    pass
    return latest


def _closed_parts(previous: Optional[Run], run_dir: str) -> List[dict]:
    """The finished parts of earlier attempts at a row, the one killed while running closed at its
    last write into the folder."""
    if not previous or previous.status not in ('running', 'failed', 'queued'):
        return []
    parts = list(previous.parts)
    if previous.status == 'running' and previous.start:
        start = datetime.datetime.fromisoformat(previous.start).timestamp()
        end = _last_write(run_dir, start)
        parts.append(dict(start=previous.start, end=_iso(end), seconds=round(end - start, 1), outcome='interrupted'))
    return parts


def code_version(repo: str = REPO) -> Optional[str]:
    """The git commit of the checkout the tools run from, with ``+dirty`` when tracked files differ from it;
    None outside a git checkout (an installed wheel)."""
    def git(*args):
        return subprocess.run(['git', '-C', repo] + list(args), capture_output=True, text=True, timeout=30)
    try:
        head = git('rev-parse', 'HEAD')
        if head.returncode != 0:
            return None
        dirty = git('status', '--porcelain', '--untracked-files=no').stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    return head.stdout.strip() + ('+dirty' if dirty else '')


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


@contextlib.contextmanager
def record_lock(run_dir: str):
    """Serialises the writers of a row's ``result.json`` (the Slurm submitter and the row's job)."""
    os.makedirs(run_dir, exist_ok=True)
    with open(osp.join(run_dir, '.record.lock'), 'w') as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def _last_checkpoint(work_dir: str) -> Optional[str]:
    path = osp.join(work_dir, 'last_checkpoint')  # written by mmengine's CheckpointHook
    if not osp.isfile(path):
        return None
    with open(path) as f:
        ckpt = f.read().strip()
    return ckpt if osp.isfile(ckpt) else None


def latest_log(run_dir: str) -> Optional[str]:
    """mmengine's text log of the newest session (``<run_dir>/<timestamp>/<timestamp>.log``)."""
    logs = sorted(glob.glob(osp.join(glob.escape(run_dir), '*', '*.log')), key=osp.getmtime)
    return logs[-1] if logs else None


# ----------------------------------------------------------------------------- backends
class Local:
    """Each tool as one process: ``python tools/train.py ...``; the runner holds the row folder's lock."""
    name = 'local'
    holds_lock = True

    def command(self, python: str, tool: str, args: List[str]) -> List[str]:
        return [python, osp.join(REPO, 'tools', f'{tool}.py')] + args

    def env(self, env: dict, python: str) -> dict:
        return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def processes(config: str, count) -> int:
    """Processes (GPUs) for a row: ``count``, or with ``'auto'`` the count the config's name states
    (OpenMMLab's ``<GPUs>xb<images per GPU>``, e.g. ``8xb128``: 8), so every row keeps its paper batch."""
    if count != 'auto':
        return int(count)
    match = re.search(r'(?:^|[_-])(\d+)xb\d+', osp.basename(config))
    if not match:
        raise RuntimeError(f'config {config}: its name does not state <GPUs>xb<batch>; give a number instead of '
                           '"auto"')
    return int(match.group(1))


class Torchrun(Local):
    """``nproc`` processes per row (or ``'auto'``: :func:`processes`) through ``tools/dist_train.sh`` /
    ``dist_test.sh`` (torchrun; gloo on a CPU), each row on a free port."""
    name = 'torchrun'

    def __init__(self, nproc):
        if nproc != 'auto' and int(nproc) < 1:
            raise ValueError(f'--nproc {nproc}: a row needs at least one process')
        self.nproc = nproc

    def command(self, python, tool, args):
        at = 1 if tool == 'train' else 2  # dist_train.sh CONFIG N ...; dist_test.sh CONFIG CHECKPOINT N ...
        script = osp.join(REPO, 'tools', f'dist_{tool}.sh')
        return ['bash', script] + args[:at] + [str(processes(args[0], self.nproc))] + args[at:]

    def env(self, env, python):  # the scripts start `python`: the runner's interpreter
        return dict(env, PATH=osp.dirname(python) + os.pathsep + env.get('PATH', ''), PORT=str(_free_port()))


class SlurmStep(Local):
    """Inside a Slurm job (:mod:`tricks_mm.reproduce.slurm`): each tool as a job step on every task of
    the allocation, ``srun python tools/<tool>.py ... --launcher slurm``; ``tools/train.py`` (rank 0)
    locks the folder itself."""
    name = 'slurm'
    holds_lock = False

    def command(self, python, tool, args):
        return ['srun', '--kill-on-bad-exit=1', python, '-u', osp.join(REPO, 'tools', f'{tool}.py')] + args + [
            '--launcher', 'slurm']

    def env(self, env, python):
        env = dict(env)
        if 'SLURM_JOB_ID' in env:  # one port per job: several jobs may share a node
            env.setdefault('MASTER_PORT', str(20000 + int(env['SLURM_JOB_ID']) % 20000))
        return env


# ----------------------------------------------------------------------------- the runner
class Plan(NamedTuple):
    """What a row+seed needs: ``run`` it or not; ``fresh``: set its old work dir aside first (its checkpoints
    came from an older parent run, or it is trained again); ``why``: for the log; ``record``: the done run."""
    run: bool
    fresh: bool
    why: str
    record: Optional[Run] = None


Job = Tuple[Row, int]


class Runner:
    """Runs the rows of a loaded spec (see the module docstring). ``in_job``: ``(row, seed)`` this process runs
    inside a Slurm job because the submitter decided so (its committed record is not consulted)."""

    def __init__(self, spec: Spec, python: str = sys.executable, echo=print, backend: Optional[Local] = None,
                 in_job: Optional[Tuple[str, int]] = None):
        self.spec, self.python, self.echo = spec, python, echo
        self.backend, self.in_job = backend or Local(), in_job
        self.env = dict(os.environ, **spec.env)
        self.env['PYTHONPATH'] = REPO + os.pathsep + self.env.get('PYTHONPATH', '')

    # ------------------------------------------------------------------ records
    def run_dir(self, row: Row, seed: int) -> str:
        return osp.join(self.spec.work_root, row.name, f'seed{seed}')

    def saved_dir(self, row: Row, seed: int) -> Optional[str]:
        return osp.join(self.spec.results_dir, row.name, f'seed{seed}') if self.spec.results_dir else None

    def result(self, row: Row, seed: int) -> Optional[Run]:
        """The work dir's record."""
        data = read_json(osp.join(self.run_dir(row, seed), 'result.json'))
        return Run.from_dict(data) if data else None

    def committed(self, row: Row, seed: int) -> Optional[Run]:
        """The copy in ``results_dir`` (kept in git)."""
        folder = self.saved_dir(row, seed)
        data = folder and read_json(osp.join(folder, 'result.json'))
        return Run.from_dict(data) if data else None

    def _matches(self, run: Optional[Run], row: Row) -> bool:
        """A done run of this config and cfg_options (a run from before ``teacher_from`` named its teacher's
        checkpoint in its cfg_options: that option is the runner's now)."""
        if not (run and run.done and run.config == row.config):
            return False
        options = [o for o in run.cfg_options
                   if not (row.teacher_from and o.startswith('model.teacher_checkpoint='))]
        return options == list(row.cfg_options)

    def current(self, row: Row, seed: int) -> Optional[Run]:
        """The latest done run of the work dir and the committed copy, else whatever record there is."""
        local = self.result(row, seed)
        saved = None if self.in_job == (row.name, seed) else self.committed(row, seed)
        done = [run for run in (local, saved) if self._matches(run, row)]
        if done:
            return max(done, key=lambda run: run.end or '')
        return local or saved

    def _stale_parent(self, run: Run, row: Row, seed: int) -> Optional[str]:
        """The parent whose run ended at another time than the one this run read, if any."""
        for name, parent_seed in row.parents(seed):
            key = f'{name}/seed{parent_seed}'
            parent = self.current(self.spec.row(name), parent_seed)
            if key in run.parents and parent is not None and parent.done and parent.end != run.parents[key]:
                return key
        return None

    # ------------------------------------------------------------------ order and decisions
    def jobs(self, only: Optional[Iterable[str]] = None) -> List[Job]:
        """Seed-major; within a seed depth-first (each row followed at once by the rows reading it)."""
        only = None if only is None else set(only)
        unknown = (only or set()) - {r.name for r in self.spec.rows}
        if unknown:
            raise RuntimeError(f'--rows {sorted(unknown)}: no such row in {self.spec.path} '
                               f'(rows: {[r.name for r in self.spec.rows]})')
        rows = [r for r in self.spec.rows if only is None or r.name in only]
        jobs: List[Job] = []
        for seed in sorted({s for row in rows for s in self.spec.row_seeds(row)}):
            todo = [r for r in rows if seed in self.spec.row_seeds(r)]
            placed = set()

            def place(row):
                placed.add(row.name)
                jobs.append((row, seed))
                for child in todo:
                    if child.name not in placed and row.name in (child.init_from, child.teacher_from) and all(
                            n in placed or s != seed or n not in {r.name for r in todo}
                            for n, s in child.parents(seed)):
                        place(child)
            for row in todo:
                if row.name not in placed:
                    place(row)
        return jobs

    def plan(self, row: Row, seed: int, jobs: List[Job]) -> Plan:
        """Whether ``row`` with ``seed`` must run, given the jobs of this invocation."""
        record = self.current(row, seed)
        if not self._matches(record, row):
            local = self.result(row, seed)
            stale = local and local.status != 'queued' and self._stale_parent(local, row, seed)
            return Plan(True, bool(stale), f'its partial run read an older {stale}' if stale else 'not done')
        stale = self._stale_parent(record, row, seed)
        if stale:
            return Plan(True, True, f'it was made from an older run of {stale}, trained again since')
        if not (record.checkpoint and osp.isfile(record.checkpoint)):
            waiting = [f'{r.name}/seed{s}' for r, s in jobs if (row.name, seed) in r.parents(s)
                       and (r, s) != (row, seed) and self.plan(r, s, jobs).run]
            if waiting:
                return Plan(True, True, f'its checkpoint {record.checkpoint} is gone and {", ".join(waiting)} '
                                        'needs it: TRAINING IT AGAIN; the new result replaces the committed one')
        return Plan(False, False, 'done', record)

    def set_aside(self, row: Row, seed: int, why: str) -> None:
        """Move an old work dir out of the way (never deleted): ``<run_dir>.replaced-<time>``."""
        run_dir = self.run_dir(row, seed)
        holder = holder_pid(run_dir)
        if holder:
            raise DirLockedError(f'{run_dir} is in use by process {holder}; it is not set aside ({why}). Wait for it '
                                 'to finish or stop it, then run the command again.')
        if osp.isdir(run_dir):
            dest = f'{run_dir}.replaced-{datetime.datetime.now():%Y%m%d_%H%M%S}'
            shutil.move(run_dir, dest)
            self.echo(f'[reproduce {self.spec.table}] {row.name} seed {seed}: {why}; its old folder is now {dest}')

    def parent_options(self, row: Row, seed: int, head: str) -> Tuple[List[str], Dict[str, Optional[str]]]:
        """The ``--cfg-options`` that load the parents' checkpoints, and the ends of the parents' runs."""
        options, ends = [], {}
        for name, parent_seed in row.parents(seed):
            parent = self.current(self.spec.row(name), parent_seed)
            if not self._matches(parent, self.spec.row(name)):
                raise RuntimeError(f'{head}: row {name} (seed {parent_seed}), whose checkpoint it reads, has not '
                                   'finished; run the spec without --rows, or that row first')
            if not (parent.checkpoint and osp.isfile(parent.checkpoint)):
                raise RuntimeError(f'{head}: the checkpoint of row {name} (seed {parent_seed}), '
                                   f'{parent.checkpoint}, is gone; run the spec with that row too: it is trained '
                                   'again')
            ends[f'{name}/seed{parent_seed}'] = parent.end
            if name == row.init_from and parent_seed == seed:
                options += ['model.backbone.init_cfg.type=Pretrained',
                            f'model.backbone.init_cfg.checkpoint={parent.checkpoint}',
                            'model.backbone.init_cfg.prefix=backbone.']
                options += [f'{slot}.init_cfg.checkpoint={parent.checkpoint}'
                            for slot in classifier_slots(_repo_path(row.config))]
            if name == row.teacher_from and parent_seed == row.teacher_seed:
                options.append(f'model.teacher_checkpoint={parent.checkpoint}')
        return options, ends

    # ------------------------------------------------------------------ running
    def run(self, only: Optional[Iterable[str]] = None) -> Results:
        jobs = self.jobs(only)
        with ChildProcesses() as self.children:
            for k, (row, seed) in enumerate(jobs, 1):
                self.run_one(row, seed, f'{k}/{len(jobs)}', jobs)
        return self.collect()

    def run_one(self, row: Row, seed: int, progress: str = '', jobs: Optional[List[Job]] = None) -> Run:
        head = f'[reproduce {self.spec.table}] row {progress} {row.name} seed {seed}'
        plan = self.plan(row, seed, jobs if jobs is not None else [(row, seed)])
        if not plan.run:
            self.echo(f'{head}: done before, skipped ({plan.record.metrics})')
            return plan.record
        if plan.fresh:
            self.set_aside(row, seed, plan.why)
            self.echo(f'{head}: {plan.why}')
        run_dir = self.run_dir(row, seed)
        if not self.backend.holds_lock:
            return self._run_row(row, seed, head, run_dir, None)
        with DirLock(run_dir, what=f'row {row.name} seed {seed}') as lock:
            return self._run_row(row, seed, head, run_dir, lock)

    def _precision(self, row: Row) -> str:
        """The precision the row's training runs in on this CPU (its optimizer wrapper, ``--amp``, the CPU)."""
        try:
            wrapper = Config.fromfile(_repo_path(row.config)).get('optim_wrapper', {})
        except Exception:  # the training itself reports a broken config
            return 'unknown'
        kind = 'tricks_mm.BF16OptimWrapper' if row.amp else wrapper.get('type', 'OptimWrapper')
        return training_precision(kind, force=bool(wrapper.get('force', False)))

    def _child(self, cmd, env) -> subprocess.CompletedProcess:
        children = getattr(self, 'children', None) or ChildProcesses()
        return children.run(cmd, cwd=REPO, env=env)

    def _write(self, run_dir: str, record: Run) -> None:
        with record_lock(run_dir):
            write_json(osp.join(run_dir, 'result.json'), record.to_dict())

    def _run_row(self, row: Row, seed: int, head: str, run_dir: str, lock: Optional[DirLock]) -> Run:
        os.makedirs(run_dir, exist_ok=True)
        with record_lock(run_dir):
            previous = self.result(row, seed)  # read again under the lock
        parts = _closed_parts(previous, run_dir)
        env = self.backend.env(lock.child_env(self.env) if lock else dict(self.env), self.python)
        parent_options, parent_ends = self.parent_options(row, seed, head)
        options = [f'randomness.seed={seed}'] + list(row.cfg_options) + parent_options
        resumed = _last_checkpoint(run_dir) is not None
        args = [row.config, '--work-dir', run_dir] + (['--amp'] if row.amp else []) + (
            ['--resume'] if resumed else []) + ['--cfg-options'] + options  # --resume: <work_dir>/last_checkpoint
        train = self.backend.command(self.python, 'train', args)
        started = datetime.datetime.now()
        machine = dict(cpu=cpu_description(), precision=self._precision(row))
        record = Run(row=row.name, task=row.task, seed=seed, config=row.config, cfg_options=list(row.cfg_options),
                     init_from=row.init_from, teacher_from=row.teacher_from, work_dir=run_dir, command=train,
                     resumed=resumed, status='running', start=_iso(started.timestamp()), parts=parts,
                     parents=parent_ends, backend=self.backend.name, job_id=os.environ.get('SLURM_JOB_ID'),
                     commit=code_version(), **machine)

        def close(status, **extra):
            end = datetime.datetime.now()
            record.parts = parts + [dict(start=record.start, end=_iso(end.timestamp()),
                                         seconds=round((end - started).total_seconds(), 1), outcome=status,
                                         **machine)]
            record.end = record.parts[-1]['end']
            record.wall_time_s = round(sum(p['seconds'] for p in record.parts), 1)
            # a row resumed on another machine may have trained its parts in different precisions
            precisions = sorted({p['precision'] for p in record.parts if 'precision' in p})
            record.precision = precisions[0] if len(precisions) == 1 else 'mixed: ' + ' / '.join(precisions)
            record.status = status
            for key, value in extra.items():
                setattr(record, key, value)
            record.log = os.environ.get('TRICKS_MM_SLURM_LOG') or latest_log(run_dir)
            self._write(run_dir, record)

        self._write(run_dir, record)
        self.echo(f'{head}: {"resuming" if resumed else "training"}: {" ".join(train)}')
        code = self._child(train, env).returncode
        if code != 0:
            close('failed', returncode=code)
            raise RuntimeError(f'{head}: training failed (exit {code}); its log is in {run_dir}. '
                               'Fix the cause and run the same command again: it resumes.')
        checkpoint = _last_checkpoint(run_dir)
        if checkpoint is None:
            close('failed')
            raise RuntimeError(f'{head}: training ended without a checkpoint in {run_dir}; the config must keep '
                               'CheckpointHook (a checkpoint at the last iteration/epoch)')
        test_dir = osp.join(run_dir, 'test')
        metrics_file = osp.join(test_dir, 'metrics.json')
        if osp.isfile(metrics_file):
            os.remove(metrics_file)
        test = self.backend.command(self.python, 'test', [row.config, checkpoint, '--work-dir', test_dir] + (
            ['--cfg-options'] + list(row.cfg_options) if row.cfg_options else []))  # the model the row trained
        self.echo(f'{head}: testing {checkpoint}')
        code = self._child(test, env).returncode
        metrics = read_json(metrics_file)
        if code != 0 or not isinstance(metrics, dict):
            close('failed', returncode=code, test_command=test)
            raise RuntimeError(f'{head}: testing failed (exit {code}, {metrics_file} '
                               f'{"missing" if metrics is None else "not a dict"}): {" ".join(test)}')
        close('done', metrics=metrics, checkpoint=checkpoint, test_command=test)
        self.save(row, seed, record)
        self.echo(f'{head}: done in {record.wall_time_s:.0f} s: {record.metrics}')
        self.collect()
        return record

    def save(self, row: Row, seed: int, record: Run) -> Optional[str]:
        """Copy a finished run to ``<results_dir>/<row>/seed<k>/`` (``result.json``, compact ``scalars.json``)."""
        folder = self.saved_dir(row, seed)
        if folder is None:
            return None
        scalars = compact_scalars(self.run_dir(row, seed))
        if scalars:
            write_json(osp.join(folder, 'scalars.json'), scalars, lines=True)
        write_json(osp.join(folder, 'result.json'), record.to_dict())
        return folder

    def collect(self) -> Results:
        """Write ``<work_root>/results.json``: every row of the spec with its runs (the work dir's, else the
        committed copy); a finished work-dir run not in ``results_dir`` yet is copied there."""
        rows = []
        for spec_row in self.spec.rows:
            runs = []
            for seed in self.spec.row_seeds(spec_row):
                local, saved = self.result(spec_row, seed), self.committed(spec_row, seed)
                if self._matches(local, spec_row) and self.spec.results_dir and (
                        saved is None or (saved.end or '') < local.end):
                    self.save(spec_row, seed, local)
                    saved = self.committed(spec_row, seed)
                run = self.current(spec_row, seed)
                if run is None:
                    continue
                folder = self.saved_dir(spec_row, seed)
                if folder and osp.isfile(osp.join(folder, 'scalars.json')) and saved and saved.end == run.end:
                    run.scalars = osp.join(folder, 'scalars.json')
                runs.append(run)
            rows.append(Row(name=spec_row.name, config=spec_row.config, task=spec_row.task,
                            init_from=spec_row.init_from, teacher_from=spec_row.teacher_from,
                            teacher_seed=spec_row.teacher_seed, paper_row=spec_row.paper_row,
                            label=spec_row.title, seeds=self.spec.row_seeds(spec_row),
                            compare_to=spec_row.compare_to, runs=runs))
        results = Results(spec=self.spec.path, table=self.spec.table, seeds=self.spec.seeds, rows=rows)
        write_json(osp.join(self.spec.work_root, 'results.json'), results.to_dict())
        return results
