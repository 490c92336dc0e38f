"""Tests for ingest.fast_positions: bit-for-bit agreement with pyais, and bad payloads left alone.

pyais is the oracle: every value the vectorised decoder returns must have the same IEEE-754 bits as
``pyais.decode(sentence).asdict()`` (raw values with ``map_not_available=False``; NaN in place of
the "not available" sentinels otherwise).
"""

from __future__ import annotations

import gzip
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyais
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyais.encode import encode_dict
from pyais.exceptions import AISBaseException

from vessel_risk.common import columns as c
from vessel_risk.ingest import fast_positions as fp
from vessel_risk.ingest.fast_positions import PositionArrays, decode_position_payloads

NMEA_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "ais" / "nmea"

# pyais asdict() key -> our field name
PYAIS_KEYS = {
    "msg_type": c.MSG_TYPE,
    "repeat": fp.REPEAT,
    "mmsi": c.MMSI,
    "status": c.NAV_STATUS,
    "turn": fp.ROT_DEG_PER_MIN,
    "speed": c.SOG_KNOTS,
    "accuracy": fp.ACCURACY,
    "lon": c.LON,
    "lat": c.LAT,
    "course": c.COG_DEG,
    "heading": c.HEADING_DEG,
    "second": fp.UTC_SECOND,
    "maneuver": fp.MANEUVER,
    "raim": fp.RAIM,
}
# our field -> "not available" value as pyais returns it (written out here, not taken from fp)
SENTINELS = {
    c.LAT: 91.0,
    c.LON: 181.0,
    c.SOG_KNOTS: 102.3,
    c.COG_DEG: 360.0,
    c.HEADING_DEG: 511.0,
    c.NAV_STATUS: 15.0,
    fp.ROT_DEG_PER_MIN: -128.0,
}
ARMOUR = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw"
VDM = re.compile(r"![A-Z]{2}VD[MO],[^\s\\]*\*[0-9A-Fa-f]{2}")


# --- builders ------------------------------------------------------------------------------------


def report(msg_type: int = 1, **fields: Any) -> dict[str, Any]:
    """A position report as pyais' encoder takes it; by default a ship under way in the Channel."""
    base: dict[str, Any] = {
        "type": msg_type, "msg_type": msg_type, "mmsi": 227006760, "status": 0, "turn": 0,
        "speed": 12.3, "accuracy": True, "lon": 1.5, "lat": 50.25, "course": 45.6, "heading": 44,
        "second": 30, "maneuver": 0, "raim": False, "radio": 0,
    }
    return base | fields


def sentence(payload: str, fill: int = 0) -> str:
    """A single-fragment sentence around a payload (pyais does not insist on the checksum)."""
    return f"!AIVDM,1,1,,A,{payload},{fill}*00"


def encoded(fields: dict[str, Any]) -> tuple[str, int]:
    """Payload and fill bits of a report encoded by pyais."""
    parts = encode_dict(fields)[0].split(",")
    return parts[5], int(parts[6][0])


def with_bits(payload: str, start: int, width: int, value: int) -> str:
    """The payload with bits [start, start + width) set to value (two's complement if negative)."""
    bits = "".join(f"{ARMOUR.index(ch):06b}" for ch in payload)
    bits = bits[:start] + f"{value & ((1 << width) - 1):0{width}b}" + bits[start + width :]
    return "".join(ARMOUR[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))


# --- comparison helpers --------------------------------------------------------------------------


def pyais_columns(dicts: list[dict[str, Any]], mapped: bool) -> dict[str, np.ndarray]:
    """pyais' values as float64 columns (NaN for a field the message type lacks)."""
    columns = {}
    for key, name in PYAIS_KEYS.items():
        values = np.array([float(d.get(key, math.nan)) for d in dicts], dtype=np.float64)
        if mapped and name in SENTINELS:
            values[values == SENTINELS[name]] = np.nan
        columns[name] = values
    return columns


def assert_same_bits(
    ours: PositionArrays, rows: np.ndarray, expected: dict[str, np.ndarray]
) -> None:
    """Every field of ``rows`` has exactly the bits of the expected float64 value (NaN = NaN)."""
    for name, want in expected.items():
        got = np.asarray(ours.fields[name][rows], dtype=np.float64)
        same = (got.view(np.uint64) == want.view(np.uint64)) | (np.isnan(got) & np.isnan(want))
        bad = np.flatnonzero(~same)
        assert bad.size == 0, f"{name}: row {rows[bad[0]]}: {got[bad[0]]!r}, pyais {want[bad[0]]!r}"


def assert_agrees_with_pyais(payloads: list[str], fills: list[int]) -> PositionArrays:
    """Decode with both and compare every ok row, raw and mapped; returns the raw decode."""
    raw = decode_position_payloads(payloads, np.array(fills), map_not_available=False)
    mapped = decode_position_payloads(payloads, np.array(fills))
    np.testing.assert_array_equal(raw.ok, mapped.ok)
    rows = np.flatnonzero(raw.ok)
    dicts = [pyais.decode(sentence(payloads[i], fills[i])).asdict() for i in rows]
    assert_same_bits(raw, rows, pyais_columns(dicts, mapped=False))
    assert_same_bits(mapped, rows, pyais_columns(dicts, mapped=True))
    return raw


# --- agreement with pyais ------------------------------------------------------------------------

mmsis = st.integers(0, (1 << 30) - 1)
lon_raw = st.one_of(
    st.sampled_from([181, 180, -180, 0]).map(lambda d: d * 600_000),
    st.sampled_from([-(1 << 27), (1 << 27) - 1, -1, 1]),
    st.integers(-(1 << 27), (1 << 27) - 1),
)
lat_raw = st.one_of(
    st.sampled_from([91, 90, -90, 0]).map(lambda d: d * 600_000),
    st.sampled_from([-(1 << 26), (1 << 26) - 1, -1, 1]),
    st.integers(-(1 << 26), (1 << 26) - 1),
)


def _turn_for(raw: int) -> float:
    """A rate of turn that pyais' encoder writes as (about) this raw value."""
    return float(raw) if abs(raw) >= 127 else math.copysign((raw / 4.733) ** 2, raw)


reports = st.builds(
    report,
    msg_type=st.sampled_from([1, 2, 3, 18]),
    repeat=st.integers(0, 3),
    mmsi=mmsis,
    status=st.integers(0, 15),
    turn=st.integers(-128, 127).map(_turn_for),
    speed=st.one_of(st.just(1023), st.integers(0, 1023)).map(lambda v: v / 10),
    accuracy=st.booleans(),
    lon=lon_raw.map(lambda v: v / 600_000),
    lat=lat_raw.map(lambda v: v / 600_000),
    course=st.one_of(st.just(3600), st.integers(0, 4095)).map(lambda v: v / 10),
    heading=st.one_of(st.integers(0, 359), st.just(511), st.integers(0, 511)),
    second=st.integers(0, 63),
    maneuver=st.integers(0, 3),
    raim=st.booleans(),
    radio=st.integers(0, (1 << 19) - 1),
    cs=st.booleans(),
    dsc=st.booleans(),
)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.lists(reports, min_size=1, max_size=12))
def test_decode_agrees_with_pyais_on_encoded_reports(batch: list[dict[str, Any]]) -> None:
    payloads, fills = zip(*(encoded(r) for r in batch), strict=True)
    decoded = assert_agrees_with_pyais(list(payloads), list(fills))
    assert decoded.ok.all()
    np.testing.assert_array_equal(decoded.fields[c.MSG_TYPE], [r["type"] for r in batch])


@settings(max_examples=100, deadline=None, derandomize=True)
@given(reports, st.integers(-4, 12), st.integers(0, 5), st.randoms(use_true_random=False))
def test_decode_agrees_with_pyais_on_longer_and_shorter_payloads(
    fields: dict[str, Any], extra_chars: int, fill: int, rng: Any
) -> None:
    payload, _ = encoded(fields)
    if extra_chars >= 0:
        payload += "".join(rng.choice(ARMOUR) for _ in range(extra_chars))
    else:
        payload = payload[:extra_chars]
    decoded = assert_agrees_with_pyais([payload], [fill])
    min_bits = fp.CLASS_B_MIN_BITS if fields["type"] == 18 else fp.CLASS_A_MIN_BITS
    assert decoded.ok[0] == (6 * len(payload) - fill >= min_bits)


def test_decode_keeps_reports_that_lost_only_radio_bits() -> None:
    payload = "13aIkM@P00PJ@qPNL=e@0?wJ28JO"  # real AISHub type 1 sent with 5 fill bits: 163 bits
    decoded = assert_agrees_with_pyais([payload], [5])
    assert decoded.ok[0]
    assert decoded.fields[c.MMSI][0] == 244740981


def test_decode_rate_of_turn_matches_pyais_for_every_raw_value() -> None:
    base, _ = encoded(report())
    payloads = [with_bits(base, 42, 8, raw) for raw in range(-128, 128)]
    decoded = assert_agrees_with_pyais(payloads, [0] * len(payloads))
    assert decoded.ok.all()
    assert math.copysign(1.0, decoded.fields[fp.ROT_DEG_PER_MIN][127]) == -1.0  # raw -1 -> -0.0


def test_decode_lat_lon_extremes_match_pyais() -> None:
    base, _ = encoded(report())
    lats = [-(1 << 26), (1 << 26) - 1, -1, 1, 54_600_000, -54_000_000, 3, -3, 5, -5]
    lons = [-(1 << 27), (1 << 27) - 1, 1, -1, 108_600_000, -108_000_000, 7, -7, 2, -2]
    payloads = [
        with_bits(with_bits(base, 89, 27, lat), 61, 28, lon)
        for lat, lon in zip(lats, lons, strict=True)
    ]
    decoded = assert_agrees_with_pyais(payloads, [0] * len(payloads))
    assert decoded.ok.all()


# --- real captures -------------------------------------------------------------------------------


def _capture_sentences() -> Iterator[str]:
    """Every single-fragment !xxVDM/!xxVDO sentence of the real captures, tag blocks and
    timestamp columns stripped."""
    for path in sorted(NMEA_DIR.iterdir()):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="ascii", errors="replace") as lines:
            for line in lines:
                found = VDM.search(line)
                if found and found.group(0).split(",")[1:3] == ["1", "1"]:
                    yield found.group(0)


@pytest.mark.slow
@pytest.mark.skipif(not NMEA_DIR.is_dir(), reason=f"real AIS captures not found at {NMEA_DIR}")
def test_decode_agrees_with_pyais_on_every_position_report_in_real_captures() -> None:
    sentences = list(_capture_sentences())
    parts = [s.split(",") for s in sentences]
    payloads = [p[5] for p in parts]
    fills = [int(p[6][0]) if p[6][:1].isdigit() else -1 for p in parts]
    raw = decode_position_payloads(payloads, np.array(fills), map_not_available=False)
    mapped = decode_position_payloads(payloads, np.array(fills))
    np.testing.assert_array_equal(raw.ok, mapped.ok)

    candidates = [i for i, p in enumerate(payloads) if p[:1] in ("0", "1", "2", "3", "B")]
    assert not raw.ok[np.setdiff1d(np.arange(len(payloads)), candidates)].any()
    rows, dicts = [], []
    for i in candidates:
        try:
            decoded = pyais.decode(sentences[i]).asdict()
        except AISBaseException:  # pyais refuses it: then we must not claim it either
            assert not raw.ok[i], sentences[i]
            continue
        full_length = 6 * len(payloads[i]) - fills[i] >= fp.POSITION_REPORT_BITS
        clean = re.fullmatch(r"[0-W`-w]+", payloads[i]) is not None
        if decoded["msg_type"] in (1, 2, 3, 18) and full_length and clean:
            assert raw.ok[i], sentences[i]
        if raw.ok[i]:
            rows.append(i)
            dicts.append(decoded)
    rows_array = np.array(rows, dtype=np.int64)
    assert_same_bits(raw, rows_array, pyais_columns(dicts, mapped=False))
    assert_same_bits(mapped, rows_array, pyais_columns(dicts, mapped=True))
    assert len(rows) > 70_000  # ~77.7k position reports in the captures: none silently dropped


# --- what is not ok ------------------------------------------------------------------------------


def test_decode_marks_bad_payloads_not_ok_without_raising() -> None:
    good, _ = encoded(report())
    type5 = "55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8"
    cases = {
        "too short for lat/lon": good[:14],
        "too short for raim": good[:24],
        "invalid armour X": good[:10] + "X" + good[11:],
        "invalid armour ^": good[:27] + "^",
        "invalid armour x": good[:20] + "x" + good[21:],
        "space": good[:5] + " " + good[6:],
        "non-ASCII": good[:8] + "é" + good[9:],
        "type 5": type5,
        "type 4": "403OviQuMGCqWrRO9>E6fE700@GO",
        "type 0": "0" + good[1:],
        "type 24": "H42O55i18tMET00000000000000",
        "empty": "",
    }
    payloads = [good, *cases.values(), good]
    decoded = decode_position_payloads(payloads)
    assert decoded.ok[0] and decoded.ok[-1]
    for name, ok in zip(cases, decoded.ok[1:-1], strict=True):
        assert not ok, name
    assert decoded.fields[c.MMSI][-1] == 227006760  # a good row after bad ones is still decoded


def test_decode_marks_non_text_entries_not_ok() -> None:
    good, _ = encoded(report())
    odd: list[Any] = [None, math.nan, good.encode(), 5, good]
    decoded = decode_position_payloads(odd)
    np.testing.assert_array_equal(decoded.ok, [False, False, True, False, True])


def test_decode_marks_impossible_fill_bits_not_ok() -> None:
    good, _ = encoded(report())
    decoded = decode_position_payloads([good] * 5, np.array([0, 6, -1, np.nan, 2.5]))
    np.testing.assert_array_equal(decoded.ok, [True, False, False, False, False])


def test_decode_counts_fill_bits_against_the_length() -> None:
    short = encoded(report())[0][:25]  # 150 bits: enough for Class A with up to 1 fill bit
    decoded = decode_position_payloads([short, short], np.array([1, 2]))
    np.testing.assert_array_equal(decoded.ok, [True, False])


def test_decode_blanks_fields_of_rows_that_are_not_ok() -> None:
    decoded = decode_position_payloads(["403OviQuMGCqWrRO9>E6fE700@GO"])
    frame = decoded.to_frame()
    assert frame[c.MMSI].iloc[0] == 0
    assert frame[c.LAT].isna().all() and frame[c.LON].isna().all()


def test_decode_raises_value_error_when_fill_bits_do_not_match_payloads() -> None:
    good, _ = encoded(report())
    with pytest.raises(ValueError, match="fill_bits"):
        decode_position_payloads([good, good], np.array([0]))


# --- mapping, types, input forms -----------------------------------------------------------------


def test_decode_maps_not_available_values_to_nan() -> None:
    unavailable = report(
        lat=91, lon=181, speed=102.3, course=360, heading=511, status=15, turn=-128
    )
    payloads = [encoded(unavailable)[0], encoded(report())[0]]
    mapped = decode_position_payloads(payloads).to_frame()
    raw = decode_position_payloads(payloads, map_not_available=False).to_frame()
    for name, sentinel in SENTINELS.items():
        assert np.isnan(mapped[name].iloc[0]), name
        assert raw[name].iloc[0] == sentinel, name
        assert not np.isnan(mapped[name].iloc[1]), name


def test_decode_gives_nan_for_fields_class_b_does_not_have() -> None:
    frame = decode_position_payloads([encoded(report(18))[0]]).to_frame()
    assert frame[c.MSG_TYPE].iloc[0] == 18
    for name in (c.NAV_STATUS, fp.ROT_DEG_PER_MIN, fp.MANEUVER):
        assert np.isnan(frame[name].iloc[0]), name
    assert frame[c.LAT].iloc[0] == 50.25 and frame[c.SOG_KNOTS].iloc[0] == 12.3


def test_decode_accepts_lists_bytes_arrays_and_series_alike() -> None:
    payloads = [encoded(report(t, mmsi=100 + t))[0] for t in (1, 2, 3, 18)] + ["bad"]
    expected = decode_position_payloads(payloads).to_frame()
    for form in (
        [p.encode() for p in payloads],
        np.array(payloads),
        np.array(payloads, dtype=object),
        pd.Series(payloads, index=[9, 8, 7, 6, 5]),
        tuple(payloads),
    ):
        pd.testing.assert_frame_equal(decode_position_payloads(form).to_frame(), expected)


def test_decode_does_not_change_its_inputs() -> None:
    payloads = [encoded(report())[0], "bad"]
    fills = np.array([0, 0])
    kept = (list(payloads), fills.copy())
    decode_position_payloads(payloads, fills)
    assert payloads == kept[0]
    np.testing.assert_array_equal(fills, kept[1])


def test_decode_returns_empty_columns_for_no_payloads() -> None:
    decoded = decode_position_payloads([])
    assert len(decoded) == 0
    assert list(decoded.to_frame().columns) == fp.FIELD_NAMES


def test_to_frame_has_one_row_per_payload_with_documented_dtypes() -> None:
    frame = decode_position_payloads([encoded(report())[0], "x"]).to_frame()
    assert list(frame.columns) == fp.FIELD_NAMES and len(frame) == 2
    for name in (c.MSG_TYPE, fp.REPEAT, c.MMSI, fp.UTC_SECOND):
        assert frame[name].dtype == np.int64, name
    for name in (fp.ACCURACY, fp.RAIM):
        assert frame[name].dtype == bool, name
    for name in (c.LAT, c.LON, c.SOG_KNOTS, c.COG_DEG, c.HEADING_DEG, c.NAV_STATUS):
        assert frame[name].dtype == np.float64, name
