"""tricks_mm: "Bag of Tricks for Image Classification" (He et al., 2019) for OpenMMLab.

Requirements are read from ``requirements/runtime.txt`` (the versions ``scripts/install.sh`` installs and
the tests run with). A wheel carries ``configs/``, ``tools/`` and ``demo/`` as package data under
``tricks_mm/.mim/`` (as mmdet/mmseg/mmpretrain do), so an installed tricks_mm finds its configs,
metafiles and tools outside the checkout; an editable install uses the checkout itself.
"""
import os
import os.path as osp
import shutil
import sys

from setuptools import find_packages, setup

HERE = osp.dirname(osp.abspath(__file__))
MIM_FOLDERS = ('configs', 'tools', 'demo')


def read_requirements(name):
    """Requirement lines of ``requirements/<name>``, without comments and blank lines."""
    lines = []
    with open(osp.join(HERE, 'requirements', name)) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line and not line.startswith('-'):
                lines.append(line)
    return lines


def version():
    with open(osp.join(HERE, 'tricks_mm', '__init__.py')) as f:
        for line in f:
            if line.startswith('__version__'):
                return line.split('=')[1].strip().strip('\'"')
    raise RuntimeError('tricks_mm/__init__.py sets no __version__')


def copy_mim_folders():
    """Copy configs/, tools/ and demo/ into tricks_mm/.mim for a wheel or sdist (not for editable installs,
    which read the checkout)."""
    if not any(cmd in sys.argv for cmd in ('bdist_wheel', 'sdist', 'build', 'install', 'build_py')):
        return
    mim = osp.join(HERE, 'tricks_mm', '.mim')
    for folder in MIM_FOLDERS:
        dst = osp.join(mim, folder)
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        shutil.copytree(osp.join(HERE, folder), dst,
                        ignore=shutil.ignore_patterns('__pycache__', '*.pyc', '*.pth'))


copy_mim_folders()

setup(
    name='tricks_mm',
    version=version(),
    description='Bag of Tricks for Image Classification (He et al., 2019) for OpenMMLab',
    packages=find_packages(include=['tricks_mm', 'tricks_mm.*']),
    package_data={'tricks_mm': ['**/*.json', '**/*.yml', '**/*.yaml', '.mim/**/*']},
    include_package_data=False,
    python_requires='>=3.9',
    install_requires=read_requirements('runtime.txt'),
    extras_require={'tests': read_requirements('tests.txt')},
    entry_points={'console_scripts': [
        'tricks-train=tricks_mm.entry_points:train',
        'tricks-test=tricks_mm.entry_points:test',
        'tricks-reproduce=tricks_mm.entry_points:reproduce',
        'tricks-demo=tricks_mm.entry_points:demo',
    ]},
)
