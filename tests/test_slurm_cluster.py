"""End to end on a real Slurm cluster (issue 15): the synthetic demo spec (configs/reproduce/demo_synthetic.py:
two classifiers, each transferred to Faster R-CNN and FCN) through ``tools/reproduce.py --backend slurm`` on a
one-node cluster of this machine that the test starts and stops (scripts/slurm_local_cluster.sh).

Checks: every row+seed is one job; each transfer row waits for its classifier's job (``afterok`` in squeue,
and in sacct it starts after the classifier's job ended); the results table; then a running job is
cancelled (CANCELLED in sacct), the same command is run again and only that row is submitted again, resuming
from its checkpoint, and a third run while its job is queued or running submits nothing.

Runs only with SLURM_E2E=1, as root, with Slurm installed: ``make test-slurm`` (installs the Debian packages;
``make test`` runs it after the suite, so CI does). The rows, configs and dependencies are the demo's; their
schedules are cut (QUICK: one epoch, 60 segmentation iterations) so that the test takes minutes in CI;
SLURM_E2E_FULL=1 keeps the demo's schedules. The test prints the wall time of the spec through Slurm;
SLURM_E2E_LOCAL=1 also runs the same spec with the local backend and prints its wall time beside it.
"""
import importlib.util
import json
import os
import os.path as osp
import shutil
import subprocess
import sys
import time

import pytest
from mmengine.config import Config

from conftest import REPO, assert_ok
from tricks_mm.reproduce.runner import load_spec

SCRIPT = osp.join(REPO, 'scripts', 'slurm_local_cluster.sh')
DEMO_SPEC = osp.join(REPO, 'configs', 'reproduce', 'demo_synthetic.py')
CANCELLED = 'seg_d_cos_ls_mixup'  # a leaf row: no job waits for it
CHECKPOINT_EVERY = 20  # its iterations between checkpoints (the demo config keeps only the last one)
# the demo's schedules cut per task (unless SLURM_E2E_FULL=1): what the test checks does not depend on them
QUICK = dict(cls=['train_cfg.max_epochs=1', 'default_hooks.checkpoint.interval=1'],
             det=['train_cfg.max_epochs=1', 'train_cfg.val_interval=1', 'default_hooks.checkpoint.interval=1'],
             seg=['train_cfg.max_iters=60', 'train_cfg.val_interval=60', 'default_hooks.checkpoint.interval=60'])
PORT = '16817'  # not Slurm's default 6817, so a cluster started by hand is left alone
TIMEOUT = 3600  # seconds for the demo's jobs on a busy 2-core machine

pytestmark = [
    pytest.mark.skipif(not os.environ.get('SLURM_E2E'),
                       reason='Slurm end-to-end test: run it with `make test-slurm` (or SLURM_E2E=1 as root)'),
    pytest.mark.skipif(any(shutil.which(b) is None for b in ('slurmctld', 'slurmd', 'slurmdbd', 'sbatch', 'munged')),
                       reason='Slurm is not installed: bash scripts/slurm_local_cluster.sh install'),
    pytest.mark.skipif(hasattr(os, 'geteuid') and os.geteuid() != 0,
                       reason='the local Slurm cluster runs its daemons as root'),
]


@pytest.fixture(scope='module')
def cluster(tmp_path_factory):
    """A one-node cluster in a folder of its own; yields the environment of its clients (SLURM_CONF)."""
    folder = str(tmp_path_factory.mktemp('slurm'))
    env = dict(os.environ, SLURM_LOCAL_DIR=folder, SLURM_LOCAL_PORT=PORT)
    start = subprocess.run(['bash', SCRIPT, 'start'], env=env, capture_output=True, text=True, timeout=300)
    try:
        assert_ok(start)
        yield dict(env, SLURM_CONF=osp.join(folder, 'slurm.conf'), OMP_NUM_THREADS='1')
    finally:  # logs stay in the folder (pytest keeps the last three sessions' tmp folders)
        subprocess.run(['bash', SCRIPT, 'stop', '--keep'], env=env, capture_output=True, text=True, timeout=300)


def _demo_data() -> str:
    """The demo's synthetic data where `make demo` writes it (made once: tools/demo.py's stamp file)."""
    module = importlib.util.spec_from_file_location('tricks_demo', osp.join(REPO, 'tools', 'demo.py'))
    demo = importlib.util.module_from_spec(module)
    module.loader.exec_module(demo)
    demo.make_demo_data(demo.SYNTHETIC_ROOT)
    return demo.SYNTHETIC_ROOT


def _spec(tmp_path, data_root: str, work_root: str = 'runs') -> str:
    """The demo spec's rows (QUICK schedules unless SLURM_E2E_FULL=1), in a work root of the test's; the row to
    cancel also saves a checkpoint every CHECKPOINT_EVERY iterations, so that it has one to resume from."""
    demo = Config.fromfile(DEMO_SPEC)
    tasks = {r.name: r.task for r in load_spec(DEMO_SPEC).rows}
    rows = [dict(r) for r in demo.rows]
    for row in rows:
        row['cfg_options'] = list(row.get('cfg_options', [])) + (
            [] if os.environ.get('SLURM_E2E_FULL') else QUICK[tasks[row['name']]])
        if row['name'] == CANCELLED:
            row['cfg_options'].append(f'default_hooks.checkpoint.interval={CHECKPOINT_EVERY}')
    path = tmp_path / f'demo_synthetic_{work_root}.py'
    path.write_text(f'table = {demo.table!r}\nwork_root = {str(tmp_path / work_root)!r}\n'
                    f'seeds = {list(demo.seeds)!r}\nenv = {dict(DATA_ROOT=data_root)!r}\nrows = {rows!r}\n')
    return str(path)


def _run(cmd, env, timeout=600):
    return subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)


def _reproduce(spec, env, *args):
    return _run([sys.executable, osp.join(REPO, 'tools', 'reproduce.py')] + list(args) + [spec], env)


def _submit(spec, env):
    proc = _reproduce(spec, env, 'run', '--backend', 'slurm', '--partition', 'cpu', '--gpus-per-row', '0',
                      '--no-table')
    assert_ok(proc)
    return proc.stdout


def _record(work_root, row, seed=0):
    with open(osp.join(work_root, row, f'seed{seed}', 'result.json')) as f:
        return json.load(f)


def _queue(env):
    """``{job id: (name, state, dependency)}`` from squeue."""
    out = _run(['squeue', '--noheader', '--format=%i|%j|%T|%E'], env)
    assert_ok(out)
    return {job: (name, state, dep) for job, name, state, dep in
            (line.split('|') for line in out.stdout.splitlines() if line.strip())}


def _accounting(env, job_ids):
    """``{job id: dict(State, Start, End)}`` of whole allocations from sacct (slurmdbd)."""
    out = _run(['sacct', '--noheader', '--parsable2', '--allocations', '--format=JobID,State,Start,End',
                '--jobs=' + ','.join(job_ids)], env)
    assert_ok(out)
    rows = [line.split('|') for line in out.stdout.splitlines() if line.strip()]
    return {job: dict(State=state, Start=start, End=end) for job, state, start, end in rows}


def _wait(what, predicate, timeout=TIMEOUT, every=2.0):
    end = time.time() + timeout
    while time.time() < end:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f'timed out after {timeout} s waiting for {what}')


def test_demo_spec_through_slurm(cluster, tmp_path):
    env = cluster
    spec = _spec(tmp_path, _demo_data())
    work_root = str(tmp_path / 'runs')
    demo = Config.fromfile(DEMO_SPEC)
    names = [r['name'] for r in demo.rows]
    parent = {r['name']: r.get('init_from') for r in demo.rows}

    # 1. One submission: every row+seed one job, each transfer row after its classifier's job.
    started = time.time()
    out = _submit(spec, env)
    jobs = {name: _record(work_root, name)['job_id'] for name in names}
    assert len(set(jobs.values())) == len(names), jobs
    for name in names:
        record = _record(work_root, name)
        assert record['backend'] == 'slurm' and record['status'] in ('queued', 'running', 'done'), record
        if parent[name]:
            assert f'{name} seed 0: submitted as job {jobs[name]} after job {jobs[parent[name]]}' in out, out
    queue = _queue(env)
    for name in names:
        if parent[name] and _record(work_root, parent[name])['status'] != 'done':
            job_name, state, dependency = queue[jobs[name]]
            assert job_name == f'{demo.table}.{name}.seed0'
            assert state == 'PENDING' and dependency.startswith(f'afterok:{jobs[parent[name]]}'), queue[jobs[name]]

    # 2. Cancel the chosen row's job once it has saved a checkpoint (it is running then).
    run_dir = osp.join(work_root, CANCELLED, 'seed0')
    _wait(f'the first checkpoint of {CANCELLED}', lambda: osp.isfile(osp.join(run_dir, 'last_checkpoint')),
          every=1.0)
    cancelled = jobs[CANCELLED]
    assert_ok(_run(['scancel', cancelled], env))
    _wait('the queue to empty', lambda: not _queue(env), every=5.0)
    first_round = time.time() - started
    ended = _wait('sacct to record every job', lambda: (lambda a: a if len(a) == len(names) else None)(
        _accounting(env, list(jobs.values()))), timeout=60)
    assert ended[cancelled]['State'].startswith('CANCELLED'), ended
    for name in names:
        if name != CANCELLED:
            assert ended[jobs[name]]['State'] == 'COMPLETED', (name, ended)
            assert _record(work_root, name)['status'] == 'done'
        if parent[name]:  # afterok: started only after its classifier's job had ended
            assert ended[jobs[name]]['Start'] >= ended[jobs[parent[name]]]['End'], (name, ended)
    status = _reproduce(spec, env, 'status', '--no-table')
    assert_ok(status)
    line = next(ln for ln in status.stdout.splitlines() if f'| {CANCELLED} ' in ln)
    assert 'failed' in line and 'CANCELLED' in line and cancelled in line, status.stdout

    # 3. The same command again: only the cancelled row is submitted (no dependency: its classifier is done).
    started_again = time.time()
    out = _submit(spec, env)
    resubmitted = _record(work_root, CANCELLED)['job_id']
    assert resubmitted != cancelled and f'{CANCELLED} seed 0: submitted as job {resubmitted} (' in out, out
    assert out.count('submitted as job') == 1, out
    for name in names:
        if name != CANCELLED:
            assert f'{name} seed 0: done before, skipped' in out, out
            assert _record(work_root, name)['job_id'] == jobs[name]
    # ... and while that job is queued or running, a third run submits nothing.
    out = _submit(spec, env)
    assert f'{CANCELLED} seed 0: job {resubmitted} is' in out and 'not submitted again' in out, out
    assert 'submitted as job' not in out, out
    assert [v[0] for v in _queue(env).values()].count(f'{demo.table}.{CANCELLED}.seed0') <= 1

    _wait('the resubmitted job', lambda: resubmitted not in _queue(env), every=5.0)
    second_round = time.time() - started_again
    record = _record(work_root, CANCELLED)
    assert record['status'] == 'done' and record['resumed'] and '--resume' in record['command'], record
    assert len(record['parts']) >= 2, record['parts']  # the cancelled attempt, then the one that finished
    assert _accounting(env, [resubmitted])[resubmitted]['State'] == 'COMPLETED'

    # 4. The results table: every row done, with its task's metric.
    status = _reproduce(spec, env, 'status')
    assert_ok(status)
    for name in names:
        assert '| done |' in next(ln for ln in status.stdout.splitlines() if f'| {name} ' in ln), status.stdout
    with open(osp.join(work_root, 'results.json')) as f:
        results = json.load(f)
    metric = dict(cls='accuracy/top1', det='pascal_voc/mAP', seg='mIoU')
    for row in results['rows']:
        (run,) = row['runs']
        assert run['status'] == 'done' and metric[row['task']] in run['metrics'], (row['name'], run)
    for label in ('ResNet-18-B standard', 'ResNet-18-D + cos + ls + mixup'):
        assert label in status.stdout, status.stdout
    from tricks_mm.utils.machine import cpu_description
    print(f'\nslurm wall time of the demo spec: {first_round:.0f} s to the cancel and the empty queue, '
          f'{second_round:.0f} s for the resubmitted row; {first_round + second_round:.0f} s in all '
          f'({cpu_description()})\n' + status.stdout)
    if os.environ.get('SLURM_E2E_LOCAL'):  # the same spec, one row after another in one process tree
        local_spec = _spec(tmp_path, _demo_data(), work_root='local')
        started = time.time()
        assert_ok(_run([sys.executable, osp.join(REPO, 'tools', 'reproduce.py'), local_spec, '--no-table'],
                       dict(env, OMP_NUM_THREADS='2'), timeout=TIMEOUT))
        print(f'local backend, same spec: {time.time() - started:.0f} s ({cpu_description()})')
