"""Write the generated tables of README.md and docs/small_scale_reproduction.md.

    python tools/misc/gen_readme_tables.py            # rewrite the tables
    python tools/misc/gen_readme_tables.py --check    # exit 1 if a file differs from its sources

Each table sits between ``<!-- metafile:NAME begin ... -->`` and ``<!-- metafile:NAME end -->`` lines; text
outside the markers is left alone. Sources, one place per fact:

* README.md's config tables (NAME: imagenet, imagenette, voc-fpn, voc-c4, ade20k, small): the metafiles
  (configs/*/metafile.yml), where the paper's rows, their configs and the paper's numbers are declared.
* the small-scale results (README.md: ``small-real-transfer``, the Tables 8/9 layout; the protocol document:
  ``small-real-report``, with the rank correlations, Tables 5/6, the reading and the runs): ``docs/small_real/results_table.md``, which
  ``tools/analysis/results_table.py`` writes from the committed runs (docs/small_scale_reproduction.md, Commands).
"""
import argparse
import difflib
import os.path as osp
import sys

from tricks_mm.reproduce.metafile import REPO, readme_tables, render_readme

RESULTS = osp.join('docs', 'small_real', 'results_table.md')
DOC = osp.join('docs', 'small_scale_reproduction.md')


def results_blocks(repo: str = REPO) -> dict:
    """``{marker name: Markdown}`` from the small-scale report (without its title line); empty before it exists."""
    path = osp.join(repo, RESULTS)
    if not osp.isfile(path):
        return {}
    with open(path, encoding='utf-8') as f:
        body = f.read().strip().split('\n', 1)[1].strip()  # the report's own title goes
    transfer = body.split('\n### ', 1)[0].strip()
    return {'small-real-transfer': transfer + f'\n\nCorrelations, Tables 5 and 6, the reading against the seed spread, '
                                              f'every run and its wall time: [`{DOC}`]({DOC}).',
            'small-real-report': body}


def generated(repo: str = REPO) -> dict:
    """``{file: (text now, text generated)}`` for the files with generated tables."""
    blocks = results_blocks(repo)
    plan = {'README.md': dict(readme_tables(repo), **{k: v for k, v in blocks.items() if k == 'small-real-transfer'}),
            DOC: {k: v for k, v in blocks.items() if k == 'small-real-report'}}
    out = {}
    for name, tables in plan.items():
        with open(osp.join(repo, name), encoding='utf-8') as f:
            text = f.read()
        out[name] = (text, render_readme(text, tables))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--check', action='store_true', help='only compare; exit 1 when a file drifted')
    args = parser.parse_args(argv)
    drifted = False
    for name, (text, new) in generated().items():
        if new == text:
            print(f'{name}: generated tables up to date')
        elif args.check:
            drifted = True
            diff = difflib.unified_diff(text.splitlines(), new.splitlines(), name, 'generated', lineterm='', n=1)
            sys.stderr.write('\n'.join(list(diff)[:60]) + f'\n{name}: generated tables differ from their sources: '
                             'run python tools/misc/gen_readme_tables.py\n')
        else:
            with open(osp.join(REPO, name), 'w', encoding='utf-8') as f:
                f.write(new)
            print(f'{name}: rewrote the generated tables')
    return 1 if drifted else 0


if __name__ == '__main__':
    sys.exit(main())
