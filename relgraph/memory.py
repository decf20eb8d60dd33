"""Memory held back by allocators: a load's peak is set by freed memory the
process keeps, not by what it uses.

Reading a portfolio allocates and frees several hundred megabytes of short-lived
buffers (the files' text, untyped cells, trimmed copies) in two threads. Two
allocators keep such memory for reuse instead of returning it: pyarrow's default,
mimalloc, and glibc's malloc once its mmap threshold has grown (it rises to the
size of each large block freed, up to 32 MB, and later blocks then come from the
heap, which is not returned). :func:`return_freed_memory` makes both give it back,
which takes a fifth off the peak resident memory of a portfolio command on files
(about 500 to 400 MB on the 300-account portfolio), at no cost in time.
"""

from __future__ import annotations

__all__ = ["return_freed_memory"]

MMAP_THRESHOLD = 256 * 1024
"""Blocks from this size up are mapped on their own (glibc's default start value),
and so returned whole when freed; fixed, so that it does not grow."""

_DONE = {"done": False}


def return_freed_memory() -> None:
    """Make this process return freed memory at once (see the module docstring):
    pyarrow allocates from jemalloc, set to return freed pages at once, and glibc's
    mmap threshold stays at :data:`MMAP_THRESHOLD`. Where either is not available
    (pyarrow built without jemalloc, a C library other than glibc), that part is
    left as it is. Done once per process, before the buffers to be freed exist."""
    if _DONE["done"]:
        return
    _DONE["done"] = True
    import pyarrow as pa

    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(0)
    except (NotImplementedError, pa.ArrowException):
        pass
    else:
        pa.set_memory_pool(pool)
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, MMAP_THRESHOLD)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass
