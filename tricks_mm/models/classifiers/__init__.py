from .distill import DistillImageClassifier, distillation_soft_loss

__all__ = ['DistillImageClassifier', 'distillation_soft_loss']
