"""``skip_bad_images=True``: a training image that cannot be read is skipped with a counted warning.

mmengine's ``BaseDataset.__getitem__`` fetches another random item when the training pipeline returns
``None`` (up to ``max_refetch`` times). :class:`LoadImageSkipBad` is mmcv's ``LoadImageFromFile``
returning ``None`` for an unreadable file, after a warning that names the file and counts the skips
so far (per data-loader process). ``tools/train.py`` puts it in place of ``LoadImageFromFile`` in the
training pipelines when the config sets ``skip_bad_images = True``; never in validation or test,
where every image must count.
"""
from mmcv.transforms import LoadImageFromFile
from mmengine.logging import print_log

from tricks_mm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadImageSkipBad(LoadImageFromFile):
    """``LoadImageFromFile`` that returns ``None`` (skip the item) for an unreadable image."""

    skipped = 0

    def transform(self, results: dict):
        try:
            out = super().transform(results)
        except Exception as e:  # decoders raise many types (AssertionError, OSError, cv2.error, ...)
            reason = f'{type(e).__name__}: {e}'
        else:
            if out is not None:
                return out
            reason = 'file missing or empty'
        type(self).skipped += 1
        print_log(f'skip_bad_images: skipped unreadable image {results.get("img_path")} ({reason}); '
                  f'{type(self).skipped} skipped so far in this process', logger='current', level=30)
        return None


def use_skip_bad_images(pipeline) -> int:
    """Replace ``LoadImageFromFile`` in ``pipeline`` (a list of transform dicts) in place; return how
    many were replaced."""
    count = 0
    for step in pipeline or []:
        if isinstance(step, dict) and str(step.get('type', '')).split('.')[-1] == 'LoadImageFromFile':
            step['type'] = 'tricks_mm.LoadImageSkipBad'
            count += 1
    return count
