from __future__ import annotations

import numpy as np

from vessel_risk.ingest.byte_columns import Lines, bytes_of, field_spans, parse_unix, substrings

CONTENT = b"  abc \r\n\n1733782034,x\n1733782034123\n1733782034.5\nnot-a-time"


def texts(lines: Lines, a: np.ndarray, b: np.ndarray) -> list[str]:
    return substrings(lines, a, b).to_pylist()


def test_lines_are_found_and_stripped_as_str_strip_does() -> None:
    lines = Lines(CONTENT)
    expected = [line.strip().decode() for line in CONTENT.split(b"\n")]
    assert texts(lines, lines.s0, lines.te) == expected


def test_field_spans_split_each_span_at_its_commas() -> None:
    lines = Lines(b"a,b,,c\nd\n")
    row, start, end = field_spans(lines.commas, lines.s0, lines.te)
    assert row.tolist() == [0, 0, 0, 0, 1]
    assert texts(lines, start, end) == ["a", "b", "", "c", "d"]


def test_parse_unix_reads_seconds_milliseconds_and_decimals_and_rejects_text() -> None:
    lines = Lines(b"1733782034\n1733782034123\n1733782034.5\n17337x2034\n")
    seconds, valid, unsure, other = parse_unix(lines, lines.s0, lines.te)
    assert valid.tolist() == [True, True, True, False]
    assert seconds[:3].tolist() == [1733782034.0, 1733782034.123, 1733782034.5]
    assert other.tolist() == [False, False, False, True] and not unsure.any()


def test_bytes_of_gives_offsets_and_bytes_of_a_string_array() -> None:
    lines = Lines(b"ab\ncde\n")
    offsets, data = bytes_of(substrings(lines, lines.s0, lines.te))
    assert offsets.tolist() == [0, 2, 5] and data.tobytes() == b"abcde"
