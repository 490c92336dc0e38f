"""The allocator settings of a process that works on whole days of rows."""

from __future__ import annotations

from vessel_risk.common.allocator import reuse_freed_memory


def test_reuse_freed_memory_puts_arrow_s_buffers_on_the_same_heap_as_numpy_s() -> None:
    import ctypes.util

    import pyarrow

    reuse_freed_memory()
    if hasattr(ctypes.CDLL(ctypes.util.find_library("c")), "mallopt"):  # glibc
        assert pyarrow.default_memory_pool().backend_name == "system"
