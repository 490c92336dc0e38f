"""When a vessel was heard and when it was silent over the window (from its fixes' times)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

Spans = tuple[tuple[pd.Timestamp, pd.Timestamp], ...]

_US_PER_H = 3_600_000_000


def heard_spans(times: pd.Series, silent_after_h: float) -> Spans:
    """Runs of fixes with no silence longer than ``silent_after_h`` between two of them.

    ``times`` are one vessel's fix times (UTC), in order. A lone fix is a span of no length.
    """
    if times.empty:
        return ()
    t = _us(times)
    breaks = np.flatnonzero(np.diff(t) > silent_after_h * _US_PER_H)
    first = np.r_[0, breaks + 1]
    last = np.r_[breaks, len(t) - 1]
    return tuple((_ts(t[a]), _ts(t[b])) for a, b in zip(first, last))


def silent_spans(heard: Spans, start: pd.Timestamp, end: pd.Timestamp,
                 silent_after_h: float) -> Spans:
    """The silences of at least ``silent_after_h`` in ``[start, end)`` between the heard spans,
    including before the first fix and after the last one."""
    edges = [start] + [t for span in heard for t in span] + [end]
    out = []
    for before, after in zip(edges[0::2], edges[1::2]):
        if (after - before).total_seconds() / 3600.0 >= silent_after_h:
            out.append((before, after))
    return tuple(out)


def duration_h(span: tuple[pd.Timestamp, pd.Timestamp]) -> float:
    return (span[1] - span[0]).total_seconds() / 3600.0


def _us(times: pd.Series) -> npt.NDArray[np.int64]:
    return times.dt.tz_convert("UTC").astype("datetime64[us, UTC]").to_numpy(
        dtype="datetime64[us]").astype("int64")


def _ts(us: np.int64) -> pd.Timestamp:
    return pd.Timestamp(int(us), unit="us", tz="UTC")
