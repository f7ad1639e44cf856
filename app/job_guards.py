"""What keeps a running background job (app.jobs) honest: its heartbeat, so a dead runner is told
from a busy one, and its memory limit, so a job that would need too much fails alone.
"""
import logging
import resource
import threading
from contextlib import contextmanager
from typing import Callable

log = logging.getLogger(__name__)


@contextmanager
def heartbeat(interval: float, job_id: str, beat: Callable[[], object]):
    """Calls ``beat()`` (which writes the job's sign of life) every ``interval`` seconds from a
    side thread while the block runs, so a step that reports no progress for minutes does not
    look like a dead runner."""
    stop = threading.Event()

    def beating():
        while not stop.wait(interval):
            try:
                beat()
            except Exception:  # SQLite busy with the job's own writes: the next beat will do
                log.warning("job %s: heartbeat not written", job_id, exc_info=True)

    beater = threading.Thread(target=beating, name=f"shebao-job-beat-{job_id[:8]}",
                              daemon=True)
    beater.start()
    try:
        yield
    finally:
        stop.set()
        beater.join(timeout=interval + 5)


@contextmanager
def memory_limit(limit_mb: int):
    """At most ``limit_mb`` more address space than the process has now (RLIMIT_AS, restored
    after; 0: no limit). Only for a process that runs this job alone (a job's child, a Celery
    worker): an allocation past it raises MemoryError in Python, and native code (calamine)
    may abort the process instead, which the runner reports by its exit code."""
    if limit_mb <= 0:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = _address_space() + (limit_mb << 20)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int:
    """This process's address space now (VmSize), in bytes."""
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) * 1024 for line in lines if line.startswith("VmSize:"))
