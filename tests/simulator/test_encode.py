"""NMEA encoding: tag blocks and checksums as receivers write them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pyais import decode

from vessel_risk.simulator.encode import (
    checksum,
    inject_broken,
    position_sentences,
    records,
    tag_block,
)


def test_tag_block_matches_a_real_kystverket_line() -> None:
    # from kystverket_2024-12-09_tagblock.nmea: \s:2573238,c:1733782034*0A\!BSVDM,...
    assert tag_block("2573238", 1733782034) == "\\s:2573238,c:1733782034*0A\\"


def test_checksum_matches_a_real_sentence() -> None:
    assert checksum("BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0") == "3F"


def _reports() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "mmsi": [244123456, 219000001],
            "t_s": [1794787205, 1794787300],
            "lat": [52.1, 57.5],
            "lon": [4.2, 10.5],
            "sog_knots": [12.3, 3.1],
            "cog_deg": [123.4, 10.0],
            "heading_deg": [124, 511],
            "nav_status": [0, 7],
            "msg_type": [1, 18],
            "channel": ["A", "B"],
        }
    )


def test_position_sentences_round_trip_through_pyais() -> None:
    out = position_sentences(_reports())
    first: dict[str, Any] = decode(*out[0]).asdict()
    second: dict[str, Any] = decode(*out[1]).asdict()
    assert out[0][0].startswith("!AIVDM,1,1,,A,")
    assert (first["mmsi"], first["msg_type"], first["status"]) == (244123456, 1, 0)
    assert abs(first["lat"] - 52.1) < 1e-4 and abs(first["speed"] - 12.3) < 0.05
    assert (second["msg_type"], second["mmsi"]) == (18, 219000001)


def test_records_sends_each_message_to_the_nearest_station_and_keeps_input() -> None:
    msgs = _reports()[["t_s", "lat", "lon"]].assign(order=[0, 1])
    before = msgs.copy()
    recs = records(msgs, position_sentences(_reports()), np.random.default_rng(0))
    pd.testing.assert_frame_equal(msgs, before)
    assert list(recs["station"][:2]) == ["NL-HOEK", "DK-SKAGEN"]
    assert recs["text"][0].startswith(tag_block("NL-HOEK", 1794787205))


def test_inject_broken_adds_the_counted_lines_and_keeps_the_good_ones() -> None:
    msgs = _reports()[["t_s", "lat", "lon"]].assign(order=[0, 1])
    recs = records(msgs, position_sentences(_reports()), np.random.default_rng(0))
    out, counts = inject_broken(recs, 1794787200 - 1794787200 % 86400, np.random.default_rng(1))
    assert counts["bad_checksum"] == 2 and counts["lone_fragment"] == 0  # no two-part message here
    assert len(out) == len(recs) + sum(counts.values())
    assert out["text"].iloc[: len(recs)].tolist() == recs["text"].tolist()
