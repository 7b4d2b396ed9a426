"""Write README.md's config tables from the metafiles (configs/*/metafile.yml), the one place where the
paper's rows, their configs and the paper's numbers are declared.

    python tools/misc/gen_readme_tables.py            # rewrite the tables in README.md
    python tools/misc/gen_readme_tables.py --check    # exit 1 if README.md differs from the metafiles

Each table sits between ``<!-- metafile:NAME begin ... -->`` and ``<!-- metafile:NAME end -->`` lines
(NAME: imagenet, imagenette, voc-fpn, voc-c4, ade20k, small); text outside the markers is left alone.
"""
import argparse
import difflib
import os.path as osp
import sys

from tricks_mm.reproduce.metafile import REPO, readme_tables, render_readme


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--readme', default=osp.join(REPO, 'README.md'), help='default: %(default)s')
    parser.add_argument('--check', action='store_true', help='only compare; exit 1 when the README drifted')
    args = parser.parse_args(argv)
    with open(args.readme, encoding='utf-8') as f:
        text = f.read()
    new = render_readme(text, readme_tables())
    if args.check:
        if new != text:
            diff = difflib.unified_diff(text.splitlines(), new.splitlines(), 'README.md', 'from metafiles',
                                        lineterm='', n=1)
            sys.stderr.write('\n'.join(list(diff)[:60]) + '\nREADME.md config tables differ from the metafiles: '
                             'run python tools/misc/gen_readme_tables.py\n')
            return 1
        print('README.md config tables match the metafiles')
        return 0
    if new != text:
        with open(args.readme, 'w', encoding='utf-8') as f:
            f.write(new)
        print(f'rewrote the config tables in {args.readme}')
    else:
        print('README.md config tables already match the metafiles')
    return 0


if __name__ == '__main__':
    sys.exit(main())
