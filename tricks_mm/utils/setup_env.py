from mmengine.registry import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every tricks_mm module so that its registry entries exist.

    Args:
        init_default_scope: also make ``tricks_mm`` the current default scope (as mmdet's
            ``register_all_modules`` does for ``mmdet``). Configs normally keep the scope of the
            package that builds the task (mmpretrain/mmdet/mmseg) and name our modules
            ``tricks_mm.Name``; mmengine imports them lazily then.
    """
    import tricks_mm.datasets  # noqa: F401
    import tricks_mm.engine  # noqa: F401
    import tricks_mm.models  # noqa: F401
    if init_default_scope and DefaultScope.get_current_instance() is None:
        DefaultScope.get_instance('tricks_mm', scope_name='tricks_mm')
