"""One 64-bit key per AIS payload, computed column-wise, to find copies of one message.

The same message heard by several receivers has the same payload. Both ingest paths (the array
path for position reports, pyais for the rest) compute this key with the same function over the
payload's bytes, so copies are found whichever path decoded them: FNV-1a over the payload bytes
taken eight at a time (with the length, and a shift after each multiply to mix a whole word).
The fill count is left out: receivers disagree on it for the same bits (the gpsd sample has one
such pair). Payloads of one length are hashed together, one 64-bit column at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)

Keys = npt.NDArray[np.uint64]


def span_keys(
    data: npt.NDArray[np.uint8],
    starts: npt.NDArray[np.int64],
    lengths: npt.NDArray[np.int64],
) -> Keys:
    """The key of each payload ``data[starts[i]:starts[i] + lengths[i]]``."""
    keys = np.full(len(starts), _FNV_OFFSET, dtype=np.uint64)
    with np.errstate(over="ignore"):  # FNV multiplies modulo 2**64
        for length in np.unique(lengths).tolist():
            rows = np.flatnonzero(lengths == length)
            width = -(-length // 8) * 8  # the bytes, zero-padded to whole 64-bit words
            grid = np.zeros((len(rows), width), dtype=np.uint8)
            grid[:, :length] = data[starts[rows, None] + np.arange(length)]
            h = keys[rows] ^ np.uint64(length)
            for word in grid.view(np.uint64).T:
                h ^= word
                h *= _FNV_PRIME
                h ^= h >> np.uint64(29)  # FNV mixes a byte per step: spread a word's bits too
            keys[rows] = h
    return keys


def payload_keys(payloads: Sequence[str]) -> Keys:
    """The key of each payload string (Latin-1)."""
    lengths = np.fromiter(map(len, payloads), dtype=np.int64, count=len(payloads))
    data = np.frombuffer("".join(payloads).encode("latin-1"), dtype=np.uint8)
    starts = np.cumsum(lengths) - lengths
    return span_keys(data, starts, lengths)
