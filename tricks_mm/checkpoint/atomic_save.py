"""Crash-safe local writes for mmengine: write to a temporary file in the same folder, fsync, then
``os.replace``. An interrupted save leaves the previous checkpoint intact instead of a truncated one.

mmengine's ``save_checkpoint`` writes through the file backend registered for local paths, so
replacing that backend covers checkpoints (and every other ``mmengine.fileio.put``) at once.
"""
import os
import os.path as osp
import tempfile

import mmengine
from mmengine.fileio import register_backend
from mmengine.fileio.backends import LocalBackend


class AtomicLocalBackend(LocalBackend):
    """:class:`LocalBackend` whose ``put``/``put_text`` replace the target atomically."""

    def put(self, obj: bytes, filepath) -> None:
        filepath = str(filepath)
        folder = osp.dirname(osp.abspath(filepath))
        mmengine.mkdir_or_exist(folder)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix='.' + osp.basename(filepath) + '.', suffix='.tmp')
        try:
            with os.fdopen(fd, 'wb') as f:
                f.write(obj)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, filepath)
        except BaseException:
            if osp.exists(tmp):
                os.remove(tmp)
            raise

    def put_text(self, obj: str, filepath, encoding: str = 'utf-8') -> None:
        self.put(obj.encode(encoding), filepath)


def install_atomic_local_backend() -> None:
    """Make ``AtomicLocalBackend`` the backend of plain local paths. Idempotent."""
    register_backend('local', AtomicLocalBackend, force=True, prefixes='')
