import os
import os.path as osp
import subprocess
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
SHARED_DATA = osp.join(osp.dirname(REPO), 'shared', 'data')


@pytest.fixture(scope='session')
def synthetic_root(tmp_path_factory):
    """The project's synthetic data (all three layouts), made once per test session."""
    from tricks_mm.datasets.synthetic import make_ade20k, make_classification_set, make_voc_devkit
    root = str(tmp_path_factory.mktemp('synthetic'))
    make_classification_set(osp.join(root, 'imagenet'))
    make_voc_devkit(root)
    make_ade20k(root)
    return root


def run_tool(args, env_extra=None, cwd=REPO, timeout=900):
    """Run a repo tool in a fresh interpreter, as a user would; return the completed process."""
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS=os.environ.get('OMP_NUM_THREADS', '2'))
    env.update(env_extra or {})
    proc = subprocess.run([sys.executable] + list(args), cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    return proc


def assert_ok(proc):
    assert proc.returncode == 0, f'exit {proc.returncode}\nSTDOUT:\n{proc.stdout[-4000:]}\nSTDERR:\n{proc.stderr[-6000:]}'
