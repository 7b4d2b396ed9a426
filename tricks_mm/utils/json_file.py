"""JSON files that are never left half-written, through the one atomic writer of the project
(:class:`tricks_mm.checkpoint.atomic_save.AtomicLocalBackend`: a temporary file in the same folder, fsync,
``os.replace``), so a reader or a killed writer sees the old file or the new one, and concurrent writers
(Slurm jobs of one table) each use a temporary file of their own."""
import json
import os.path as osp
from typing import Any, Optional


def write_json(path: str, obj: Any, indent: int = 1, lines: bool = False) -> str:
    """Write ``obj`` to ``path`` atomically (the folder is created); returns ``path``. ``lines=True`` writes a
    list as JSON lines, one element a line (mmengine's ``scalars.json`` layout)."""
    from tricks_mm.checkpoint.atomic_save import AtomicLocalBackend
    text = ''.join(json.dumps(item) + '\n' for item in obj) if lines else json.dumps(obj, indent=indent) + '\n'
    AtomicLocalBackend().put_text(text, path)
    return path


def read_json(path: str) -> Optional[Any]:
    """The parsed file, or None when it does not exist."""
    if not osp.isfile(path):
        return None
    with open(path, encoding='utf-8') as f:
        return json.load(f)
