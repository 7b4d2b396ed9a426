"""Runner safety (issue 12, item 3): one process per row folder (the holder's pid in the refusal),
children in a process group that dies with the runner, and a row's wall time summed over its parts.

The runner is given a stand-in ``python`` (a small script) so no real training runs here: what is
tested is the process handling around the children."""
import datetime
import json
import os
import os.path as osp
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import REPO, run_tool
from tricks_mm.reproduce.runner import Runner, load_spec
from tricks_mm.utils.dir_lock import DirLock, DirLockedError, holder_pid

CLS = 'configs/smoke/resnet18-d_synthetic-cls_smoke.py'

FAKE_PYTHON = '''#!{python}
"""Stands in for the interpreter: 'train.py' writes a checkpoint (or sleeps, with FAKE_SLEEP), 'test.py'
writes metrics.json."""
import os, sys, time
tool, args = sys.argv[1], sys.argv[2:]
work = args[args.index('--work-dir') + 1]
if tool.endswith('train.py'):
    with open(os.path.join(work, 'child.pid'), 'w') as f:
        f.write(str(os.getpid()))
    if os.environ.get('FAKE_SLEEP'):
        time.sleep(float(os.environ['FAKE_SLEEP']))
    open(os.path.join(work, 'iter_1.pth'), 'w').close()
    with open(os.path.join(work, 'last_checkpoint'), 'w') as f:
        f.write(os.path.join(work, 'iter_1.pth'))
else:
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, 'metrics.json'), 'w') as f:
        f.write('{{"accuracy/top1": 50.0}}')
'''


@pytest.fixture
def fake_python(tmp_path):
    path = tmp_path / 'fake_python'
    path.write_text(FAKE_PYTHON.format(python=sys.executable))
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def spec(tmp_path):
    config = tmp_path / 'tiny_cls.py'  # the stand-in interpreter never reads it; the spec needs its scope
    config.write_text("default_scope = 'mmpretrain'\n")
    path = tmp_path / 'spec.py'
    path.write_text(f"table = 't'\nwork_root = {str(tmp_path / 'runs')!r}\n"
                    f"rows = [dict(name='cls', config={str(config)!r})]\n")
    return load_spec(str(path))


def _holder(folder):
    """A separate process holding the lock of ``folder``; returns it once the lock is taken."""
    code = f'from tricks_mm.utils.dir_lock import DirLock; import time; DirLock({folder!r}).acquire(); ' \
           'print("locked", flush=True); time.sleep(60)'
    proc = subprocess.Popen([sys.executable, '-c', code], cwd=REPO, stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=REPO))
    assert proc.stdout.readline().strip() == 'locked'
    return proc


def test_lock_refuses_a_second_holder_with_its_pid_and_frees_on_kill(tmp_path):
    folder = str(tmp_path / 'row')
    holder = _holder(folder)
    try:
        assert holder_pid(folder) == holder.pid
        with pytest.raises(DirLockedError, match=f'pid {holder.pid}'):
            DirLock(folder).acquire()
    finally:
        holder.kill()
        holder.wait()
    assert holder_pid(folder) is None  # the kernel released it: kill -9 leaves no stale lock
    with DirLock(folder):
        assert holder_pid(folder) == os.getpid()


def test_second_runner_and_hand_started_training_on_a_locked_row_are_refused(spec, fake_python, tmp_path):
    runner = Runner(spec, python=fake_python, echo=lambda m: None)
    row_dir = runner.run_dir(spec.rows[0], 0)
    holder = _holder(row_dir)
    try:
        with pytest.raises(DirLockedError, match=f'pid {holder.pid}'):
            runner.run()
        proc = run_tool(['tools/train.py', CLS, '--work-dir', row_dir])
        assert proc.returncode != 0 and f'pid {holder.pid}' in proc.stderr and 'DirLockedError' in proc.stderr
    finally:
        holder.kill()
        holder.wait()


def _start_runner(spec_path, fake_python, tmp_path):
    script = tmp_path / 'run.py'
    script.write_text(textwrap.dedent(f'''
        from tricks_mm.reproduce.runner import Runner, load_spec
        Runner(load_spec({spec_path!r}), python={fake_python!r}).run()
    '''))
    return subprocess.Popen([sys.executable, str(script)], cwd=REPO, stdout=subprocess.DEVNULL,
                            env=dict(os.environ, PYTHONPATH=REPO, FAKE_SLEEP='120'))


def _wait_for(path, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if osp.isfile(path) and open(path).read().strip():
            return int(open(path).read())
        time.sleep(0.2)
    raise AssertionError(f'{path} did not appear')


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f'/proc/{pid}/stat') as f:  # a zombie is dead
        return f.read().split(')')[-1].split()[0] != 'Z'


@pytest.mark.parametrize('sig', [signal.SIGKILL, signal.SIGTERM])
def test_children_die_with_the_runner(spec, fake_python, tmp_path, sig):
    runner = _start_runner(spec.path, fake_python, tmp_path)
    row_dir = Runner(spec).run_dir(spec.rows[0], 0)
    child = _wait_for(osp.join(row_dir, 'child.pid'))
    assert os.getpgid(child) == child != os.getpgid(runner.pid)  # a process group of its own
    os.kill(runner.pid, sig)
    runner.wait(timeout=30)
    end = time.time() + 20
    while _alive(child) and time.time() < end:
        time.sleep(0.2)
    assert not _alive(child), f'train.py child {child} runs on after the runner got signal {sig}'


def test_wall_time_adds_up_interrupted_parts(spec, fake_python):
    runner = Runner(spec, python=fake_python, echo=lambda m: None)
    row = spec.rows[0]
    run_dir = runner.run_dir(row, 0)
    os.makedirs(run_dir)
    # an earlier attempt started 100 s ago and was killed 40 s after its start (last write into the folder)
    start = datetime.datetime.now().replace(microsecond=0) - datetime.timedelta(seconds=100)
    with open(osp.join(run_dir, 'result.json'), 'w') as f:
        json.dump(dict(row='cls', status='running', start=start.isoformat(), config=row.config,
                       cfg_options=[]), f)
    log = osp.join(run_dir, 'train.log')
    open(log, 'w').close()
    os.utime(log, (start.timestamp() + 40, start.timestamp() + 40))
    record = runner.run_one(row, 0)
    assert record.status == 'done' and [p['outcome'] for p in record.parts] == ['interrupted', 'done']
    assert record.parts[0]['seconds'] == 40.0
    assert record.wall_time_s == pytest.approx(40.0 + record.parts[1]['seconds'], abs=0.11)
