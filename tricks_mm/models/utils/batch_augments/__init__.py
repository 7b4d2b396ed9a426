from .ricap import RICAP, RICAPPatches

__all__ = ['RICAP', 'RICAPPatches']
