"""One process per output folder: an advisory ``flock`` on ``<folder>/.lock`` holding the owner's pid.

Two trainings writing into one work dir overwrite each other's checkpoints and ``last_checkpoint``;
two ``tools/reproduce.py`` on one table start the same row twice. The lock is released by the
kernel when its holder exits in any way (including ``kill -9``), so a stale lock never blocks a rerun.
A process started by the lock holder for the same folder (the runner's ``tools/train.py`` child) is
let in through the environment variable ``TRICKS_MM_DIR_LOCK`` (``<folder>:<holder pid>``).
"""
import fcntl
import os
import os.path as osp
import sys
from typing import Optional

ENV = 'TRICKS_MM_DIR_LOCK'


def _ancestors(depth: int = 6) -> list:
    """This process's parent, grandparent, ... (``/proc``; just the parent where there is none)."""
    pids, pid = [], os.getppid()
    while pid > 1 and len(pids) < depth:
        pids.append(pid)
        try:
            with open(f'/proc/{pid}/stat') as f:
                pid = int(f.read().rsplit(')', 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    return pids


class DirLockedError(RuntimeError):
    """The folder is in use by another live process."""


class DirLock:
    """``with DirLock(folder, what='training')`` or ``lock = DirLock(...).acquire()`` (held until exit)."""

    def __init__(self, folder: str, what: str = 'a run'):
        self.folder, self.what = osp.abspath(folder), what
        self.path = osp.join(self.folder, '.lock')
        self._fd: Optional[int] = None

    def _inherited(self) -> bool:
        """Started (directly, or through ``torchrun`` and its shell script) by the holder for this folder."""
        folder, _, pid = os.environ.get(ENV, '').rpartition(':')
        return folder == self.folder and pid.isdigit() and int(pid) in _ancestors()

    def acquire(self) -> 'DirLock':
        if self._inherited():
            return self
        os.makedirs(self.folder, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 4096).decode(errors='replace').strip()
            os.close(fd)
            raise DirLockedError(
                f'{self.folder} is in use by another process ({holder or "pid unknown"}); refusing to start '
                f'{self.what} in the same folder. Wait for it to finish, stop it, or use another folder.'
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f'pid {os.getpid()}: {" ".join(sys.argv)[:300]}\n'.encode())
        self._fd = fd
        return self

    def child_env(self, env: dict) -> dict:
        """``env`` plus the variable that lets this process's children use the folder."""
        return dict(env, **{ENV: f'{self.folder}:{os.getpid()}'})

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()


def holder_pid(folder: str) -> Optional[int]:
    """The pid recorded in ``<folder>/.lock`` if a live process holds it, else ``None``."""
    path = osp.join(folder, '.lock')
    if not osp.isfile(path):
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.read(fd, 4096).decode(errors='replace').split()
            return int(text[1].rstrip(':')) if len(text) > 1 and text[1].rstrip(':').isdigit() else -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
