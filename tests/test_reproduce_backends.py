"""tools/reproduce.py across machines and backends, with a stand-in interpreter (no real training here):
committed results that survive a new machine (results_dir), the lost-checkpoint rule and the runs made
from an older classifier, depth-first job order, teacher_from, and the Slurm backend driven through fake
sbatch/squeue/sacct/srun executables that record their arguments."""
import importlib.util
import json
import os
import os.path as osp
import shutil
import stat
import subprocess
import sys

import pytest

from conftest import REPO
from tricks_mm.reproduce.runner import Runner, SlurmStep, SpecError, load_spec
from tricks_mm.reproduce.slurm import Slurm, render_status, status


def _cli(argv, capsys):
    """tools/reproduce.py in this process (a fresh interpreter costs half a minute on a busy machine):
    (exit status, stdout, stderr)."""
    spec = importlib.util.spec_from_file_location('reproduce_cli', osp.join(REPO, 'tools', 'reproduce.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    capsys.readouterr()
    try:
        module.main(argv)
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
        if isinstance(e.code, str):
            sys.stderr.write(e.code)
    out = capsys.readouterr()
    return code, out.out, out.err

FAKE_PYTHON = '''#!{python}
"""Stands in for the interpreter: train.py writes a checkpoint and scalars (FAKE_FAIL=<row name>: exits 3),
test.py writes metrics.json; reproduce.py runs for real (a Slurm job script calls it)."""
import json, os, sys
argv = sys.argv[1:]
if argv[0] == '-u':
    argv = argv[1:]
tool, args = argv[0], argv[1:]
if tool.endswith('reproduce.py'):
    os.execv(sys.executable, [sys.executable] + argv)
work = args[args.index('--work-dir') + 1]
os.makedirs(work, exist_ok=True)
if tool.endswith('train.py'):
    with open(os.path.join(work, 'calls.txt'), 'a') as f:
        f.write(json.dumps(sys.argv) + '\\n')
    ckpt = os.path.join(work, 'iter_2.pth')
    with open(ckpt, 'w') as f:
        f.write('weights')
    with open(os.path.join(work, 'last_checkpoint'), 'w') as f:
        f.write(ckpt)
    if os.environ.get('FAKE_FAIL') and '/' + os.environ['FAKE_FAIL'] + '/' in work:
        sys.exit(3)  # after a checkpoint: the next attempt resumes
    os.makedirs(os.path.join(work, '20260101_000000', 'vis_data'), exist_ok=True)
    with open(os.path.join(work, '20260101_000000', 'vis_data', 'scalars.json'), 'a') as f:
        f.write(json.dumps(dict(lr=0.1, loss=1.0, data_time=0.1, memory=9, iter=2, step=2)) + '\\n')
        f.write(json.dumps({{'accuracy/top1': 50.0, 'step': 2}}) + '\\n')
else:
    with open(os.path.join(work, 'metrics.json'), 'w') as f:
        json.dump({{'accuracy/top1': 50.0}}, f)
'''

# fake Slurm: sbatch numbers jobs from 101 and logs its arguments; squeue/sacct print what the test wrote
FAKE_SBATCH = '''#!/bin/bash
echo "$@" >> {dir}/sbatch.calls
n=$(( $(cat {dir}/next 2>/dev/null || echo 101) ))
echo $((n + 1)) > {dir}/next
echo "$n;cluster"
'''
FAKE_SQUEUE = '''#!/bin/bash
echo "$@" >> {dir}/squeue.calls
cat {dir}/queue 2>/dev/null || true
'''
FAKE_SACCT = '''#!/bin/bash
echo "$@" >> {dir}/sacct.calls
cat {dir}/sacct.out 2>/dev/null || true
'''
FAKE_SRUN = '''#!/bin/bash
# one task: drop srun's own options and run the command
while [[ "$1" == --* ]]; do shift; done
exec "$@"
'''


def _exe(path, text):
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


@pytest.fixture
def fake_python(tmp_path):
    return _exe(tmp_path / 'fake_python', FAKE_PYTHON.format(python=sys.executable))


def _write_spec(tmp_path, rows, **extra):
    for scope in ('mmpretrain', 'mmdet', 'mmseg'):  # the stand-in never reads the configs; the spec needs scopes
        (tmp_path / f'{scope}.py').write_text(f"default_scope = {scope!r}\n")
    values = dict(table='t', work_root=str(tmp_path / 'runs'), results_dir=str(tmp_path / 'committed'), seeds=[0])
    values.update(extra)
    text = ''.join(f'{k} = {v!r}\n' for k, v in values.items())
    for row in rows:
        row['config'] = str(tmp_path / f'{row.pop("scope", "mmpretrain")}.py')
    path = tmp_path / 'spec.py'
    path.write_text(text + f'rows = {rows!r}\n')
    return str(path)


def _chain(tmp_path, **extra):
    return _write_spec(tmp_path, [
        dict(name='cls', label='classifier'),
        dict(name='det', scope='mmdet', init_from='cls'),
        dict(name='seg', scope='mmseg', init_from='cls'),
        dict(name='teacher', seeds=[0]),
        dict(name='kd', teacher_from='teacher')], **extra)


def _run(spec_path, fake_python, echo=None, **kw):
    messages = []
    runner = Runner(load_spec(spec_path, **kw), python=fake_python, echo=echo or messages.append)
    return runner, runner.run(), messages


def _trained(runner, name, seed=0):
    calls = osp.join(runner.run_dir(runner.spec.row(name), seed), 'calls.txt')
    return osp.isfile(calls)


def test_depth_first_order_and_spec_checks(tmp_path):
    spec = load_spec(_write_spec(tmp_path, [
        dict(name='cls_a'), dict(name='cls_b'), dict(name='det_a', scope='mmdet', init_from='cls_a'),
        dict(name='det_b', scope='mmdet', init_from='cls_b'), dict(name='teacher', seeds=[0]),
        dict(name='kd', teacher_from='teacher'), dict(name='kd_det', scope='mmdet', init_from='kd')], seeds=[0, 1]))
    order = [f'{r.name}/{s}' for r, s in Runner(spec).jobs()]
    assert order == ['cls_a/0', 'det_a/0', 'cls_b/0', 'det_b/0', 'teacher/0', 'kd/0', 'kd_det/0',
                     'cls_a/1', 'det_a/1', 'cls_b/1', 'det_b/1', 'kd/1', 'kd_det/1']
    for rows, message in [
        ([dict(name='kd', teacher_from='nope')], "distilled from 'nope', which is not a row listed before"),
        ([dict(name='t', seeds=[0]), dict(name='kd', teacher_from='t', teacher_seed=1)], 'teacher_seed 1 is not'),
        ([dict(name='t'), dict(name='kd', teacher_from='t', cfg_options=['model.teacher_checkpoint=x.pth'])],
         'teacher_from sets model.teacher_checkpoint'),
        ([dict(name='d', scope='mmdet'), dict(name='kd', teacher_from='d')], 'a teacher comes from a classifier'),
    ]:
        with pytest.raises(SpecError) as err:
            load_spec(_write_spec(tmp_path, rows))
        assert message in str(err.value)


def test_results_survive_a_new_machine(tmp_path, fake_python, monkeypatch):
    spec_path = _chain(tmp_path)
    runner, results, log = _run(spec_path, fake_python)
    assert [m.split(': ')[0].split()[-3] for m in log if ': training' in m] == ['cls', 'det', 'seg', 'teacher', 'kd']
    committed = tmp_path / 'committed'
    for name in ('cls', 'det', 'seg', 'teacher', 'kd'):
        record = json.loads((committed / name / 'seed0' / 'result.json').read_text())
        assert record['status'] == 'done' and record['metrics']['accuracy/top1'] == 50.0
        for key in ('row', 'task', 'seed', 'config', 'cfg_options', 'init_from', 'work_dir', 'command', 'resumed',
                    'status', 'start', 'end', 'parts', 'wall_time_s', 'cpu', 'precision', 'metrics', 'checkpoint',
                    'test_command'):
            assert key in record, key
        lines = [json.loads(ln) for ln in (committed / name / 'seed0' / 'scalars.json').read_text().splitlines()]
        assert lines == [dict(lr=0.1, loss=1.0, iter=2, step=2), {'accuracy/top1': 50.0, 'step': 2}]
    cls = runner.result(runner.spec.row('cls'), 0)
    det = runner.result(runner.spec.row('det'), 0)
    kd_call = open(osp.join(runner.run_dir(runner.spec.row('kd'), 0), 'calls.txt')).read()
    teacher = runner.result(runner.spec.row('teacher'), 0)
    assert f'model.teacher_checkpoint={teacher.checkpoint}' in kd_call
    assert f'model.backbone.init_cfg.checkpoint={cls.checkpoint}' in det.command
    assert det.parents == {'cls/seed0': cls.end}

    # a new machine: only the committed folder is left; every row counts as done, nothing starts
    shutil.rmtree(tmp_path / 'runs')
    monkeypatch.setattr(subprocess, 'Popen', lambda *a, **k: pytest.fail('a committed row was run again'))
    runner, results, log = _run(spec_path, fake_python)
    assert sum('done before, skipped' in m for m in log) == 5
    assert all(len(r.runs) == 1 and r.runs[0].done for r in results.rows)
    assert results.rows[0].runs[0].scalars == str(committed / 'cls' / 'seed0' / 'scalars.json')
    monkeypatch.undo()
    from tricks_mm.reproduce.plots import val_curves  # the validation curves come from the committed scalars
    curves = val_curves(results, osp.join(runner.spec.work_root, 'results.json'))
    assert [label for label, _ in curves['cls']] == ['classifier', 'teacher', 'kd']
    assert curves['cls'][0][1][0].value.tolist() == [50.0]

    # another new machine, the segmentation row never committed: the classifier's checkpoint is gone, so the
    # classifier is trained again, and the detection row made from its older run too; teacher and kd stay done
    shutil.rmtree(tmp_path / 'runs')
    shutil.rmtree(committed / 'seg')
    old_end = json.loads((committed / 'cls' / 'seed0' / 'result.json').read_text())['end']
    runner, results, log = _run(spec_path, fake_python)
    assert any('cls seed 0: its checkpoint' in m and 'TRAINING IT AGAIN' in m for m in log), log
    assert any('det seed 0: it was made from an older run of cls/seed0' in m for m in log), log
    assert [n for n in ('cls', 'det', 'seg', 'teacher', 'kd') if _trained(runner, n)] == ['cls', 'det', 'seg']
    new_cls = json.loads((committed / 'cls' / 'seed0' / 'result.json').read_text())
    new_det = json.loads((committed / 'det' / 'seed0' / 'result.json').read_text())
    assert new_det['parents'] == {'cls/seed0': new_cls['end']} and osp.isfile(new_cls['checkpoint'])
    assert old_end < new_cls['end']


def test_a_failed_row_stops_and_resumes(tmp_path, fake_python, monkeypatch):
    spec_path = _chain(tmp_path)
    monkeypatch.setenv('FAKE_FAIL', 'det')
    with pytest.raises(RuntimeError, match='training failed'):
        _run(spec_path, fake_python)
    runner = Runner(load_spec(spec_path))
    assert runner.result(runner.spec.row('det'), 0).status == 'failed'
    assert not osp.isdir(tmp_path / 'committed' / 'det')
    monkeypatch.delenv('FAKE_FAIL')
    runner, results, log = _run(spec_path, fake_python)
    det = runner.result(runner.spec.row('det'), 0)
    assert det.status == 'done' and [p['outcome'] for p in det.parts] == ['failed', 'done'] and det.resumed


# ----------------------------------------------------------------------------- Slurm
@pytest.fixture
def slurm_bin(tmp_path, monkeypatch):
    folder = tmp_path / 'slurm_bin'
    folder.mkdir()
    for name, text in (('sbatch', FAKE_SBATCH), ('squeue', FAKE_SQUEUE), ('sacct', FAKE_SACCT), ('srun', FAKE_SRUN)):
        _exe(folder / name, text.format(dir=folder))
    monkeypatch.setenv('PATH', str(folder) + os.pathsep + os.environ['PATH'])
    return folder


def _sbatch_calls(folder):
    path = folder / 'sbatch.calls'
    return path.read_text().splitlines() if path.exists() else []


def _run_job(script, job_id):
    """What slurmd does with the job: run its script with the job's environment."""
    proc = subprocess.run(['bash', script], env=dict(os.environ, SLURM_JOB_ID=job_id), capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def _in_job(spec, fake_python, name, job_id, monkeypatch):
    """What the job script runs (tools/reproduce.py run SPEC --rows NAME --in-slurm-job), in this process."""
    monkeypatch.setenv('SLURM_JOB_ID', job_id)
    monkeypatch.setenv('TRICKS_MM_SLURM_LOG', osp.join(spec.work_root, 'slurm', f'{name}.seed0.{job_id}.out'))
    Runner(spec, python=fake_python, echo=lambda m: None, backend=SlurmStep(), in_job=(name, 0)).run(only=[name])
    monkeypatch.delenv('SLURM_JOB_ID')
    monkeypatch.delenv('TRICKS_MM_SLURM_LOG')


def test_slurm_backend_with_fake_commands(tmp_path, fake_python, slurm_bin, monkeypatch, capsys):
    spec = load_spec(_chain(tmp_path))
    runner = Runner(spec, python=fake_python, echo=lambda m: None)
    slurm = Slurm('debug', 0, cpus_per_task=2, time='10:00', extra_sbatch='--account=a --qos=q')
    submitted = slurm.submit(runner, runner.jobs())
    ids = {k.split('/')[0]: v for k, v in submitted.items()}
    assert ids == dict(cls='101', det='102', seg='103', teacher='104', kd='105')
    calls = _sbatch_calls(slurm_bin)
    assert all(c.startswith('--parsable --kill-on-invalid-dep=yes') for c in calls)
    assert ['dependency=afterok' in c for c in calls] == [False, True, True, False, True]
    assert '--dependency=afterok:101 ' in calls[1] and '--dependency=afterok:101 ' in calls[2]
    assert '--dependency=afterok:104 ' in calls[4]
    script = open(calls[0].split()[-1]).read()
    for line in ('#SBATCH --partition=debug', '#SBATCH --ntasks=1', '#SBATCH --cpus-per-task=2',
                 '#SBATCH --time=10:00', '#SBATCH --account=a', '#SBATCH --qos=q', '#SBATCH --job-name=t.cls.seed0'):
        assert line in script.splitlines()
    assert '--gpus-per-task' not in script and '--in-slurm-job' in script and 'export SRUN_CPUS_PER_TASK=2' in script
    record = runner.result(spec.row('det'), 0)
    assert record.status == 'queued' and record.job_id == '102' and record.log.endswith('det.seed0.102.out')

    # the same command while the jobs are pending: nothing is submitted twice
    (slurm_bin / 'queue').write_text(''.join(f'{i}|PENDING\n' for i in ids.values()))
    assert slurm.submit(runner, runner.jobs()) == {} and len(_sbatch_calls(slurm_bin)) == 5
    states = {s['row']: s for s in status(runner, runner.jobs())}
    assert states['det']['state'] == 'queued' and states['det']['job_id'] == '102'

    # slurmd runs cls (its script), det, teacher, kd; seg's job is cancelled after its first checkpoint
    scripts = {name: c.split()[-1] for name, c in zip(ids, calls)}
    _run_job(scripts['cls'], ids['cls'])
    for name in ('det', 'teacher', 'kd'):
        _in_job(spec, fake_python, name, ids[name], monkeypatch)
    cls = runner.result(spec.row('cls'), 0)
    assert cls.status == 'done' and cls.job_id == '101' and cls.backend == 'slurm'
    assert cls.command[:2] == ['srun', '--kill-on-bad-exit=1'] and cls.command[-2:] == ['--launcher', 'slurm']
    assert cls.test_command[-2:] == ['--launcher', 'slurm'] and cls.log.endswith('cls.seed0.101.out')
    seg_dir = runner.run_dir(spec.row('seg'), 0)
    open(osp.join(seg_dir, 'iter_1.pth'), 'w').close()
    with open(osp.join(seg_dir, 'last_checkpoint'), 'w') as f:
        f.write(osp.join(seg_dir, 'iter_1.pth'))
    (slurm_bin / 'queue').write_text('')
    (slurm_bin / 'sacct.out').write_text('103|CANCELLED by 0\n')
    states = {s['row']: s for s in status(runner, runner.jobs())}
    assert [states[n]['state'] for n in ('cls', 'det', 'teacher', 'kd')] == ['done'] * 4
    assert states['seg']['state'] == 'failed' and states['seg']['detail'] == 'CANCELLED'
    assert states['seg']['log'].endswith('seg.seed0.103.out')
    assert '| seg | 0 | failed | 103 | CANCELLED |' in render_status(list(states.values()))

    # the same command again: only the cancelled row is submitted, without dependencies, and it resumes
    assert slurm.submit(runner, runner.jobs()) == {'seg/seed0': '106'}
    assert 'dependency' not in _sbatch_calls(slurm_bin)[-1]
    _in_job(spec, fake_python, 'seg', '106', monkeypatch)
    seg = runner.result(spec.row('seg'), 0)
    assert seg.status == 'done' and seg.resumed and seg.job_id == '106' and '--resume' in seg.command
    assert osp.isfile(tmp_path / 'committed' / 'seg' / 'seed0' / 'result.json')

    # the status subcommand: every row's state, then the table
    (slurm_bin / 'sacct.out').write_text('')
    code, out, err = _cli(['status', spec.path], capsys)
    assert code == 0, err
    assert out.count('| done |') == 5 and '| classifier |' in out


def test_slurm_cli_errors_and_auto_gpus(tmp_path, slurm_bin, capsys):
    spec_path = _chain(tmp_path)
    code, out, err = _cli([spec_path, '--backend', 'slurm'], capsys)
    assert code == 2 and '--partition P and --gpus-per-row N' in err
    code, out, err = _cli([spec_path, '--backend', 'slurm', '--partition', 'p', '--gpus-per-row', 'auto'], capsys)
    assert code == 1 and 'does not state <GPUs>xb<batch>; give a number' in err
    (slurm_bin / 'sbatch').write_text('#!/bin/bash\necho "sbatch: error: invalid partition specified: nope" >&2\n'
                                      'exit 1\n')
    code, out, err = _cli([spec_path, '--backend', 'slurm', '--partition', 'nope', '--gpus-per-row', '1'], capsys)
    assert code == 1 and 'invalid partition specified: nope' in err
    # auto: the GPUs a config's name states (OpenMMLab's <GPUs>xb<batch>), one task per GPU
    from tricks_mm.reproduce.runner import processes
    assert processes('configs/ade20k/fcn_r50-d-cos-d8_4xb4-80k_ade20k-512x512.py', 'auto') == 4
    assert processes('configs/imagenet/resnet50-d_8xb128-efficient-cos-120e_in1k.py', 'auto') == 8
    assert processes('x_8xb128.py', 2) == 2


def test_records_of_an_earlier_runner_are_imported_and_count(tmp_path, monkeypatch):
    """A work root written by the runner before results_dir (seconds in the times, no parents; the KD row named
    its teacher's checkpoint in cfg_options): `status` (collect) copies its finished runs to results_dir, and on
    a new machine they count as done."""
    spec_path = _chain(tmp_path)
    spec = load_spec(spec_path, work_root=str(tmp_path / 'background'))
    runner = Runner(spec)
    for i, row in enumerate(spec.rows):
        run_dir = runner.run_dir(row, 0)
        os.makedirs(osp.join(run_dir, '20261202_120000', 'vis_data'))
        with open(osp.join(run_dir, '20261202_120000', 'vis_data', 'scalars.json'), 'w') as f:
            f.write(json.dumps(dict(lr=0.1, loss=1.0, epoch=1, iter=5, step=5, data_time=0.1)) + '\n')
            f.write(json.dumps({'accuracy/top1': 40.0 + i, 'step': 1}) + '\n')
        options = [f'model.teacher_checkpoint={tmp_path}/background/teacher/seed0/epoch_8.pth'] if row.name == 'kd' \
            else []
        record = dict(row=row.name, task=row.task, seed=0, config=row.config, cfg_options=options,
                      init_from=row.init_from, work_dir=run_dir, command=['python', 'tools/train.py'], resumed=False,
                      status='done', start='2026-12-02T12:00:00', end=f'2026-12-02T12:0{i + 1}:00', parts=[],
                      wall_time_s=60.0, cpu='some CPU', precision='fp32', metrics={'accuracy/top1': 40.0 + i},
                      checkpoint=osp.join(run_dir, 'epoch_8.pth'), test_command=['python', 'tools/test.py'])
        with open(osp.join(run_dir, 'result.json'), 'w') as f:
            json.dump(record, f)
    runner.collect()
    for i, row in enumerate(spec.rows):
        saved = json.loads((tmp_path / 'committed' / row.name / 'seed0' / 'result.json').read_text())
        assert saved['metrics'] == {'accuracy/top1': 40.0 + i} and saved['end'] == f'2026-12-02T12:0{i + 1}:00'
        assert 'data_time' not in (tmp_path / 'committed' / row.name / 'seed0' / 'scalars.json').read_text()
    monkeypatch.setattr(subprocess, 'Popen', lambda *a, **k: pytest.fail('an imported row was run again'))
    messages = []
    results = Runner(load_spec(spec_path), echo=messages.append).run()
    assert sum('done before, skipped' in m for m in messages) == 5
    assert [r.runs[0].metrics['accuracy/top1'] for r in results.rows] == [40.0, 41.0, 42.0, 43.0, 44.0]
