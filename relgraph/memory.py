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
heap and reuse each other's freed memory, fixes glibc's mmap threshold at
:data:`MMAP_THRESHOLD`: a block that large (a column of two million rows) is mapped
on its own and returned when freed, while the many smaller ones are reused from
the heap, and its trim threshold at :data:`TRIM_THRESHOLD`, so that a free does not
hand the top of a heap back only for the next column to fault it in again; and
:func:`trim_freed_memory`, called once the rules are done (not between the read
and the rules, whose look-ups reuse what the read freed), when the read's and the
rules' buffers are gone, hands the free pages of the heaps back at once (a few
milliseconds). On the 300-account portfolio a cold load then ends at about 200 MB
resident instead of 370, and a cold ``gaps`` peaks within 40 MB of the
return-at-every-free settings at a third of their system time.
"""

from __future__ import annotations

__all__ = ["ending_unfreed", "left", "return_freed_memory", "trim_freed_memory"]

MMAP_THRESHOLD = 16 << 20
"""Blocks from this size up are mapped on their own, and so returned whole when
freed; fixed, so that it does not grow (glibc raises it to the size of each large
block freed, up to 32 MB, and later blocks then stay in the heap). Each mapped
block is faulted in afresh, page by page, every time it is allocated: the frame's
and the rules' columns of a 300-account portfolio (half a million to 1.6 million
rows, 4 to 13 MB each) were mapped and unmapped over and over at 4 MB (2 MB: a
third more page faults again). At 16 MB, with :data:`TRIM_THRESHOLD`, they are
reused from the heap: a cold ``coverage`` or ``gaps`` of that portfolio faults in
108,000 pages instead of 145,000 (0.1 s less system time, of 0.33 s) for 25 MB more
peak, and of the 600-account one 200,000 instead of 290,000 (0.6 s of system time
instead of 1.15) for 50 MB more."""

TRIM_THRESHOLD = 256 << 20
"""The free memory at the top of a heap that a free hands back to the system at
once. glibc's default (128 kB, no longer raised once :data:`MMAP_THRESHOLD` is
fixed) gave each freed column's pages back, to be faulted in again by the next;
the phases' ends give them back instead (:func:`trim_freed_memory`)."""

_DONE = {"done": False}


def return_freed_memory() -> None:
    """Make pyarrow allocate from the C library's malloc, and fix glibc's mmap
    and trim thresholds at :data:`MMAP_THRESHOLD` and :data:`TRIM_THRESHOLD` (see
    the module docstring): a process
    setting, made once, before the buffers exist; each part left as it is where
    pyarrow has no such pool or the C library is not glibc."""
    if _DONE["done"]:
        return
    _DONE["done"] = True
    import pyarrow as pa

    try:
        pa.set_memory_pool(pa.system_memory_pool())
    except (NotImplementedError, pa.ArrowException):
        pass
    mallopt = getattr(_glibc(), "mallopt", None)
    if mallopt is not None:
        mallopt(-3, MMAP_THRESHOLD)  # M_MMAP_THRESHOLD
        mallopt(-1, TRIM_THRESHOLD)  # M_TRIM_THRESHOLD


def _glibc():
    """The C library, when it is glibc (None otherwise), loaded once."""
    if "libc" not in _LIBC:
        import ctypes

        try:
            _LIBC["libc"] = ctypes.CDLL("libc.so.6")
        except OSError:  # not glibc
            _LIBC["libc"] = None
    return _LIBC["libc"]


_LIBC: dict = {}


def trim_freed_memory() -> None:
    """Give the freed memory of pyarrow's pool and of glibc's heaps back to the
    system now (``malloc_trim``): for the end of a phase that freed much and keeps
    little. Nothing is changed for later allocations, so a library may call it;
    where the C library is not glibc, only pyarrow's pool is asked."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = getattr(_glibc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


_LEFT: dict[str, list | None] = {"kept": None}


def ending_unfreed() -> None:
    """Say that this process ends without freeing what it holds (``os._exit``, as
    the ``relgraph`` program ends once its output is written, and every forked
    child of it): from now on :func:`left` keeps what it is given to the end."""
    if _LEFT["kept"] is None:
        _LEFT["kept"] = []


def left(obj: object) -> None:
    """``obj`` (plain data, holding no file or lock) is no longer needed. In a
    process that ends unfreed (:func:`ending_unfreed`) it is kept, never freed:
    freeing tens of thousands of containers one by one at the end of a command's
    work, for memory the kernel takes back at once at the exit, costs time the
    answer waits for (a forked child's 18,000 plan actions, dicts of dicts and
    lists, about 10 ms before it sends their text; the 36,000 merged sort keys,
    7 ms before the plan is written). Anywhere else (a test, a notebook) nothing
    is kept: ``obj`` is freed when its holders let it go."""
    kept = _LEFT["kept"]
    if kept is not None:
        kept.append(obj)
