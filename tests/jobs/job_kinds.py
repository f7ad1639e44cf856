"""Job kinds for the job tests only: imported by the test modules and, through JOB_MODULES, by
the Celery worker the Celery test starts (so no test code lives in app modules)."""
import os
import threading
import time

from sqlalchemy import func, select

from app.extensions import db
from app.jobs import job
from models.audit import AuditLog
from models.unit import Unit

# In-process tests hold a job half-way at a gate (by name) to look at its progress.
GATES: dict[str, threading.Event] = {}
GATE_TIMEOUT = 30  # never hang: an unopened gate fails the job


@job("test.count", title="测试任务")
def count(ctx, n: int, delay: float = 0.0, gate: str | None = None):
    ctx.progress(0, n, "开始")
    lines = ["序号,平方"]
    for i in range(1, n + 1):
        if gate and i == n // 2 + 1:
            ctx.progress(i - 1, n, "等待放行", force=True)
            if not GATES[gate].wait(GATE_TIMEOUT):
                raise TimeoutError("测试闸门未放行")
        time.sleep(delay)
        lines.append(f"{i},{i * i}")
        ctx.progress(i, n, f"第{i}条")
    ctx.save_result(("\n".join(lines) + "\n").encode("utf-8"), "平方表.csv")
    ctx.result = {"count": n, "units": db.session.scalar(select(func.count(Unit.id))),
                  "pid": os.getpid()}


@job("test.fail")
def fail(ctx, marker: str, at: int = 3):
    ctx.progress(at - 1, 10, f"第{at - 1}行")
    db.session.add(AuditLog(action="test.job", target_id=marker))
    db.session.flush()
    raise ValueError(f"第{at}行身份证号码错误")


@job("test.write")
def write(ctx, marker: str, n: int = 30, batch: int = 10):
    """Commits each batch, then reports progress; leaves the last row for run_job to commit."""
    for start in range(0, n, batch):
        stop = min(start + batch, n)
        db.session.add_all(AuditLog(action="test.job", target_id=marker, detail={"i": i})
                           for i in range(start, stop))
        db.session.commit()
        ctx.progress(stop, n + 1)
    db.session.add(AuditLog(action="test.job", target_id=marker, detail={"i": n}))
    return {"written": n + 1}


@job("test.isolated", title="测试独立进程任务", isolated=True)
def isolated(ctx, n: int):
    ctx.progress(n, n, "完成")
    ctx.save_result(b"ok\n", "isolated.txt")
    ctx.result = {"pid": os.getpid(), "units": db.session.scalar(select(func.count(Unit.id)))}


@job("test.crash", isolated=True)
def crash(ctx):
    ctx.progress(1, 2, "即将退出", force=True)
    os._exit(3)  # what a process killed for its memory looks like to the runner


@job("test.silent", title="测试长步骤任务")
def silent(ctx, gate: str, marker: str | None = None):
    """One long step that reports no progress: only the heartbeat says its runner lives."""
    ctx.progress(0, 1, "长步骤", force=True)
    if not GATES[gate].wait(GATE_TIMEOUT):
        raise TimeoutError("测试闸门未放行")
    if marker:
        db.session.add(AuditLog(action="test.job", target_id=marker))
    return {"ok": True}


@job("test.hog", isolated=True, memory_limited=True)
def hog(ctx, mb: int):
    """Asks for ``mb`` MB at once, as a hostile file would make a reader do."""
    ctx.progress(0, 1, "分配内存", force=True)
    return {"size": len(bytearray(mb << 20))}


@job("test.killed", isolated=True, memory_limited=True)
def killed(ctx):
    """Dies as a process does when native code aborts on memory or the OOM killer strikes."""
    import signal

    ctx.progress(0, 1, "即将被终止", force=True)
    os.kill(os.getpid(), signal.SIGKILL)
