"""The allocator helpers: what a stage has let go of goes back to the system."""

from __future__ import annotations

import gc
import weakref

import numpy as np

from vessel_risk.common.allocator import release_freed_memory, reuse_freed_memory


class Holder:
    """An object that refers to itself, as a pandas Series and its ``.dt`` accessor do."""

    def __init__(self) -> None:
        self.me = self
        self.values = np.zeros(1000)


def test_release_freed_memory_frees_columns_held_only_by_reference_cycles() -> None:
    gc.disable()  # as between two automatic collections
    try:
        held = Holder()
        gone = weakref.ref(held)
        del held
        assert gone() is not None  # the cycle keeps it until someone collects
        release_freed_memory()
        assert gone() is None
    finally:
        gc.enable()


def test_reuse_freed_memory_puts_arrow_s_buffers_on_the_same_heap_as_numpy_s() -> None:
    import ctypes.util

    import pyarrow

    reuse_freed_memory()
    if hasattr(ctypes.CDLL(ctypes.util.find_library("c")), "mallopt"):  # glibc
        assert pyarrow.default_memory_pool().backend_name == "system"
