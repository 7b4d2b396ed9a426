"""The records of a reproduction, shared by the runner, the tables and the plots.

* :class:`Row`: one line of a table spec (``configs/reproduce/*.py``): a config, the classifier row whose
  checkpoint initialises its backbone (``init_from``, Section 6) or the teacher row whose checkpoint it
  distils from (``teacher_from``, Section 5.3), and how the tables label it.
* :class:`Run`: one row trained and tested with one seed, the ``result.json`` the runner writes.
* :class:`Spec` and :class:`Results`: a loaded spec, and ``results.json`` (every row with its runs).

Records read from files keep keys they do not know (``extra``), so an older or newer ``result.json``
round-trips unchanged.
"""
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

TASKS = ('cls', 'det', 'seg')
ACTIVE = ('queued', 'running')  # a Slurm job that is pending or running


def _split(cls, data: dict):
    names = {f.name for f in dataclasses.fields(cls)}
    known = {k: v for k, v in data.items() if k in names and k != 'extra'}
    extra = {k: v for k, v in data.items() if k not in names}
    return known, extra


@dataclass
class Run:
    """``<work_root>/<row>/seed<k>/result.json``. ``status``: running, done, failed (the runner), queued
    (submitted to Slurm). ``parents`` maps ``<row>/seed<k>`` of the rows whose checkpoints this run used
    to the ``end`` of their runs, so a run made from a classifier that was trained again since is stale."""
    row: str = ''
    task: str = ''
    seed: int = 0
    config: str = ''
    cfg_options: List[str] = field(default_factory=list)
    init_from: Optional[str] = None
    work_dir: Optional[str] = None
    command: List[str] = field(default_factory=list)
    resumed: bool = False
    status: str = 'unknown'
    start: Optional[str] = None
    end: Optional[str] = None
    parts: List[dict] = field(default_factory=list)
    wall_time_s: Optional[float] = None
    cpu: Optional[str] = None
    commit: Optional[str] = None  # the code that ran: git commit of the checkout, '+dirty' with local changes
    precision: Optional[str] = None
    metrics: Dict[str, Any] = field(default_factory=dict)
    checkpoint: Optional[str] = None
    test_command: Optional[List[str]] = None
    returncode: Optional[int] = None
    teacher_from: Optional[str] = None
    parents: Dict[str, Optional[str]] = field(default_factory=dict)
    backend: Optional[str] = None
    job_id: Optional[str] = None  # Slurm
    log: Optional[str] = None
    scalars: Optional[str] = None  # results.json only: the committed copy of the run's scalars
    extra: Dict[str, Any] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.status == 'done'

    @classmethod
    def from_dict(cls, data: dict) -> 'Run':
        known, extra = _split(cls, data)
        run = cls(**known)
        run.metrics = run.metrics if isinstance(run.metrics, dict) else {}
        run.extra = extra
        return run

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != 'extra'}
        for key in ('returncode', 'teacher_from', 'backend', 'job_id', 'log', 'scalars', 'test_command',
                    'checkpoint', 'wall_time_s', 'end', 'commit'):
            if out[key] is None:
                del out[key]
        if not out['parents']:
            del out['parents']
        return dict(out, **self.extra)


@dataclass
class Row:
    """A spec row (``name``, ``config`` and the optional keys below); ``task`` comes from the config's
    ``default_scope``. In ``results.json`` a row also carries its ``runs``."""
    name: str
    config: str
    task: str = 'cls'
    init_from: Optional[str] = None
    teacher_from: Optional[str] = None
    teacher_seed: int = 0
    cfg_options: List[str] = field(default_factory=list)
    paper_row: Optional[str] = None
    label: Optional[str] = None
    amp: bool = False
    seeds: Optional[List[int]] = None
    compare_to: Optional[str] = None  # the classifier row a line beyond the paper's tables is read against
    runs: List[Run] = field(default_factory=list)
    extra: Dict[str, Any] = field(default_factory=dict)

    SPEC_KEYS = ('name', 'config', 'init_from', 'teacher_from', 'teacher_seed', 'cfg_options', 'paper_row', 'label',
                 'amp', 'seeds', 'compare_to')

    @property
    def title(self) -> str:
        return self.label or self.name

    def parents(self, seed: int) -> List[tuple]:
        """``(row name, seed)`` of the runs whose checkpoints this row's run with ``seed`` needs."""
        out = [(self.init_from, seed)] if self.init_from else []
        return out + ([(self.teacher_from, self.teacher_seed)] if self.teacher_from else [])

    def done_runs(self) -> List[Run]:
        return [r for r in self.runs if r.done]

    @classmethod
    def from_dict(cls, data: dict) -> 'Row':
        known, extra = _split(cls, data)
        known.setdefault('name', '')
        known.setdefault('config', '')
        row = cls(**known)
        row.runs = [r if isinstance(r, Run) else Run.from_dict(r) for r in row.runs or []]
        row.extra = extra
        return row

    def to_dict(self) -> dict:
        out = dict(name=self.name, task=self.task, config=self.config, init_from=self.init_from,
                   paper_row=self.paper_row, label=self.title)
        if self.teacher_from:
            out.update(teacher_from=self.teacher_from, teacher_seed=self.teacher_seed)
        if self.seeds is not None:
            out['seeds'] = list(self.seeds)
        if self.compare_to:
            out['compare_to'] = self.compare_to
        return dict(out, runs=[r.to_dict() for r in self.runs])


@dataclass
class Spec:
    """A loaded table spec (:func:`tricks_mm.reproduce.runner.load_spec`)."""
    path: str
    table: str
    work_root: str
    seeds: List[int]
    rows: List[Row]
    env: Dict[str, str] = field(default_factory=dict)
    results_dir: Optional[str] = None  # committed copies of finished runs: <results_dir>/<row>/seed<k>/

    def row(self, name: str) -> Row:
        return next(r for r in self.rows if r.name == name)

    def row_seeds(self, row: Row) -> List[int]:
        return list(row.seeds or self.seeds)


@dataclass
class Results:
    """``results.json``: the spec's rows, each with the runs found (work dirs, else the committed copies)."""
    spec: str = '?'
    table: Optional[str] = None
    seeds: Any = '?'
    rows: List[Row] = field(default_factory=list)

    @classmethod
    def coerce(cls, data) -> 'Results':
        if isinstance(data, Results):
            return data
        return cls(spec=data.get('spec', '?'), table=data.get('table'), seeds=data.get('seeds', '?'),
                   rows=[Row.from_dict(r) for r in data.get('rows') or []])

    def to_dict(self) -> dict:
        return dict(spec=self.spec, table=self.table, seeds=self.seeds, rows=[r.to_dict() for r in self.rows])
