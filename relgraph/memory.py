"""Memory held back by allocators: a load's peak is set by freed memory the
process keeps, not only by what it uses.

Reading a portfolio allocates and frees a few hundred megabytes of short-lived
buffers (the files' text, untyped cells, trimmed copies) in two threads, then
builds the analysis frame (numpy, Python objects) beside the typed tables. Two
allocators kept such memory apart: pyarrow's default, mimalloc, keeps the pages
arrow freed, which numpy and Python (glibc's malloc) cannot reuse; and glibc keeps
the freed top of its heaps. Returning memory at every free (jemalloc with no decay,
a fixed mmap threshold) lowers the peak but faults every page in again: on the
300-account portfolio it doubled the system time (0.6 to 1.2 s).

Instead, :func:`return_freed_memory` (a process setting, made by the command) has
pyarrow allocate from glibc's malloc, so that arrow, numpy and Python share one
heap and reuse each other's freed memory; and :func:`trim_freed_memory`, called
once after the load, when the read's buffers are gone, hands the free pages of
that heap back at once (a few milliseconds). A cold ``coverage`` on the
300-account portfolio ends its load at about 200 MB resident instead of 370, and
its peak stays at what the frame and the figures need.
"""

from __future__ import annotations

__all__ = ["return_freed_memory", "trim_freed_memory"]

_DONE = {"done": False}


def return_freed_memory() -> None:
    """Make pyarrow allocate from the C library's malloc (see the module
    docstring): a process setting, made once, before the buffers exist; left as it
    is where pyarrow has no such pool."""
    if _DONE["done"]:
        return
    _DONE["done"] = True
    import pyarrow as pa

    try:
        pa.set_memory_pool(pa.system_memory_pool())
    except (NotImplementedError, pa.ArrowException):
        pass


def _libc():
    import ctypes

    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc
        return None


def trim_freed_memory() -> None:
    """Give the freed memory of pyarrow's pool and of glibc's heaps back to the
    system now (``malloc_trim``): for the end of a phase that freed much and keeps
    little. Nothing is changed for later allocations, so a library may call it;
    where the C library is not glibc, only pyarrow's pool is asked."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    libc = _LIBC.get("libc", False)
    if libc is False:
        libc = _LIBC["libc"] = _libc()
    trim = getattr(libc, "malloc_trim", None) if libc is not None else None
    if trim is not None:
        trim(0)


_LIBC: dict = {}
