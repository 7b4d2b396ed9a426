"""Build a config's dataset or dataloader outside a Runner (for the inspection tools), in the package
that the config's ``default_scope`` names."""
from importlib import import_module

from mmengine.config import Config
from mmengine.registry import DefaultScope


def _loader_cfg(cfg: Config, phase: str) -> dict:
    import tricks_mm  # noqa: F401
    from tricks_mm.utils.setup_env import register_all_modules

    from .inference import task_of
    task_of(cfg)  # a clear error for an unknown scope
    register_all_modules(init_default_scope=False)
    loader = cfg.get(f'{phase}_dataloader')
    if not loader:
        raise KeyError(f'the config has no {phase}_dataloader')
    return loader


def build_dataset(cfg: Config, phase: str = 'test'):
    """The dataset of ``cfg.<phase>_dataloader`` (with its pipeline), built by mmpretrain/mmdet/mmseg."""
    loader = _loader_cfg(cfg, phase)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        return import_module(f'{cfg.default_scope}.registry').DATASETS.build(loader['dataset'])


def build_dataloader(cfg: Config, phase: str = 'test'):
    """``cfg.<phase>_dataloader`` as the Runner builds it."""
    from mmengine.runner import Runner
    loader = _loader_cfg(cfg, phase)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        return Runner.build_dataloader(loader)
