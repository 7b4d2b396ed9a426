from .inference import inference_model, init_model  # noqa: F401  (the inference API, as mmdet/mmseg/mmpretrain.apis)
