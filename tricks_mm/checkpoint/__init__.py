from .safe_load import (UnsafeCheckpointError, allowed_checkpoint_globals, install_safe_loader,
                        safe_torch_load)
from .strict import (CheckpointMismatchError, KeyReport, compare_state_dicts, extract_state_dict,
                     load_pretrained_strict)

__all__ = [
    'UnsafeCheckpointError', 'allowed_checkpoint_globals', 'install_safe_loader', 'safe_torch_load',
    'CheckpointMismatchError', 'KeyReport', 'compare_state_dicts', 'extract_state_dict',
    'load_pretrained_strict'
]
