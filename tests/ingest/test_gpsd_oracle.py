"""Ingest agrees field by field with gpsd's decode of its own sample file.

The oracle is ``ais/expected/gpsd_sample.aivdm.ju.chk``: one JSON report per message gpsd decoded,
with *unscaled* values (the raw integers of the bit fields), so no rounding of gpsd's gets in the
way. ``.js.chk`` holds the same reports scaled. Reports are matched to our rows by message type and
MMSI, in file order.

Where gpsd and the product differ in convention, :func:`expected_position` and
:func:`expected_static` state it, and a named test below pins each difference on a real message:

- gpsd reports "not available" as the sentinel itself (lat 91, lon 181, speed 1023 = 102.3 kn,
  course 3600 = 360.0, heading 511, type 27 speed 63 / course 511, status 15); we give null/NaN.
  It also reports out-of-range values as they are (a latitude of 109 degrees); we give NaN.
- gpsd's ``imo`` 0, ``shiptype`` 0, empty ``destination`` and ``draught`` 0 mean "not available";
  we give null. Names are trimmed of '@' padding and blanks by both.
- ``draught`` is unscaled in decimetres (122), scaled in metres (12.2); ``draught_m`` is metres.
- gpsd gives the four distances to the reference point; we give ``length_m`` = bow + stern and
  ``beam_m`` = port + starboard, where a zero distance is "not available" except that
  bow = port = 0 means "reference point unknown" (ITU-R M.1371), leaving stern and starboard as
  length and beam.
- gpsd emits every copy of a repeated message; we keep the first and count copies in
  ``receivers``.
- gpsd merges a type 24 part A (name) with its part B (call sign, type, dimensions) into one report
  and emits nothing for a part without its partner; we write each part as its own statics row.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from typing import Any

import pandas as pd
import pytest

from tests.support import shared_file
from vessel_risk.common import columns as c
from vessel_risk.ingest.ais import AisTables, IngestParams, ingest_ais
from vessel_risk.ingest.framing import FramingParams

# The sample carries no receive time: stamp it with one fixed capture time.
CAPTURE_TIME_S = 1_700_000_000.0
POSITION_TYPES = (1, 2, 3, 4, 18, 19, 27)
STATIC_TYPES = (5, 19)
LATLON_SCALE = 600_000.0  # 1/10 000 minute
TYPE27_LATLON_SCALE = 600.0  # 1/10 minute
TENTHS = 10.0  # speed in 0.1 kn, course in 0.1 degree, draught in 0.1 m


@pytest.fixture(scope="module")
def ingested() -> AisTables:
    path = shared_file("ais", "expected", "gpsd_sample.aivdm")
    return ingest_ais([path], IngestParams(framing=FramingParams(capture_time_s=CAPTURE_TIME_S)))


def _reports(suffix: str) -> list[dict[str, Any]]:
    path = shared_file("ais", "expected", f"gpsd_sample.aivdm.{suffix}")
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def unscaled() -> list[dict[str, Any]]:
    return _reports("ju.chk")


@pytest.fixture(scope="module")
def scaled() -> list[dict[str, Any]]:
    return _reports("js.chk")


# --- gpsd's values in the product's conventions -----------------------------------------------

def _na(value: float | None, *sentinels: float) -> float:
    return math.nan if value is None or value in sentinels else float(value)


def _in_range(value: float, low: float, high: float) -> float:
    return value if low <= value <= high else math.nan


def expected_position(report: dict[str, Any]) -> dict[str, Any]:
    """A gpsd unscaled position report as a ``positions`` row."""
    kind = report["type"]
    scale = TYPE27_LATLON_SCALE if kind == 27 else LATLON_SCALE
    if kind == 27:  # whole knots and degrees
        sog, cog = _na(report.get("speed"), 63), _na(report.get("course"), 511)
    else:
        sog = _na(report.get("speed"), 1023) / TENTHS
        cog = _na(report.get("course"), 3600) / TENTHS
    return {
        c.MMSI: report["mmsi"],
        c.LAT: _in_range(_na(report["lat"], 91 * scale) / scale, -90.0, 90.0),
        c.LON: _in_range(_na(report["lon"], 181 * scale) / scale, -180.0, 180.0),
        c.SOG_KNOTS: sog,
        c.COG_DEG: cog,
        c.HEADING_DEG: _na(report.get("heading"), 511),
        c.NAV_STATUS: _na(report.get("status"), 15),
    }


def _text(value: str | None) -> Any:
    return pd.NA if not value else value


def _dimensions(report: dict[str, Any]) -> tuple[float, float]:
    bow, stern = report.get("to_bow", 0), report.get("to_stern", 0)
    port, starboard = report.get("to_port", 0), report.get("to_starboard", 0)
    unknown_reference = bow == 0 and port == 0
    length = bow + stern if stern and (bow or unknown_reference) else math.nan
    beam = port + starboard if starboard and (port or unknown_reference) else math.nan
    return float(length), float(beam)


def expected_static(report: dict[str, Any]) -> dict[str, Any]:
    """A gpsd unscaled type 5, 19 or 24 report as a ``statics`` row."""
    length, beam = _dimensions(report)
    return {
        c.MMSI: report["mmsi"],
        c.IMO: report.get("imo") or pd.NA,
        c.NAME: _text(report.get("shipname")),
        c.CALLSIGN: _text(report.get("callsign")),
        c.SHIP_TYPE: report.get("shiptype") or pd.NA,
        c.DESTINATION: _text(report.get("destination")),
        c.DRAUGHT_M: _na(report.get("draught"), 0) / TENTHS,
        c.LENGTH_M: length,
        c.BEAM_M: beam,
    }


# --- matching -----------------------------------------------------------------------------------

def _pair(
    rows: pd.DataFrame, reports: list[dict[str, Any]], types: tuple[int, ...]
) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], Counter[tuple[int, int]]]:
    """Each row with gpsd's report of the same type and MMSI, in file order; and what is left."""
    queue: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for report in reports:
        if report["type"] in types:
            queue[(report["type"], report["mmsi"])].append(report)
    pairs = []
    for row in rows.sort_values(c.LINE_NO, kind="mergesort").to_dict("records"):
        key = (int(row[c.MSG_TYPE]), int(row[c.MMSI]))
        assert queue[key], f"gpsd has no report for type/MMSI {key} (line {row[c.LINE_NO]})"
        pairs.append((row, queue[key].pop(0)))
    left = Counter({key: len(rest) for key, rest in queue.items() if rest})
    return pairs, left


def _agree(actual: Any, expected: Any) -> bool:
    if pd.isna(expected):
        return bool(pd.isna(actual))
    if isinstance(expected, str):
        return actual == expected
    return not pd.isna(actual) and math.isclose(float(actual), float(expected), abs_tol=1e-6)


def _disagreements(row: dict[str, Any], expected: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (row[k], v) for k, v in expected.items() if not _agree(row[k], v)}


# --- what is decoded ----------------------------------------------------------------------------

def test_ingest_decodes_every_message_type_gpsd_decodes(
    ingested: AisTables, unscaled: list[dict[str, Any]]
) -> None:
    assert ingested.summary.balanced
    expected = Counter(report["type"] for report in unscaled)
    # Four payloads are repeated in the file. gpsd reports each copy of the type 1, 6 and 26
    # ones; we keep one. (The fourth, a type 24 part B, gpsd drops: its part A was used up.)
    assert ingested.summary.duplicate_sentences == 4
    for repeated_type in (1, 6, 26):
        expected[repeated_type] -= 1
    # gpsd reports two merged type 24 pairs; we count their four parts and two parts heard alone.
    assert expected[24] == 2
    expected[24] = 2 * 2 + 2
    # gpsd decodes the broken base station report of line 1026 (year 10196, lat 109.3, lon 205.1);
    # we quarantine it (position_out_of_range).
    expected[4] -= 1
    assert dict(ingested.summary.messages_by_type) == dict(expected)


def test_ingest_quarantines_sentence_gpsd_skips_and_report_with_impossible_position(
    ingested: AisTables,
) -> None:
    skipped, impossible = ingested.quarantine.sort_values(c.LINE_NO).to_dict("records")
    assert skipped[c.RAW] == "AIVDM,2,2,1,B,00000000000,2*26"  # no leading '!': not a sentence
    assert skipped[c.REASON] == "malformed_sentence"
    assert impossible[c.RAW] == "!AIVDM,1,1,,B,4>O7m7Iu@<9qUfbtm`vSnwvH20S8,0*46"
    assert (impossible[c.LINE_NO], impossible[c.REASON]) == (1026, "position_out_of_range")


# --- positions ----------------------------------------------------------------------------------

def test_positions_agree_with_gpsd_field_by_field(
    ingested: AisTables, unscaled: list[dict[str, Any]]
) -> None:
    pairs, left = _pair(ingested.positions, unscaled, POSITION_TYPES)
    assert len(pairs) == len(ingested.positions) == 14
    wrong = {
        (row[c.LINE_NO], row[c.MSG_TYPE]): diff
        for row, report in pairs
        if (diff := _disagreements(row, expected_position(report)))
    }
    assert wrong == {}
    # The gpsd reports left over: the repeat of line 1098's message (line 1099), and the base
    # station report with an impossible position, which we quarantine.
    assert left == Counter({(1, 244740981): 1, (4, 972158237): 1})


def test_repeated_position_is_kept_once_and_counts_its_copies(ingested: AisTables) -> None:
    rows = ingested.positions[ingested.positions[c.MMSI] == 244740981]
    assert rows[c.RECEIVERS].tolist() == [2]


def test_position_not_available_sentinels_become_nan_where_gpsd_reports_them(
    ingested: AisTables, unscaled: list[dict[str, Any]]
) -> None:
    by_mmsi = ingested.positions.set_index(c.MMSI)
    gpsd = {(r["type"], r["mmsi"]): r for r in unscaled}
    assert gpsd[(1, 440348000)]["heading"] == 511
    assert math.isnan(by_mmsi.loc[440348000, c.HEADING_DEG])
    # Base station 2470052 reports lat 91, lon 181 (raw 54600000, 108600000): not available.
    assert (gpsd[(4, 2470052)]["lat"], gpsd[(4, 2470052)]["lon"]) == (54_600_000, 108_600_000)
    assert by_mmsi.loc[2470052, [c.LAT, c.LON]].isna().all()
    # Base station 972158237 reports lat 109.3, lon 205.1: impossible, so not a position at all
    # (quarantined: see above).
    assert gpsd[(4, 972158237)]["lat"] / LATLON_SCALE == pytest.approx(109.332, abs=1e-3)
    assert 972158237 not in by_mmsi.index
    # Class B (18) and base stations (4) have no navigational status: gpsd omits it, we give NaN.
    assert "status" not in gpsd[(18, 338087471)]
    assert math.isnan(by_mmsi.loc[338087471, c.NAV_STATUS])


def test_type27_speed_and_course_are_whole_units_as_gpsd_reports_them(
    ingested: AisTables, scaled: list[dict[str, Any]]
) -> None:
    report = next(r for r in scaled if r["type"] == 27 and r["mmsi"] == 206914217)
    row = ingested.positions.set_index(c.MMSI).loc[206914217]
    assert (row[c.SOG_KNOTS], row[c.COG_DEG]) == (report["speed"], report["course"]) == (57, 167)
    # gpsd's scaled JSON rounds type 27 positions to 1/10 000 degree; ours keep the 1/10 minute.
    assert row[c.LAT] == pytest.approx(report["lat"], abs=1e-4)
    assert row[c.LAT] == pytest.approx(2904 / TYPE27_LATLON_SCALE, abs=1e-6)


# --- statics ------------------------------------------------------------------------------------

def test_type5_and_19_statics_agree_with_gpsd_field_by_field(
    ingested: AisTables, unscaled: list[dict[str, Any]]
) -> None:
    rows = ingested.statics[ingested.statics[c.MSG_TYPE].isin(STATIC_TYPES)]
    pairs, left = _pair(rows, unscaled, STATIC_TYPES)
    assert len(pairs) == 4
    wrong = {
        (row[c.LINE_NO], row[c.MSG_TYPE]): diff
        for row, report in pairs
        if (diff := _disagreements(row, expected_static(report)))
    }
    assert wrong == {}
    assert not left


def test_static_not_available_values_become_null_where_gpsd_reports_zero_or_empty(
    ingested: AisTables, unscaled: list[dict[str, Any]]
) -> None:
    report = next(r for r in unscaled if r["mmsi"] == 271010059)
    assert (report["imo"], report["destination"]) == (0, "")
    row = ingested.statics.set_index(c.MMSI).loc[271010059].iloc[0]
    assert pd.isna(row[c.IMO]) and pd.isna(row[c.DESTINATION])
    assert row[c.NAME] == report["shipname"] == "HEALTH CONTROL 13"


def test_draught_is_metres_as_in_gpsd_scaled_report_not_its_decimetres(
    ingested: AisTables, unscaled: list[dict[str, Any]], scaled: list[dict[str, Any]]
) -> None:
    raw = next(r for r in unscaled if r["mmsi"] == 351759000)["draught"]
    metres = next(r for r in scaled if r["mmsi"] == 351759000)["draught"]
    row = ingested.statics.set_index(c.MMSI).loc[351759000]
    assert (raw, metres, row[c.DRAUGHT_M]) == (122, 12.2, 12.2)
    assert (row[c.LENGTH_M], row[c.BEAM_M]) == (225 + 70, 1 + 31)


def test_type24_parts_agree_with_gpsd_merged_report(
    ingested: AisTables, unscaled: list[dict[str, Any]]
) -> None:
    parts = ingested.statics[ingested.statics[c.MSG_TYPE] == 24]
    merged = {r["mmsi"]: expected_static(r) for r in unscaled if r["type"] == 24}
    assert sorted(merged) == [271040660, 271041815]
    for mmsi, expected in merged.items():
        part_a = parts[(parts[c.MMSI] == mmsi) & (parts[c.PART_NUM] == 0)].iloc[0]
        part_b = parts[(parts[c.MMSI] == mmsi) & (parts[c.PART_NUM] == 1)].iloc[0]
        assert part_a[c.NAME] == expected[c.NAME]
        assert part_b[c.CALLSIGN] == expected[c.CALLSIGN]
        assert part_b[c.SHIP_TYPE] == expected[c.SHIP_TYPE]
        # gpsd: to_bow 0 and to_port 0, so the reference point is unknown and stern/starboard
        # are the length and beam (PROGUY 15 x 5 m, GOZDEM-1 24 x 6 m).
        assert (part_b[c.LENGTH_M], part_b[c.BEAM_M]) == (expected[c.LENGTH_M], expected[c.BEAM_M])
        assert part_b[c.LENGTH_M] in (15.0, 24.0)
    # A part heard without its partner: gpsd reports nothing, we keep what it says.
    alone = parts[~parts[c.MMSI].isin(list(merged))]
    assert sorted(zip(alone[c.MMSI], alone[c.PART_NUM])) == [(271020195, 1), (271041511, 0)]
    assert alone.set_index(c.MMSI).loc[271041511, c.NAME] == "TRIPPIN"
