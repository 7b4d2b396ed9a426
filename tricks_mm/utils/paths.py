"""Where the configs, tools and demo scripts are: the repository checkout, or the copy a wheel carries.

``pip install .`` (a wheel) copies ``configs/``, ``tools/`` and ``demo/`` into ``tricks_mm/.mim/``
(OpenMMLab's ``.mim`` layout, see ``setup.py``), so a run outside the checkout still finds every config,
metafile and tool; an editable install or a checkout uses the repository itself.
"""
import os.path as osp

PACKAGE_DIR = osp.dirname(osp.dirname(osp.abspath(__file__)))
_CHECKOUT = osp.dirname(PACKAGE_DIR)
_MIM = osp.join(PACKAGE_DIR, '.mim')


def package_root() -> str:
    """The folder holding ``configs/`` and ``tools/``: the checkout when there is one, else ``tricks_mm/.mim``."""
    if osp.isdir(osp.join(_CHECKOUT, 'configs')) and osp.isdir(osp.join(_CHECKOUT, 'tools')):
        return _CHECKOUT
    if osp.isdir(osp.join(_MIM, 'configs')):
        return _MIM
    raise FileNotFoundError(f'tricks_mm finds neither a checkout ({_CHECKOUT}/configs) nor the configs a wheel '
                            f'installs ({_MIM}/configs); reinstall with `pip install .` from the repository')


def package_path(*parts: str) -> str:
    """A file under :func:`package_root`, e.g. ``package_path('configs', 'smoke', 'x.py')``."""
    return osp.join(package_root(), *parts)
