"""A positions table from plain arrays, with ingest's columns and dtypes.

The load-test fleet (:mod:`vessel_risk.simulator.straight_fleet`) and the feature tests' scenario
builders make their fixes here, so both give the table ingest gives: every column of
``c.POSITION_COLUMNS``, timestamps in UTC to the microsecond, and the fields a position report
may leave out (course, heading, navigational status) missing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from vessel_risk.common import columns as c

SOURCE_FILE = "test.nmea"  # the file every made-up fix is said to come from
MSG_TYPE = 1  # a class A position report
RECEIVERS = 1  # heard by one receiver


def positions_frame(
    mmsi: npt.ArrayLike,
    timestamps: Sequence[pd.Timestamp] | pd.Series | pd.DatetimeIndex,
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    sog_knots: npt.ArrayLike = np.nan,
    *,
    cog_deg: npt.ArrayLike = np.nan,
    heading_deg: npt.ArrayLike = np.nan,
    nav_status: npt.ArrayLike = np.nan,
) -> pd.DataFrame:
    """Fixes at ``timestamps`` (tz-aware) and ``lat``/``lon`` (degrees), one a row, numbered from
    line 1 of ``SOURCE_FILE``. ``mmsi``, ``sog_knots`` (knots), ``cog_deg`` and ``heading_deg``
    (degrees) and ``nav_status`` are one value for every fix or one a fix; missing is NaN."""
    n = len(np.asarray(lat))

    def column(values: npt.ArrayLike, dtype: str) -> npt.NDArray[np.generic]:
        return np.broadcast_to(np.asarray(values, dtype=dtype), (n,)).copy()

    return pd.DataFrame({
        c.MMSI: column(mmsi, "int64"),
        c.TIMESTAMP: pd.DatetimeIndex(timestamps).tz_convert("UTC").astype(
            "datetime64[us, UTC]"),
        c.LAT: column(lat, "float64"),
        c.LON: column(lon, "float64"),
        c.SOG_KNOTS: column(sog_knots, "float64"),
        c.COG_DEG: column(cog_deg, "float64"),
        c.HEADING_DEG: column(heading_deg, "float64"),
        c.NAV_STATUS: column(nav_status, "float64"),
        c.MSG_TYPE: np.full(n, MSG_TYPE, dtype="int64"),
        c.RECEIVERS: np.full(n, RECEIVERS, dtype="int64"),
        c.SOURCE_FILE: pd.array([SOURCE_FILE] * n, dtype="string"),
        c.LINE_NO: np.arange(1, n + 1, dtype="int64"),
    })
