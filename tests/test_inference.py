"""tricks_mm.apis.init_model / inference_model and demo/image_demo.py, for the three tasks, with checkpoints
trained by tools/train.py on the synthetic sets: the prediction equals the model's own output and the
picture shows it (top-5 classes printed and written; the box drawn where it is; the mask blended)."""
import glob
import os.path as osp

import mmcv
import numpy as np
import pytest
import torch

from conftest import assert_ok, run_tool

SMOKE = {
    'cls': 'configs/smoke/resnet18-d_synthetic-cls_smoke.py',
    'det': 'configs/smoke/faster-rcnn_r18-d_fpn_synthetic-voc_smoke.py',
    'seg': 'configs/smoke/fcn_r18-d8_synthetic-ade_smoke.py',
}


@pytest.fixture(scope='module')
def trained(synthetic_root, tmp_path_factory):
    """Each smoke config trained for 2 iterations with tools/train.py: {task: checkpoint}."""
    out = {}
    for task, config in SMOKE.items():
        work = str(tmp_path_factory.mktemp(task))
        assert_ok(run_tool(['tools/train.py', config, '--work-dir', work, '--cfg-options',
                            'train_cfg.max_iters=2', 'train_cfg.val_interval=2'], {'DATA_ROOT': synthetic_root}))
        out[task] = osp.join(work, 'iter_2.pth')
        assert osp.isfile(out[task])
    return out


def _image(synthetic_root, task):
    pattern = {'cls': 'imagenet/val/*/*', 'det': 'VOCdevkit/VOC2007/JPEGImages/*.jpg',
               'seg': 'ADEChallengeData2016/images/validation/*.jpg'}[task]
    return sorted(glob.glob(osp.join(synthetic_root, pattern)))[0]


def _model(task, trained, synthetic_root, monkeypatch):
    from tricks_mm.apis import init_model
    monkeypatch.setenv('DATA_ROOT', synthetic_root)
    return init_model(SMOKE[task], trained[task])


def _demo(task, img, ckpt, out, *extra):
    proc = run_tool(['demo/image_demo.py', img, SMOKE[task], ckpt, '--out-file', out] + list(extra))
    assert_ok(proc)
    return [line.split('\t') for line in proc.stdout.splitlines() if '\t' in line][1:]  # after the header


def test_classifier_top5_equals_the_model(trained, synthetic_root, tmp_path, monkeypatch):
    from tricks_mm.apis import inference_model
    from tricks_mm.apis.inference import topk_classes
    model = _model('cls', trained, synthetic_root, monkeypatch)
    img = _image(synthetic_root, 'cls')
    result = inference_model(model, img)
    # the model called directly on the config's test view: 64 px image, centre crop 56 (BGR, as loaded)
    bgr = mmcv.imread(img)
    assert bgr.shape[:2] == (64, 64)
    rgb = torch.from_numpy(np.ascontiguousarray(bgr[4:60, 4:60, ::-1])).permute(2, 0, 1).float()
    mean, std = (torch.tensor(model.cfg.data_preprocessor[k]).view(3, 1, 1) for k in ('mean', 'std'))
    with torch.no_grad():  # normalised with the config's mean/std, as training saw the images
        expected = model(((rgb - mean) / std)[None], mode='tensor').softmax(-1)[0]
    assert torch.allclose(result.pred_score, expected, atol=1e-5)
    top = topk_classes(model, result, 4)
    assert [t[0] for t in top] == expected.argsort(descending=True).tolist()
    assert sorted(model.dataset_meta['classes']) == sorted(osp.basename(d) for d in
                                                           glob.glob(osp.join(synthetic_root, 'imagenet/val/*')))
    # the same from an array (BGR) and through the demo
    assert torch.equal(inference_model(model, bgr).pred_score, result.pred_score)
    out = str(tmp_path / 'cls.png')
    lines = _demo('cls', img, trained['cls'], out)
    assert [name for name, _ in lines] == [t[1] for t in top]
    assert [float(score) for _, score in lines] == pytest.approx([t[2] for t in top], abs=1e-4)
    drawn = mmcv.imread(out, channel_order='rgb')
    assert min(drawn.shape[:2]) >= 224  # enlarged so that the text is legible
    plain = mmcv.imrescale(mmcv.imread(img, channel_order='rgb'), min(drawn.shape[:2]) / 64)
    differs = np.abs(drawn.astype(int) - plain.astype(int)).max(-1) > 30
    assert differs[:drawn.shape[0] // 2, :drawn.shape[1] // 2].mean() > 0.05  # the text block, top left
    assert differs[-20:, :].mean() < 0.01  # the rest is the picture


def test_detector_draws_its_best_box(trained, synthetic_root, tmp_path, monkeypatch):
    from tricks_mm.apis import inference_model
    model = _model('det', trained, synthetic_root, monkeypatch)
    img = _image(synthetic_root, 'det')
    inst = inference_model(model, img).pred_instances
    assert len(inst) > 0
    # the model called directly on the same image gives the same boxes
    with torch.no_grad():
        again = inference_model(model, [mmcv.imread(img)])[0].pred_instances
    assert torch.allclose(again.bboxes, inst.bboxes) and torch.equal(again.labels, inst.labels)
    best = int(inst.scores.argmax())
    thr = float(inst.scores[best]) - 1e-6
    out = str(tmp_path / 'det.png')
    lines = _demo('det', img, trained['det'], out, '--score-thr', f'{thr:.7f}')
    assert len(lines) >= 1
    name, score, box = lines[0]
    assert name == model.dataset_meta['classes'][int(inst.labels[best])]
    assert float(score) == pytest.approx(float(inst.scores[best]), abs=1e-3)
    x1, y1, x2, y2 = [float(v) for v in box.split()]
    assert [x1, y1, x2, y2] == pytest.approx(inst.bboxes[best].tolist(), abs=0.1)
    drawn = mmcv.imread(out, channel_order='rgb').astype(int)
    plain = mmcv.imread(img, channel_order='rgb').astype(int)
    assert drawn.shape == plain.shape
    changed = np.abs(drawn - plain).max(-1) > 40
    h, w = changed.shape
    xa, ya, xb, yb = (int(np.clip(round(v), 0, s - 1)) for v, s in ((x1, w), (y1, h), (x2, w), (y2, h)))
    edge = np.concatenate([changed[ya:yb + 1, xa], changed[ya:yb + 1, xb], changed[ya, xa:xb + 1],
                           changed[yb, xa:xb + 1]])
    assert edge.mean() > 0.5  # the box outline is drawn where the box is
    if len(lines) == 1:
        far = np.ones_like(changed)
        far[max(ya - 3, 0):yb + 4, max(xa - 3, 0):xb + 4] = False
        far[max(ya - 3, 0):ya + 20, :] = False  # the label text may run past the box on the right
        assert changed[far].mean() < 0.02  # and nothing is drawn elsewhere


def test_segmentor_blends_its_mask(trained, synthetic_root, tmp_path, monkeypatch):
    from tricks_mm.apis import inference_model
    from tricks_mm.apis.draw import _meta
    model = _model('seg', trained, synthetic_root, monkeypatch)
    img = _image(synthetic_root, 'seg')
    pred = inference_model(model, img).pred_sem_seg.data[0].numpy()
    plain = mmcv.imread(img, channel_order='rgb')
    assert pred.shape == plain.shape[:2]
    out = str(tmp_path / 'seg.png')
    lines = _demo('seg', img, trained['seg'], out, '--opacity', '0.5')
    fractions = {name: float(f) for name, f in lines}
    names = model.dataset_meta['classes']
    for label in np.unique(pred):
        assert fractions[names[label]] == pytest.approx((pred == label).mean(), abs=1e-3)
    palette = np.asarray(_meta(model, len(names))['palette'])
    expected = (plain * 0.5 + palette[pred] * 0.5).astype(np.uint8).astype(int)
    drawn = mmcv.imread(out, channel_order='rgb').astype(int)
    assert np.abs(drawn - plain.astype(int)).max() > 20
    assert (np.abs(drawn - expected).max(-1) <= 3).mean() > 0.8  # the mask, blended (minus the class labels)


def test_init_model_is_strict(trained, synthetic_root, monkeypatch):
    from tricks_mm.apis import init_model
    from tricks_mm.checkpoint import CheckpointMismatchError
    monkeypatch.setenv('DATA_ROOT', synthetic_root)
    with pytest.raises(CheckpointMismatchError, match=r'backbone\.stem\.0\.weight: checkpoint \(32, 3, 3, 3\)'):
        init_model(SMOKE['cls'], trained['cls'], cfg_options={'model.backbone.variant': 'B'})
    with pytest.raises(KeyError, match='default_scope'):
        from mmengine.config import Config
        init_model(Config(dict(model=dict(type='X'))))
