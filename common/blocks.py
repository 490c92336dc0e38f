"""Element-wise work on day-sized arrays, a block of elements at a time.

A numpy expression over 9 million values makes a 72 MB temporary per step: a haversine distance
is six of them. Each is fresh memory, which a virtual machine whose host takes freed memory back
faults in page by page (``benchmarks/bench_day.py`` prints what 1 GB costs; up to 3 s). Worked
a block at a time, the temporaries are a few MB, reused block after block and warm in cache;
the result is the same values, element for element.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

# Elements per block: 2 MB per float64 temporary.
BLOCK_ELEMENTS = 2**18


def in_blocks(function: Callable[..., np.ndarray], *arrays: npt.ArrayLike,
              dtype: npt.DTypeLike, block: int = BLOCK_ELEMENTS) -> np.ndarray:
    """``function(*arrays)`` for an element-wise ``function`` (its result for an element depends
    on that element of each array only), whose result has ``dtype``. Arrays broadcast as numpy's
    do; inputs no larger than ``block`` elements go to ``function`` whole (scalars give what it
    gives for them)."""
    values = np.broadcast_arrays(*(np.asarray(a) for a in arrays))
    shape = values[0].shape
    if values[0].size <= block:
        return function(*values)
    flat = [v.reshape(-1) for v in values]  # a view for 1-D inputs (a copy for a broadcast grid)
    out = np.empty(values[0].size, dtype=dtype)
    for start in range(0, len(out), block):
        part = slice(start, start + block)
        out[part] = function(*(f[part] for f in flat))
    return out.reshape(shape)
