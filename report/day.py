"""Everything the report reads about one screened day, from the store (and optionally the registry
and the model card)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from vessel_risk import storage
from vessel_risk.common import columns as c
from vessel_risk.features.tracks import in_track_order
from vessel_risk.models.card import ModelCard
from vessel_risk.report.model_info import ModelInfo, describe

_TRACK_COLUMNS = [c.MMSI, c.TIMESTAMP, c.LAT, c.LON]


@dataclass(frozen=True)
class DayData:
    """One screened day: its risk list, the window's events and tracks, the day's quarantine."""

    day: date
    lookback_days: int
    listed: pd.DataFrame  # risk list, sorted by rank
    events: pd.DataFrame  # the window's events (contract columns)
    positions: pd.DataFrame  # mmsi, timestamp, lat, lon over the window, by vessel then time
    quarantine: pd.DataFrame  # the day's quarantine rows
    statics_count: int  # static reports received on the day
    owners: pd.Series  # owner by IMO (registry), empty when unknown
    model: ModelInfo

    @property
    def window_days(self) -> list[date]:
        return [self.day - timedelta(days=i) for i in range(self.lookback_days - 1, -1, -1)]

    @property
    def window_start(self) -> pd.Timestamp:
        return pd.Timestamp(self.window_days[0], tz="UTC")

    @property
    def window_end(self) -> pd.Timestamp:
        """Exclusive: midnight after the screening day."""
        return pd.Timestamp(self.day + timedelta(days=1), tz="UTC")


def load_day(out: Path, day: date, lookback_days: int, model_card: ModelCard | None = None,
             registry_vessels: pd.DataFrame | None = None) -> DayData:
    """Read the day from the store. ``model_card`` describes the model if it scored the day;
    ``registry_vessels`` (the registry's vessels.csv) adds owners."""
    listed = storage.read_partition(out, storage.RISK_LISTS, day)
    listed = listed.sort_values(c.RISK_RANK, kind="mergesort").reset_index(drop=True)
    events = storage.read_partition(out, storage.EVENTS, day)
    days = [day - timedelta(days=i) for i in range(lookback_days)]
    positions = storage.read_days(out, storage.POSITIONS, days, _TRACK_COLUMNS, with_date=False)
    positions = _tracks(positions, day - timedelta(days=lookback_days - 1), day)
    return DayData(
        day=day,
        lookback_days=lookback_days,
        listed=listed,
        events=events.drop(columns=[c.DATE], errors="ignore"),
        positions=positions,
        quarantine=_optional(out, storage.QUARANTINE, day),
        statics_count=len(_optional(out, storage.STATICS, day)),
        owners=_owners(registry_vessels),
        model=describe(_model_version(listed), model_card),
    )


def _model_version(listed: pd.DataFrame) -> str:
    versions = listed[c.MODEL_VERSION].dropna().unique() if c.MODEL_VERSION in listed else []
    return ", ".join(sorted(str(v) for v in versions)) or "unknown"


def _tracks(positions: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    if positions.empty or not set(_TRACK_COLUMNS) <= set(positions.columns):
        return pd.DataFrame({c.MMSI: pd.Series(dtype="int64"),
                             c.TIMESTAMP: pd.Series(dtype="datetime64[us, UTC]"),
                             c.LAT: pd.Series(dtype="float64"), c.LON: pd.Series(dtype="float64")})
    tracks = positions[_TRACK_COLUMNS] if list(positions.columns) != _TRACK_COLUMNS else positions
    start = pd.Timestamp(first, tz="UTC")
    end = pd.Timestamp(last + timedelta(days=1), tz="UTC")
    keep = ((tracks[c.TIMESTAMP] >= start) & (tracks[c.TIMESTAMP] < end)
            & tracks[c.LAT].notna() & tracks[c.LON].notna())
    if not bool(keep.all()):  # a day's window is millions of rows: copied only to drop some
        tracks = tracks.loc[keep]
    return in_track_order(tracks)  # sorts only a window of several stored days


def _optional(out: Path, table: str, day: date) -> pd.DataFrame:
    return storage.read_days(out, table, [day])


def _owners(registry_vessels: pd.DataFrame | None) -> pd.Series:
    if registry_vessels is None or c.OWNER not in registry_vessels or c.IMO not in registry_vessels:
        return pd.Series(dtype="string")
    known = registry_vessels.loc[registry_vessels[c.IMO].notna() & registry_vessels[c.OWNER].notna()]
    known = known.drop_duplicates(c.IMO)
    return pd.Series(known[c.OWNER].astype("string").to_numpy(),
                     index=known[c.IMO].astype("int64").to_numpy())
