"""Training hooks of tricks_mm (registered in ``tricks_mm.registry.HOOKS``)."""
from .channels_last import ChannelsLastHook, to_channels_last  # noqa: F401
from .divergence import DivergenceError, DivergenceGuardHook  # noqa: F401
from .rng_state import RNGStateHook  # noqa: F401
