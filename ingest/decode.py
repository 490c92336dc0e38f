"""Decode assembled AIS messages with pyais into position and static rows.

"Not available" values become None (null) here, never numbers: AIS encodes missing data as
out-of-range sentinels (lat 91, lon 181, speed 102.3, course 360, heading 511, ...). A report whose
position is not available is kept (the vessel was heard, not located; ingest counts such rows).
Values outside a field's valid range that are not its sentinel (a heading of 480) are invalid and
become None too, except the position: a latitude or longitude outside its range that is not the
sentinel (95, -91, 200) says the transmitter is broken or lying, so the whole message is rejected
with :data:`POSITION_OUT_OF_RANGE` and goes to quarantine, never into the positions table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyais
from pyais.exceptions import AISBaseException

from vessel_risk.common import columns as c

POSITION_TYPES = frozenset({1, 2, 3, 18, 19, 27})
BASE_STATION_TYPE = 4
STATIC_TYPES = frozenset({5, 24})

# AIS "not available" sentinels (ITU-R M.1371).
LAT_NA = 91.0
LON_NA = 181.0
SOG_NA_KNOTS = 102.3
COG_NA_DEG = 360.0
HEADING_NA_DEG = 511
NAV_STATUS_NA = 15
TYPE27_SOG_NA_KNOTS = 63  # type 27 (long-range) uses 6 bits of whole knots
TYPE27_COG_NA_DEG = 511  # and 9 bits of whole degrees
SHIP_TYPE_NA = 0

DECODE_ERROR = "decode_error"
POSITION_OUT_OF_RANGE = "position_out_of_range"
MAX_ABS_LAT_DEG = 90.0
MAX_ABS_LON_DEG = 180.0


def position_out_of_range(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Where a latitude or longitude lies outside its range (NaN, "not available", is not)."""
    lat_a, lon_a = np.asarray(lat, dtype="float64"), np.asarray(lon, dtype="float64")
    return (np.abs(lat_a) > MAX_ABS_LAT_DEG) | (np.abs(lon_a) > MAX_ABS_LON_DEG)


@dataclass(frozen=True)
class Decoded:
    """One decoded message: its kind ("position", "static" or "other") and its row."""

    kind: str
    msg_type: int
    row: dict[str, Any]


def decode_message(sentences: Sequence[str]) -> Decoded:
    """Decode one message (its sentence strings, in fragment order) with pyais.

    Raises :class:`ValueError` whose text starts with the reason code (``reason: detail``) when
    pyais cannot decode it or its position is out of range.
    """
    try:
        fields = pyais.decode(*sentences, error_if_checksum_invalid=True).asdict()
    except (AISBaseException, ValueError, IndexError, KeyError, TypeError) as exc:
        raise ValueError(f"{DECODE_ERROR}: {type(exc).__name__}") from exc
    return decoded_from_fields(fields)


def decoded_from_fields(fields: dict[str, Any]) -> Decoded:
    """Map pyais' field dict onto the product's columns."""
    msg_type = int(fields["msg_type"])
    if msg_type in POSITION_TYPES or msg_type == BASE_STATION_TYPE:
        row = _position_row(fields, msg_type)
        if msg_type == 19:
            return Decoded("position+static", msg_type, row | _static_row(fields, msg_type))
        return Decoded("position", msg_type, row)
    if msg_type in STATIC_TYPES:
        return Decoded("static", msg_type, _static_row(fields, msg_type))
    return Decoded("other", msg_type, {c.MMSI: int(fields.get("mmsi", 0))})


def _position_row(f: dict[str, Any], msg_type: int) -> dict[str, Any]:
    lat = _na(f.get("lat"), LAT_NA)
    lon = _na(f.get("lon"), LON_NA)
    if position_out_of_range(np.nan if lat is None else lat, np.nan if lon is None else lon):
        raise ValueError(f"{POSITION_OUT_OF_RANGE}: lat {lat}, lon {lon}")
    if msg_type == 27:
        sog = _na(f.get("speed"), TYPE27_SOG_NA_KNOTS)
        cog = _na(f.get("course"), TYPE27_COG_NA_DEG)
    else:
        sog = _na(f.get("speed"), SOG_NA_KNOTS)
        cog = _na(f.get("course"), COG_NA_DEG)
    if cog is not None and not 0.0 <= cog < 360.0:
        cog = None
    heading = _na(f.get("heading"), HEADING_NA_DEG)
    if heading is not None and not 0 <= heading < 360:
        heading = None
    status = f.get("status")
    return {
        c.MMSI: int(f["mmsi"]),
        c.LAT: lat,
        c.LON: lon,
        c.SOG_KNOTS: sog,
        c.COG_DEG: cog,
        c.HEADING_DEG: heading,
        c.NAV_STATUS: None if status is None else _na(int(status), NAV_STATUS_NA),
        c.MSG_TYPE: msg_type,
    }


def _static_row(f: dict[str, Any], msg_type: int) -> dict[str, Any]:
    part = f.get("partno")
    ship_type = f.get("ship_type")
    bow, stern = f.get("to_bow") or 0, f.get("to_stern") or 0
    port, starboard = f.get("to_port") or 0, f.get("to_starboard") or 0
    # A zero distance is "not available", except that A = C = 0 (bow and port) with B and D set
    # says "reference point unknown, dimensions known": B is then the length and D the beam.
    reference_unknown = bow == 0 and port == 0
    return {
        c.MMSI: int(f["mmsi"]),
        c.MSG_TYPE: msg_type,
        c.PART_NUM: None if part is None else int(part),
        c.IMO: (int(f["imo"]) or None) if f.get("imo") is not None else None,
        c.NAME: _text(f.get("shipname")),
        c.CALLSIGN: _text(f.get("callsign")),
        c.SHIP_TYPE: (None if ship_type is None or int(ship_type) == SHIP_TYPE_NA
                      else int(ship_type)),
        c.DESTINATION: _text(f.get("destination")),
        c.DRAUGHT_M: (float(f["draught"]) or None) if f.get("draught") is not None else None,
        c.LENGTH_M: float(bow + stern) if stern and (bow or reference_unknown) else None,
        c.BEAM_M: float(port + starboard) if starboard and (port or reference_unknown) else None,
    }


def _na(value: Any, sentinel: float) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return None if value == sentinel else value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    cleaned = str(value).replace("@", " ").strip()
    return cleaned or None
