"""Print the whole config after inheritance and ``--cfg-options`` (mmdet's ``tools/misc/print_config.py``).

    python tools/misc/print_config.py CONFIG [--cfg-options k=v ...] [--save-path merged.py]
"""
import argparse
import sys

from mmengine.config import DictAction


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='config file path')
    parser.add_argument('--save-path', help='also write the merged config here (.py, .json or .yaml)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. model.backbone.depth=18')
    args = parser.parse_args(argv)
    from tricks_mm.apis.inference import read_config
    try:
        cfg = read_config(args.config, args.cfg_options)
    except FileNotFoundError as e:
        sys.exit(f'error: {e}')
    print(f'Config:\n{cfg.pretty_text}')
    if args.save_path:
        if not args.save_path.endswith(('.py', '.json', '.yaml', '.yml')):
            sys.exit(f'error: --save-path must end in .py, .json or .yaml, got {args.save_path}')
        cfg.dump(args.save_path)
        print(f'saved the merged config to {args.save_path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
