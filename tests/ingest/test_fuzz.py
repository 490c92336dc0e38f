"""Fuzzing ingest with mutated real captures: no exception escapes and the accounts always balance.

Each example takes a run of real lines (Kystverket tag blocks with untagged lines and two-part
messages, AMSA's "*00" tag blocks, DMA's $PGHP time lines, USCG time columns, GFW tag-block
groups) and damages it the ways feeds and attackers do: flipped, dropped and inserted bytes,
flipped digits in tag-block times, cut lines, binary junk, CR/BOM, lines swapped, repeated,
dropped or joined, fragments renumbered. Ingest (the fast path, in chunks that carry state) and
the reference framer and reassembler must take all of it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import shared_file
from vessel_risk.common import columns as c
from vessel_risk.ingest.ais import IngestParams, ingest_ais
from vessel_risk.ingest.fast_framing import frame_block, to_items
from vessel_risk.ingest.fragments import assemble
from vessel_risk.ingest.framing import FramingParams, frame_lines

pytestmark = pytest.mark.slow  # 200 ingests: ~40 s of CPU

EXAMPLES = 200


def capture_runs() -> list[list[bytes]]:
    """Runs of consecutive real lines, each a few dozen lines from one capture."""
    runs = []
    for name, starts in [("kystverket_2024-12-09_tagblock.nmea", (0, 60, 110, 190)),
                         ("amsa_2014-12-31_tagblock.nmea", (0, 40)),
                         ("dma_2010-06-11_pghp_timestamped.nmea", (0, 500)),
                         ("libais_test_uscg_timestamped.aivdm", (0, 60)),
                         ("gfw_ais_tools_multi-part.nmea", (0,)),
                         ("gfw_ais_tools_bad-tagblock-group.nmea", (0,)),
                         ("gfw_ais_tools_ee-multiline.nmea", (0,))]:
        lines = shared_file("ais", "nmea", name).read_bytes().split(b"\n")
        runs.extend(lines[start : start + 30] for start in starts)
    return runs


def mutate(lines: list[bytes], ops: list[tuple[int, int, int, bytes]]) -> list[bytes]:
    lines = list(lines)
    for kind, i, j, junk in ops:
        if not lines:
            lines = [junk]
            continue
        k = i % len(lines)
        line = lines[k]
        at = j % (len(line) + 1)
        if kind == 0 and line:  # flip one bit of one byte
            at %= len(line)
            lines[k] = line[:at] + bytes([line[at] ^ (1 << (j % 7))]) + line[at + 1 :]
        elif kind == 1:  # cut the line
            lines[k] = line[:at]
        elif kind == 2:  # insert junk bytes
            lines[k] = line[:at] + junk + line[at:]
        elif kind == 3:  # drop a byte
            lines[k] = line[:at] + line[at + 1 :]
        elif kind == 4:  # swap with the next line (fragments out of order, interleaved)
            lines[k : k + 2] = lines[k : k + 2][::-1]
        elif kind == 5:  # repeat (a second receiver, a replayed fragment)
            lines.insert(k, line)
        elif kind == 6:  # drop (a lost fragment)
            del lines[k]
        elif kind == 7 and k + 1 < len(lines):  # join two lines
            lines[k : k + 2] = [line + lines[k + 1]]
        elif kind == 8:  # change one digit of a tag-block time, keeping the checksum
            digits = [m for m in range(len(line)) if line[m : m + 1].isdigit()]
            if b"c:" in line and digits:
                m = digits[j % len(digits)]
                lines[k] = line[:m] + str((int(line[m : m + 1]) + 1) % 10).encode() + line[m + 1 :]
        elif kind == 9:  # renumber a fragment: x,y,seq -> other numbers
            lines[k] = line.replace(b",2,1,", b",2,2,", 1) if j % 2 else line.replace(
                b",2,2,", b",3,2,", 1)
        elif kind == 10:  # CR, BOM, blanks
            lines[k] = (b"\xef\xbb\xbf" if j % 2 else b" \t") + line + b"\r"
        elif kind == 11:  # a line of binary junk
            lines.insert(k, junk * 7)
    return lines


operations = st.lists(st.tuples(st.integers(0, 11), st.integers(0, 10**6), st.integers(0, 10**6),
                                st.binary(min_size=1, max_size=4)), max_size=12)


def check(content: bytes, chunk_bytes: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feed.nmea"
        path.write_bytes(content)
        params = IngestParams(framing=FramingParams(inherit_time_lines=3), chunk_bytes=chunk_bytes,
                              workers=1)
        result = ingest_ais([path], params)
    summary = result.summary
    assert summary.balanced, summary.as_dict()
    assert sum(summary.quarantined.values()) == len(result.quarantine)
    assert result.quarantine[c.REASON].str.len().gt(0).all()
    lat, lon = result.positions[c.LAT].to_numpy(), result.positions[c.LON].to_numpy()
    assert not (np.abs(lat) > 90).any() and not (np.abs(lon) > 180).any()
    assert (result.positions[c.LINE_NO] <= summary.lines_read).all()
    # the reference framer and reassembler take the same lines, and the fast framer agrees
    lines = content.decode("latin-1").split("\n")
    lines = lines[:-1] if lines and lines[-1] == "" else lines
    reference = list(frame_lines(lines))
    list(assemble(reference))
    assert to_items(frame_block(content), content) == reference


def test_ingest_takes_mutated_real_captures_and_its_accounts_always_balance() -> None:
    runs = capture_runs()
    tried: list[int] = []

    @settings(max_examples=EXAMPLES, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.integers(0, len(runs) - 1), operations, st.sampled_from([1500, 10**6]))
    def property_holds(run: int, ops: list[tuple[int, int, int, bytes]], chunk_bytes: int) -> None:
        tried.append(1)
        check(b"\n".join(mutate(runs[run], ops)) + b"\n", chunk_bytes)

    property_holds()
    print(f"fuzz: {len(tried)} mutated captures ingested")  # reported with pytest -s
    assert len(tried) >= EXAMPLES // 2
