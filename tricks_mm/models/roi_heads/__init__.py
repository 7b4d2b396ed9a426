from .res_layer import TricksResLayer

__all__ = ['TricksResLayer']
