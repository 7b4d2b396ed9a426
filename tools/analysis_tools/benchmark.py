"""Inference speed of a classifier, detector or segmentor on its test set (mmdet's
``tools/analysis_tools/benchmark.py``, inference task).

    python tools/analysis_tools/benchmark.py CONFIG [--checkpoint CKPT] [--max-iter 100] [--num-warmup 5]

Batches of the config's test dataloader go through ``model.test_step`` (data preprocessor, forward,
post-processing, as ``tools/test.py``), timed after ``--num-warmup`` warm-up batches; the data loading
is not timed. Prints the time per image and images per second every ``--log-interval`` batches and a
final JSON line (``ms_per_img``, ``img_per_s``, ``images``, ``batches``, ``device``, ``threads``). Without
a checkpoint the model is timed with fresh weights (the speed does not depend on them).
"""
import argparse
import json
import sys
import time

from mmengine.config import DictAction


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='test config file path')
    parser.add_argument('--checkpoint', help='checkpoint file (optional)')
    parser.add_argument('--max-iter', type=int, default=100, help='timed batches')
    parser.add_argument('--num-warmup', type=int, default=5, help='untimed warm-up batches')
    parser.add_argument('--log-interval', type=int, default=50, help='print every this many batches')
    parser.add_argument('--repeat-num', type=int, default=1, help='repeat the measurement; report the mean')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config settings')
    args = parser.parse_args(argv)
    import torch

    from tricks_mm.apis.dataset import build_dataloader
    from tricks_mm.apis.inference import init_model
    model = init_model(args.config, args.checkpoint, device=args.device, cfg_options=args.cfg_options)
    loader = build_dataloader(model.cfg, 'test')
    runs = []
    for repeat in range(args.repeat_num):
        images = batches = 0
        elapsed = 0.0
        done = False
        while not done:  # cycle through the test set until max_iter timed batches
            for i, data in enumerate(loader):
                with torch.no_grad():
                    start = time.perf_counter()
                    model.test_step(data)
                    took = time.perf_counter() - start
                if repeat == 0 and args.num_warmup > 0:
                    args.num_warmup -= 1
                    continue
                batches += 1
                images += len(data['inputs'])
                elapsed += took
                if batches % args.log_interval == 0:
                    print(f'done batch [{batches}/{args.max_iter}], {1000 * elapsed / images:.1f} ms/img, '
                          f'{images / elapsed:.2f} img/s')
                if batches >= args.max_iter:
                    done = True
                    break
        runs.append((images, batches, elapsed))
        print(f'run {repeat + 1}: {images} images in {elapsed:.3f} s: {images / elapsed:.2f} img/s')
    img_per_s = sum(r[0] / r[2] for r in runs) / len(runs)
    print(json.dumps(dict(ms_per_img=1000.0 / img_per_s, img_per_s=img_per_s, images=runs[-1][0],
                          batches=runs[-1][1], repeat=len(runs), device=args.device,
                          threads=torch.get_num_threads())))
    return 0


if __name__ == '__main__':
    sys.exit(main())
