"""ingest.files: telling gzip from text by the file's first bytes."""

from __future__ import annotations

import gzip
from pathlib import Path

from vessel_risk.ingest import files

LINE = b"!AIVDM,1,1,,A,13u@f>mP00Pt=OjOck>8G46IP000,0*65\n"


def test_is_gzip_tells_a_gzip_file_by_its_header_not_its_name(tmp_path: Path) -> None:
    path = tmp_path / "feed.nmea"
    path.write_bytes(gzip.compress(LINE))
    assert files.is_gzip(path)
    assert files.read_bytes(path) == LINE


def test_a_text_file_that_starts_with_the_gzip_magic_bytes_is_read_as_text(
        tmp_path: Path) -> None:
    path = tmp_path / "feed.nmea.gz"
    path.write_bytes(b"\x1f\x8b" + LINE[2:])
    assert not files.is_gzip(path)
    assert files.read_bytes(path) == b"\x1f\x8b" + LINE[2:]
