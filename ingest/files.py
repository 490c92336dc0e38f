"""Find AIS input files and tell their format apart."""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Sequence
from pathlib import Path

from vessel_risk.errors import InputError

NMEA = "nmea"
DMA_CSV = "dma_csv"
MARINECADASTRE_CSV = "marinecadastre_csv"
FORMATS = (NMEA, DMA_CSV, MARINECADASTRE_CSV)

_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 4096


def discover(paths: Iterable[Path]) -> list[Path]:
    """Expand files and folders (recursively) into a sorted, de-duplicated list of files.

    Hidden files (starting with '.') inside folders are skipped. A path that does not exist is an
    :class:`InputError`.
    """
    found: set[Path] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.update(
                p for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            found.add(path)
        else:
            raise InputError(f"AIS input not found: {path}")
    return sorted(found)


def read_bytes(path: Path) -> bytes:
    """The file's content, decompressed when it is gzip."""
    try:
        with path.open("rb") as handle:
            head = handle.read(2)
        if head == _GZIP_MAGIC:
            with gzip.open(path, "rb") as handle:
                return handle.read()
        return path.read_bytes()
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc


def read_head(path: Path, size: int = _SNIFF_BYTES) -> bytes:
    """The first ``size`` bytes of the file's content (decompressed when gzip)."""
    try:
        with path.open("rb") as handle:
            magic = handle.read(2)
        opener = gzip.open if magic == _GZIP_MAGIC else open
        with opener(path, "rb") as handle:
            return bytes(handle.read(size))
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc


def sniff_format(head: bytes) -> str:
    """Tell NMEA from the CSV exports by the first non-empty line (their header)."""
    first = next((line for line in head[:_SNIFF_BYTES].splitlines() if line.strip()), b"")
    text = first.decode("latin-1").strip().lstrip("\ufeff").lower()
    if text.startswith("# timestamp") or text.startswith("timestamp,type of mobile"):
        return DMA_CSV
    if text.startswith("mmsi,basedatetime") or "basedatetime" in text.split(",")[:3]:
        return MARINECADASTRE_CSV
    return NMEA


def split_lines(content: bytes) -> Sequence[str]:
    """Lines of a file as text; bytes are read as Latin-1 so binary garbage never fails to decode."""
    return content.decode("latin-1").split("\n")
