from __future__ import annotations

import numpy as np
import pytest

from vessel_risk.ingest.decode import POSITION_OUT_OF_RANGE, decode_message, position_out_of_range

# gpsd's test sample, line 1026: a base station report with year 10196, lat 109.3 and lon 205.1.
IMPOSSIBLE_BASE_STATION = "!AIVDM,1,1,,B,4>O7m7Iu@<9qUfbtm`vSnwvH20S8,0*46"
# gpsd's test sample, line 1021: base station 2470052 with lat 91, lon 181 ("not available").
NO_POSITION_BASE_STATION = "!AIVDM,1,1,,A,402Fha0000Htt<tSF0l4Q@000d20,0*65"


def test_decode_message_rejects_position_out_of_range() -> None:
    with pytest.raises(ValueError, match=f"^{POSITION_OUT_OF_RANGE}: lat 109.33"):
        decode_message([IMPOSSIBLE_BASE_STATION])


def test_decode_message_keeps_position_not_available_as_null() -> None:
    decoded = decode_message([NO_POSITION_BASE_STATION])
    assert decoded.kind == "position" and decoded.row["mmsi"] == 2470052
    assert decoded.row["lat"] is None and decoded.row["lon"] is None


def test_position_out_of_range_is_false_for_not_available_and_edges() -> None:
    lat = np.array([95.0, -91.0, 10.0, np.nan, 90.0, -90.0, 0.0])
    lon = np.array([10.0, 10.0, 200.0, np.nan, 180.0, -180.0, -180.5])
    assert position_out_of_range(lat, lon).tolist() == [True, True, True, False, False, False, True]
