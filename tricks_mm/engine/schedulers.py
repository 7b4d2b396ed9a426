"""Learning-rate schedules of the paper in closed form (Sections 3.1 and 5.1).

mmengine's ``LinearLR`` cannot start from 0 (its chainable update divides by ``start_factor``) and
reaches the full rate one step before its ``end``; its ``CosineAnnealingLR`` (``T_max = end - begin``)
stops one step short of ``eta_min``. These schedulers compute every value from the base rate:

* :class:`LinearWarmupLR`: ``lr_t = eta * t / m`` for ``t = 0..m`` (0 at the first iteration, exactly
  ``eta`` at iteration ``m``, where the main schedule starts). Section 3.1, "learning rate warmup".
* :class:`CosineDecayLR`: ``lr_t = eta_min + (eta - eta_min) * (1 + cos(pi * t / T)) / 2`` with ``t``
  counted from the end of warmup and ``T`` = the number of iterations after warmup minus one, so
  the rate is exactly ``eta`` when warmup ends and ``eta_min`` (0) at the last iteration. Eq. in 5.1.

Both accept ``by_epoch=True, convert_to_iter_based=True`` (epochs in the config, per-iteration updates)
and chain with mmengine's ``MultiStepLR`` (the step-decay baseline, Section 2).
"""
import math

from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF, _ParamScheduler

from tricks_mm.registry import PARAM_SCHEDULERS


class _ClosedFormScheduler(_ParamScheduler):
    """A scheduler whose value is ``factor(t) * base`` (or an interpolation), never chained."""

    @classmethod
    def build_iter_from_epoch(cls, *args, begin=0, end=INF, by_epoch=True, epoch_length=None, **kwargs):
        """``convert_to_iter_based=True``: epochs in the config, a value per iteration."""
        assert by_epoch and epoch_length, 'convert_to_iter_based needs by_epoch=True and an epoch length'
        end = int(end * epoch_length) if end != INF else INF
        return cls(*args, begin=int(begin * epoch_length), end=end, by_epoch=False, **kwargs)

    def _get_value(self):
        return [self._value(base) for base in self.base_values]

    def _value(self, base):
        raise NotImplementedError


@PARAM_SCHEDULERS.register_module()
class LinearWarmupLR(LRSchedulerMixin, _ClosedFormScheduler):
    """Linear warmup from 0 to the base rate over ``[begin, end)``; sets the base rate at ``end``.

    The value at ``end`` is written too (the scheduler's range is ``[begin, end]``), so a step
    schedule chained after it (``MultiStepLR``) starts from exactly the base rate.
    """

    def __init__(self, optimizer, begin: int = 0, end: int = INF, by_epoch: bool = True, **kwargs):
        if end == INF:
            raise ValueError('LinearWarmupLR needs a finite end (the warmup length)')
        self.warmup_steps = end - begin
        super().__init__(optimizer, begin=begin, end=end + 1, by_epoch=by_epoch,
                         **kwargs)

    def _value(self, base):
        return base * min(self.last_step / self.warmup_steps, 1.0)


@PARAM_SCHEDULERS.register_module()
class CosineDecayLR(LRSchedulerMixin, _ClosedFormScheduler):
    """Cosine decay from the base rate at ``begin`` to ``eta_min`` at the last step ``end - 1``."""

    def __init__(self, optimizer, begin: int = 0, end: int = INF, eta_min: float = 0.0,
                 by_epoch: bool = True, **kwargs):
        if end == INF:
            raise ValueError('CosineDecayLR needs a finite end (the last epoch/iteration + 1)')
        self.eta_min = eta_min
        self.T = max(end - begin - 1, 1)
        super().__init__(optimizer, begin=begin, end=end, by_epoch=by_epoch, **kwargs)

    def _value(self, base):
        t = min(self.last_step, self.T)
        return self.eta_min + (base - self.eta_min) * (1 + math.cos(math.pi * t / self.T)) / 2
