from __future__ import annotations

import gzip
from pathlib import Path

from vessel_risk.ingest.chunks import read_chunks

PART1 = "!AIVDM,2,1,3,B,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C"
PART2 = "!AIVDM,2,2,3,B,88888888880,2*25"
TYPE1 = "!AIVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F"


def lines_of(chunks: list) -> list[bytes]:
    return [line for chunk in chunks for line in chunk.content.splitlines()]


def test_chunks_cover_every_line_once_with_running_line_numbers(tmp_path: Path) -> None:
    lines = [f"{1733782034 + i},{TYPE1}" for i in range(500)]
    path = tmp_path / "feed.nmea.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    chunks = list(read_chunks(path, chunk_bytes=2_000, context_lines=3))
    assert len(chunks) > 10
    assert lines_of(chunks) == [line.encode() for line in lines]
    assert [c.first_line_no for c in chunks] == [
        1 + sum(c.n_lines for c in chunks[:i]) for i in range(len(chunks))]
    second = chunks[1]
    assert second.context_lines == 3
    assert second.context.splitlines() == lines_of(chunks[:1])[-3:]


def test_chunk_never_splits_a_message_or_a_pghp_time_from_its_sentence(tmp_path: Path) -> None:
    pghp = "$PGHP,1,2024,12,9,22,20,34,0,219,,,1,3C*5A"
    block = [TYPE1, PART1, PART2, pghp, TYPE1]
    path = tmp_path / "feed.nmea"
    path.write_text("\n".join(block * 200) + "\n")
    for size in (50, 90, 130, 170, 400):
        for chunk in read_chunks(path, chunk_bytes=size, context_lines=0):
            lines = chunk.content.decode().splitlines()
            assert not lines[0].startswith("!AIVDM,2,2"), size
            assert not lines[-1].startswith(("$PGHP", "!AIVDM,2,1")), size


def test_last_line_without_newline_is_read(tmp_path: Path) -> None:
    path = tmp_path / "feed.nmea"
    path.write_bytes(f"{TYPE1}\n{TYPE1}".encode())
    (chunk,) = read_chunks(path, chunk_bytes=10**6, context_lines=3)
    assert chunk.n_lines == 2 and chunk.content.endswith(b"\n")
