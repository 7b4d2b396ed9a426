"""Console commands of an installed tricks_mm (``setup.py`` ``console_scripts``). Each runs the
repository's script itself (``tools/train.py``, ``tools/test.py``, ``tools/reproduce.py``,
``demo/image_demo.py``, found through :func:`tricks_mm.utils.paths.package_root`), with the same
arguments, so the commands and the scripts cannot drift apart."""
import runpy
import sys

from tricks_mm.utils.paths import package_path

SCRIPTS = {
    'train': ('tools', 'train.py'),
    'test': ('tools', 'test.py'),
    'reproduce': ('tools', 'reproduce.py'),
    'demo': ('demo', 'image_demo.py'),
}


def run_script(name: str) -> None:
    path = package_path(*SCRIPTS[name])
    sys.argv = [path] + sys.argv[1:]
    runpy.run_path(path, run_name='__main__')


def train():
    run_script('train')


def test():
    run_script('test')


def reproduce():
    run_script('reproduce')


def demo():
    run_script('demo')
