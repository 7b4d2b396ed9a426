"""tricks_mm's CPU RoIAlign equals mmcv's (forward and gradients) for every sampling setting, in any memory
format and under bf16 autocast; the registered extractor is a drop-in for mmdet's."""
import pytest
import torch

import tricks_mm  # noqa: F401
from tricks_mm.ops.roi_align import RoIAlign, roi_align

mmcv_ops = pytest.importorskip('mmcv.ops')


def _rois(n_images, height, width, scale, generator):
    """RoIs (image-pixel coordinates) of many shapes: tiny, large, thin, degenerate, partly and fully outside."""
    H, W = height / scale, width / scale
    rows = []
    for b in range(n_images):
        for _ in range(24):
            w, h = torch.rand(2, generator=generator) * torch.tensor([W, H]) * 0.9 + 0.5
            x1 = torch.rand(1, generator=generator).item() * (W - w) - 3
            y1 = torch.rand(1, generator=generator).item() * (H - h) - 3
            rows.append([b, x1, y1, x1 + w, y1 + h])
        rows += [[b, 0, 0, W, H], [b, 5, 5, 5, 9], [b, 3, 4, 3.2, 4.1], [b, -40, -40, -20, -20],
                 [b, W - 2, H - 2, W + 30, H + 30], [b, W * 0.3, H * 0.1, W * 0.35, H * 0.95],
                 [b, -3, -1, W + 3, H + 1]]
    return torch.tensor(rows, dtype=torch.float32)


SETTINGS = [(out, scale, ratio, aligned) for out in ((7, 7), (14, 14), (3, 5)) for scale in (1.0, 0.25, 0.0625)
            for ratio in (0, 1, 2, 3) for aligned in (True, False)]


@pytest.mark.parametrize('output_size,spatial_scale,sampling_ratio,aligned', SETTINGS)
def test_equals_mmcv_forward_and_backward(output_size, spatial_scale, sampling_ratio, aligned):
    g = torch.Generator().manual_seed(hash((output_size, spatial_scale, sampling_ratio, aligned)) % 2**31)
    feats = torch.randn(2, 6, 13, 17, generator=g, dtype=torch.float64)
    rois = _rois(2, 13, 17, spatial_scale, g).double()
    ours_in = feats.clone().requires_grad_()
    ref_in = feats.clone().requires_grad_()
    ours = roi_align(ours_in, rois, output_size, spatial_scale, sampling_ratio, aligned)
    ref = mmcv_ops.roi_align(ref_in, rois, output_size, spatial_scale, sampling_ratio, 'avg', aligned)
    torch.testing.assert_close(ours, ref, rtol=1e-9, atol=1e-9)
    grad = torch.randn(ours.shape, generator=g, dtype=torch.float64)
    ours.backward(grad)
    ref.backward(grad)
    torch.testing.assert_close(ours_in.grad, ref_in.grad, rtol=1e-9, atol=1e-9)


def test_float32_channels_last_and_module():
    g = torch.Generator().manual_seed(0)
    feats = torch.randn(2, 32, 40, 48, generator=g)
    rois = _rois(2, 160, 192, 0.25, g)
    layer = RoIAlign((7, 7), spatial_scale=0.25, sampling_ratio=0)
    ref = mmcv_ops.RoIAlign((7, 7), spatial_scale=0.25, sampling_ratio=0)(feats, rois)
    torch.testing.assert_close(layer(feats, rois), ref, rtol=1e-5, atol=1e-5)
    cl = feats.contiguous(memory_format=torch.channels_last)
    torch.testing.assert_close(layer(cl, rois), ref, rtol=1e-5, atol=1e-5)


def test_bf16_autocast_and_mmcv_ops_under_autocast():
    """Inside CPU bf16 autocast both RoIAligns run (in fp32) and mmcv's nms accepts bf16 scores."""
    g = torch.Generator().manual_seed(1)
    feats = torch.randn(1, 8, 20, 20, generator=g).bfloat16().float().requires_grad_()
    rois = _rois(1, 80, 80, 0.25, g)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        x = torch.nn.functional.conv2d(feats, torch.eye(8).reshape(8, 8, 1, 1))  # bf16 under autocast
        assert x.dtype == torch.bfloat16
        ours = RoIAlign(7, 0.25)(x, rois)
        ref = mmcv_ops.RoIAlign(7, 0.25)(x, rois)
        boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 11., 11.], [50., 50., 60., 60.]])
        scores = torch.tensor([0.9, 0.8, 0.7]).bfloat16()
        dets, keep = mmcv_ops.nms(boxes, scores, 0.5)
    assert ours.dtype == torch.bfloat16
    torch.testing.assert_close(ours.float(), ref.float(), rtol=1e-2, atol=1e-2)
    assert keep.tolist() == [0, 2]
    ours.float().sum().backward()
    assert feats.grad is not None and torch.isfinite(feats.grad).all()


def test_refuses_max_pooling_with_advice():
    with pytest.raises(ValueError, match="pool_mode='avg' only"):
        RoIAlign(7, pool_mode='max')


def test_extractor_is_a_drop_in_for_mmdet():
    from mmdet.models.roi_heads.roi_extractors import SingleRoIExtractor as MMDetExtractor
    from tricks_mm.models.roi_extractors import SingleRoIExtractor
    cfg = dict(roi_layer=dict(type='RoIAlign', output_size=7, sampling_ratio=0), out_channels=16,
               featmap_strides=[4, 8, 16, 32])
    g = torch.Generator().manual_seed(2)
    feats = tuple(torch.randn(2, 16, 256 // s, 320 // s, generator=g) for s in (4, 8, 16, 32))
    rois = _rois(2, 256, 320, 1.0, g)
    ours, ref = SingleRoIExtractor(**cfg), MMDetExtractor(**cfg)
    assert all(type(layer).__module__ == 'tricks_mm.ops.roi_align' for layer in ours.roi_layers)
    torch.testing.assert_close(ours(feats, rois), ref(feats, rois), rtol=1e-5, atol=1e-5)
