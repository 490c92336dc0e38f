"""The C library's allocator, tuned for processes that work on whole days of rows.

A 10-million-sentence day is columns of 9 million values (72 MB each), and pandas and numpy make
and free hundreds of such temporaries per stage. By default glibc's malloc maps every block over
32 MB fresh from the kernel and unmaps it when it is freed, so each temporary is faulted in and
zeroed again: screening a 10M day spent 25 s of its 45 s of CPU in the kernel doing that
(``benchmarks/bench_day.py``). :func:`reuse_freed_memory` makes every block come from the heap and
keeps freed blocks there for the next one; :func:`release_freed_memory` gives what is free back
to the system once a stage has let go of a large set of small blocks.

Process-wide settings, made once per process; nothing happens where the C library is not glibc
(no ``mallopt``/``malloc_trim``). The values that the process holds do not change.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_MAX = -1, -2, -4
# Never map a block of its own: every block comes from the heap, where freed ones are reused.
_MMAP_MAX = 0
# Free memory kept at the top of the heap before it is returned: the next stage's columns.
TRIM_THRESHOLD_BYTES = 2**30
# Grown by at least this much at a time, so that a day's columns do not grow the heap 72 MB apiece.
TOP_PAD_BYTES = 64 * 2**20


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c"))


@functools.cache
def reuse_freed_memory() -> None:
    """Keep freed memory in the process's heap for its next allocations (once per process).

    The process's peak resident memory stays that of its peak live data (plus the heap's
    fragmentation); between peaks it holds up to ``TRIM_THRESHOLD_BYTES`` more. Arrow allocates
    from the same heap (its system pool): a day read from the store is Arrow's memory handed to
    pandas, and with Arrow's own allocator (mimalloc) what it frees stays apart from the heap
    numpy reuses, 0.6 GB held beside it through the screening of a 10M-sentence day.
    """
    libc = _libc()
    if hasattr(libc, "mallopt"):
        import pyarrow

        libc.mallopt(_M_MMAP_MAX, _MMAP_MAX)
        libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
        libc.mallopt(_M_TOP_PAD, TOP_PAD_BYTES)
        pyarrow.set_memory_pool(pyarrow.system_memory_pool())


def release_freed_memory() -> None:
    """Give the memory the process has freed back to the system, wherever in the heap it lies
    (``malloc_trim``), and what Arrow's own allocator keeps of the buffers it freed.

    Only memory no object holds is given back: a day-sized column held by a reference cycle (a
    Series and its ``.dt`` accessor hold each other) stays until Python's collector runs, which
    it does by object counts, not bytes; day-sized code avoids such cycles (``common.days``).
    """
    import pyarrow

    pyarrow.default_memory_pool().release_unused()
    libc = _libc()
    if hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)
