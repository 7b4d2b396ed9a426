from .safe_load import (UnsafeCheckpointError, allowed_checkpoint_globals, install_safe_loader,
                        safe_torch_load)
from .strict import (CheckpointMismatchError, KeyReport, check_checkpoint_fits, compare_state_dicts,
                     extract_state_dict, load_pretrained_strict)

__all__ = [
    'UnsafeCheckpointError', 'allowed_checkpoint_globals', 'install_safe_loader', 'safe_torch_load',
    'CheckpointMismatchError', 'KeyReport', 'check_checkpoint_fits', 'compare_state_dicts', 'extract_state_dict',
    'load_pretrained_strict'
]
from .named_weights import (NamedWeightsError, is_named_weights, load_named_weights,  # noqa: E402
                            resolve_named_weights)

__all__ += ['NamedWeightsError', 'is_named_weights', 'load_named_weights', 'resolve_named_weights']
