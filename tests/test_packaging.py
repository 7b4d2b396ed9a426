"""`pip install .` works outside the checkout: the wheel carries the configs, tools and demo (tricks_mm/.mim)
and the runtime JSON/YAML files, declares the requirements of requirements/runtime.txt, and its console
commands run the repository's scripts. The wheel is installed into a fresh virtual environment layered
on this one's packages (torch, mm* are not reinstalled) and its `tricks-demo` draws a prediction there."""
import os
import os.path as osp
import subprocess
import sys
import sysconfig
import zipfile

import pytest
import torch

from conftest import REPO, assert_ok

SMOKE_CLS = 'configs/smoke/resnet18-d_synthetic-cls_smoke.py'


def _run(cmd, **kwargs):
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
    env.update(kwargs.pop('env', {}))
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env, **kwargs)


def _requirements(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                out.append(line)
    return out


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    dist = tmp_path_factory.mktemp('dist')
    proc = _run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '--no-index', REPO,
                 '-w', str(dist)], cwd=str(dist))
    assert_ok(proc)
    wheels = [p for p in os.listdir(dist) if p.endswith('.whl')]
    assert len(wheels) == 1, wheels
    return str(dist / wheels[0])


def test_wheel_contents(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        meta = z.read(next(n for n in names if n.endswith('.dist-info/METADATA'))).decode()
        entry = z.read(next(n for n in names if n.endswith('.dist-info/entry_points.txt'))).decode()
    for path in ('tricks_mm/.mim/' + SMOKE_CLS, 'tricks_mm/.mim/tools/train.py', 'tricks_mm/.mim/tools/test.py',
                 'tricks_mm/.mim/tools/reproduce.py', 'tricks_mm/.mim/demo/image_demo.py',
                 'tricks_mm/.mim/configs/_base_/datasets/synthetic_cls.py'):
        assert path in names, path
    # every config and runtime data file of the checkout (JSON/YAML metafiles included) is in the wheel
    for root, _, files in os.walk(osp.join(REPO, 'configs')):
        for f in files:
            if f.endswith(('.py', '.yml', '.yaml', '.json')):
                rel = osp.relpath(osp.join(root, f), REPO)
                assert 'tricks_mm/.mim/' + rel in names, rel
    for root, _, files in os.walk(osp.join(REPO, 'tricks_mm')):
        if '.mim' in root:
            continue
        for f in files:
            if f.endswith(('.json', '.yml', '.yaml')):
                assert osp.relpath(osp.join(root, f), REPO) in names, f
    from packaging.requirements import Requirement

    def normal(reqs):
        return sorted((Requirement(r).name.lower(), Requirement(r).specifier) for r in reqs)

    requires = [line.split(':', 1)[1].strip() for line in meta.splitlines()
                if line.startswith('Requires-Dist:') and 'extra ==' not in line]
    expected = _requirements(osp.join(REPO, 'requirements', 'runtime.txt'))
    assert normal(requires) == normal(expected)  # read from requirements/, matplotlib included
    assert any(r.startswith('matplotlib') for r in requires)
    for command in ('tricks-train', 'tricks-test', 'tricks-reproduce', 'tricks-demo'):
        assert command + ' = tricks_mm.entry_points:' in entry


@pytest.fixture(scope='module')
def venv(wheel, tmp_path_factory):
    """A fresh venv that sees this environment's packages (a .pth line; the checkout's editable tricks_mm
    is not imported from there: .pth files of that folder are not processed) with the wheel installed."""
    root = tmp_path_factory.mktemp('venv')
    env_dir = str(root / 'env')
    assert_ok(_run([sys.executable, '-m', 'venv', '--without-pip', env_dir]))
    python = osp.join(env_dir, 'bin', 'python')
    site = _run([python, '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])']).stdout.strip()
    with open(osp.join(site, 'outer_env.pth'), 'w') as f:
        f.write(sysconfig.get_paths()['purelib'] + '\n')
    assert_ok(_run([sys.executable, '-m', 'pip', '--python', python, 'install', '--no-index', '--no-deps',
                    '--force-reinstall', wheel]))
    return dict(python=python, bin=osp.join(env_dir, 'bin'), site=site, work=str(root / 'outside'))


def test_requirements_are_met_in_the_new_env(venv):
    code = ('import importlib.metadata as m\nfrom packaging.requirements import Requirement\n'
            'bad = [r for r in m.requires("tricks_mm") if "extra" not in r and '
            'm.version(Requirement(r).name) not in Requirement(r).specifier]\nprint(bad)\n')
    proc = _run([venv['python'], '-c', code])
    assert_ok(proc)
    assert proc.stdout.strip() == '[]'


def test_installed_demo_runs_outside_the_checkout(venv, tmp_path):
    from tricks_mm.datasets.synthetic import make_classification_set
    work = tmp_path / 'elsewhere'
    work.mkdir()
    data = str(work / 'data')
    make_classification_set(data, num_per_class={'val': 1})
    where = _run([venv['python'], '-c', 'import tricks_mm, tricks_mm.utils.paths as p; print(tricks_mm.__file__); '
                  f'print(p.package_path(*"{SMOKE_CLS}".split("/")))'], cwd=str(work))
    assert_ok(where)
    module, config = where.stdout.split()
    assert module.startswith(venv['site']) and not module.startswith(REPO)
    assert config.startswith(osp.join(venv['site'], 'tricks_mm', '.mim', 'configs'))
    # a checkpoint of the smoke classifier (random weights), and one of its images
    from mmengine.config import Config

    from tricks_mm.apis import init_model
    os.environ.setdefault('DATA_ROOT', data)
    model = init_model(Config.fromfile(osp.join(REPO, SMOKE_CLS)))
    ckpt = str(work / 'cls.pth')
    torch.save({'state_dict': model.state_dict(),
                'meta': {'dataset_meta': {'classes': ['circle', 'square', 'triangle', 'star']}}}, ckpt)
    img = sorted(p for p, _, fs in os.walk(osp.join(data, 'val')) for _ in fs)[0]
    img = osp.join(img, os.listdir(img)[0])
    out = str(work / 'pred.png')
    proc = _run([osp.join(venv['bin'], 'tricks-demo'), img, config, ckpt, '--out-file', out], cwd=str(work),
                env={'DATA_ROOT': data, 'OMP_NUM_THREADS': '1'})
    assert_ok(proc)
    lines = [ln.split('\t') for ln in proc.stdout.splitlines() if '\t' in ln][1:]
    assert sorted(name for name, _ in lines) == ['circle', 'square', 'star', 'triangle']
    assert sum(float(s) for _, s in lines) == pytest.approx(1.0, abs=1e-3)
    assert osp.getsize(out) > 0
    for command in ('tricks-train', 'tricks-test', 'tricks-reproduce'):
        proc = _run([osp.join(venv['bin'], command), '--help'], cwd=str(work))
        assert_ok(proc)
        assert 'usage:' in proc.stdout
