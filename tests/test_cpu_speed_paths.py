"""The CPU speed paths in the real training loop, for all three tasks: bf16 autocast (``--amp``) trains and
evaluates, detection included (mmcv's nms/RoIAlign run in fp32 inside autocast), and channels_last gives the
same numbers as the contiguous layout."""
import copy
import os.path as osp

import pytest
import torch
from mmengine.config import Config

import tricks_mm  # noqa: F401
from conftest import REPO
from tricks_mm.apis.cli import build_runner, enable_amp, load_config
from tricks_mm.engine.hooks.channels_last import to_channels_last

SMOKE = {
    'cls': 'configs/smoke/resnet18-d_synthetic-cls_smoke.py',
    'det': 'configs/smoke/faster-rcnn_r18-d_fpn_synthetic-voc_smoke.py',
    'seg': 'configs/smoke/fcn_r18-d8_synthetic-ade_smoke.py',
}


def _config(task, work_dir, data_root, monkeypatch, iters=2):
    monkeypatch.setenv('DATA_ROOT', data_root)
    cfg = load_config(osp.join(REPO, SMOKE[task]), work_dir=str(work_dir))
    cfg.train_cfg.max_iters, cfg.train_cfg.val_interval = iters, iters
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', by_epoch=False, interval=iters)
    cfg.log_level = 'WARNING'
    if task == 'det':
        cfg.model.roi_head.bbox_roi_extractor.type = 'SingleRoIExtractor'  # mmcv's RoIAlign: the harder case
    return cfg


@pytest.mark.parametrize('task', sorted(SMOKE))
def test_amp_bf16_trains_and_evaluates(task, synthetic_root, tmp_path, monkeypatch):
    """``--amp`` on the CPU: bf16 autocast (forced where the CPU has no native bf16) through training,
    validation and testing; losses finite, metrics produced, parameters stay fp32."""
    cfg = _config(task, tmp_path, synthetic_root, monkeypatch)
    enable_amp(cfg)
    assert cfg.optim_wrapper.type == 'tricks_mm.BF16OptimWrapper'
    cfg.optim_wrapper.force = True  # autocast even on an AVX2-only CPU (slow there, tiny inputs here)
    runner = build_runner(cfg)
    seen = []

    def record(module, args, output):
        seen.append(output.dtype if torch.is_tensor(output) else None)
    handle = runner.model.backbone.register_forward_hook(
        lambda m, a, out: record(m, a, out[-1] if isinstance(out, (tuple, list)) else out))
    runner.train()
    handle.remove()
    assert torch.bfloat16 in seen, 'the backbone did not run under bf16 autocast'
    assert all(p.dtype == torch.float32 for p in runner.model.parameters())
    assert all(torch.isfinite(p).all() for p in runner.model.parameters())
    metrics = runner.test()
    assert metrics and all(v == v for v in metrics.values() if isinstance(v, float))


def _batch(runner):
    data = next(iter(runner.train_dataloader))
    return runner.model.data_preprocessor(data, True)


@pytest.mark.parametrize('task', sorted(SMOKE))
def test_channels_last_equals_contiguous(task, synthetic_root, tmp_path, monkeypatch):
    """The hook puts weights and batches in channels_last inside a real run, and the model computes the same
    losses (and, after the run, the same predictions) as its contiguous copy."""
    cfg = _config(task, tmp_path, synthetic_root, monkeypatch)
    if task == 'det':
        cfg.model.roi_head.bbox_roi_extractor.type = 'tricks_mm.SingleRoIExtractor'
    cfg.custom_hooks = [dict(type='tricks_mm.ChannelsLastHook')]
    runner = build_runner(cfg)
    runner.train()
    model = runner.model
    convs = [m.weight for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    assert convs and all(w.is_contiguous(memory_format=torch.channels_last) for w in convs)
    contiguous = copy.deepcopy(model).to(memory_format=torch.contiguous_format)
    model.eval(), contiguous.eval()
    data = _batch(runner)
    cl_data = to_channels_last(data)
    assert cl_data['inputs'].is_contiguous(memory_format=torch.channels_last)
    for m in (model, contiguous):
        m.train()
    torch.manual_seed(0)
    losses_cl = model(**cl_data, mode='loss')
    torch.manual_seed(0)
    losses = contiguous(**data, mode='loss')
    for key in losses:
        a, b = losses[key], losses_cl[key]
        a = sum(a) if isinstance(a, (list, tuple)) else a
        b = sum(b) if isinstance(b, (list, tuple)) else b
        torch.testing.assert_close(b, a, rtol=1e-3, atol=1e-4, msg=f'{task}: loss {key} differs')
