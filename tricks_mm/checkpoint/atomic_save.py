"""Crash-safe local writes for mmengine: write to a temporary file in the same folder, fsync, then
``os.replace``. An interrupted save leaves the previous checkpoint intact instead of a truncated one.

mmengine's ``save_checkpoint`` writes through the file backend registered for local paths, so
replacing that backend covers checkpoints (and every other ``mmengine.fileio.put``) at once.

The temporary file is named ``.<name>.<pid>.<random>.tmp``; a process killed during a save (``kill -9``,
power loss) leaves it behind, so every save first removes the temporary files in its folder whose
writer process no longer runs. The result gets the mode ``open()``/``torch.save`` would give it
(0666 minus the umask, e.g. 0644), not ``mkstemp``'s owner-only 0600.
"""
import errno
import os
import os.path as osp
import re
import tempfile

_TMP_NAME = re.compile(r'^\..+\.(\d+)\.[^.]+\.tmp$')

import mmengine
from mmengine.fileio import register_backend
from mmengine.fileio.backends import LocalBackend


class AtomicLocalBackend(LocalBackend):
    """:class:`LocalBackend` whose ``put``/``put_text`` replace the target atomically."""

    def put(self, obj: bytes, filepath) -> None:
        filepath = str(filepath)
        folder = osp.dirname(osp.abspath(filepath))
        mmengine.mkdir_or_exist(folder)
        remove_stale_temporaries(folder)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f'.{osp.basename(filepath)}.{os.getpid()}.', suffix='.tmp')
        try:
            os.fchmod(fd, 0o666 & ~_umask())
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


def _umask() -> int:
    mask = os.umask(0o022)  # the only portable way to read it is to set it and set it back
    os.umask(mask)
    return mask


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError as e:
        return e.errno == errno.EPERM
    return True


def remove_stale_temporaries(folder: str) -> list:
    """Delete ``.<name>.<pid>.<random>.tmp`` files in ``folder`` left by writers that no longer run;
    return their paths."""
    removed = []
    for name in os.listdir(folder):
        match = _TMP_NAME.match(name)
        if match and int(match.group(1)) != os.getpid() and not _pid_alive(int(match.group(1))):
            try:
                os.remove(osp.join(folder, name))
                removed.append(osp.join(folder, name))
            except FileNotFoundError:
                pass
    return removed


def install_atomic_local_backend() -> None:
    """Make ``AtomicLocalBackend`` the backend of plain local paths. Idempotent."""
    register_backend('local', AtomicLocalBackend, force=True, prefixes='')
