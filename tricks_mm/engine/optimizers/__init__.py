from .adabound import AdaBound

__all__ = ['AdaBound']
