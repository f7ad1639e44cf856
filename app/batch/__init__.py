"""Batch declarations (报盘): reading uploaded templates. ``reader`` is pure Python (no Flask),
so web requests and background jobs call the same ``stream_batch`` / ``read_batch``."""
from app.batch.reader import Batch, BatchFileError, Row, read_batch, stream_batch

__all__ = ["Batch", "BatchFileError", "Row", "read_batch", "stream_batch"]
