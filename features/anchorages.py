"""Anchorages and berths learned from the ships themselves, the way Global Fishing Watch builds its
anchorages: grid cells where several distinct vessels lay still.

A fix is *stationary* when the vessel makes no way (SOG, or the implied speed where SOG is missing,
at most ``stationary_max_knots``) and it is not a fishing vessel (fishing boats lie still on their
grounds; that does not make a ground an anchorage). Each vessel's stationary fixes are grouped by
day and grid cell into *evidence* rows (its mean position there, first and last time, hours); the
store keeps them day by day, so a new day's run knows every earlier day's anchorages. A cell is an
anchorage cell when at least ``min_vessels`` distinct vessels lay still (for ``min_stay_h``) in it
or within ``count_rings`` cells of it: ships anchor a few cables apart, spread over a mile or
two, so a week of waiting ships fills an anchorage area long before every cell has three ships of
its own. The cells round an anchorage cell (``buffer_cells``) belong to it too.

This finds the waiting areas off busy ports, the berths of ports missing from the reference list,
and offshore stand-by spots. Two vessels meeting at sea make no anchorage (two is below
``min_vessels``), nor does a lone vessel loitering.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features import grid
from vessel_risk.features.tracks import require_columns, speed_for_rules_knots, timestamp_us

_CELL = "_cell"
_DAY = "_day"


@dataclass(frozen=True)
class AnchorageParams:
    """How anchorages are learned (units in the names)."""

    # A ship at anchor swings and reports 0.0-0.3 kn of SOG noise; 0.5 kn is still "not making
    # way", while a vessel manoeuvring in a harbour or drifting with the tide reports more.
    stationary_max_knots: float = 0.5
    # Grid cells of 0.01 degree (0.6 nm north-south): an anchorage berth is ~0.2-0.5 nm across.
    cell_deg: float = 0.01
    # Distinct vessels that must have lain still in or near a cell: three cannot be one meeting at
    # sea (two vessels) or a lone loiterer, and a busy anchorage reaches it within a day or two.
    min_vessels: int = 3
    # "Near": within this many cells (2 rings: ~1.2 nm north-south), the spread of an anchorage.
    count_rings: int = 2
    # Shortest stay in a cell that counts (hours between the first and last stationary fix there):
    # a ship stopping briefly for a pilot or a tug is not anchoring.
    min_stay_h: float = 0.5
    # Rings of neighbouring cells added round each anchorage cell: anchored ships keep a few
    # cables apart, so the next ship of a busy anchorage may lie one cell away from the last.
    buffer_cells: int = 1


def anchorage_evidence(tracks: pd.DataFrame, params: AnchorageParams = AnchorageParams()
                       ) -> pd.DataFrame:
    """One row per vessel, UTC day and cell where it lay still at least ``min_stay_h``
    (``columns.ANCHORAGE_EVIDENCE_COLUMNS``, plus ``date``), sorted.

    ``tracks`` comes from ``build_tracks`` with the ``fishing`` column of ``features.context``
    (without it no vessel counts as fishing).
    """
    require_columns(tracks, [c.MMSI, c.TIMESTAMP, c.LAT, c.LON, c.IMPLIED_SPEED_KNOTS],
                    "anchorage_evidence(tracks)")
    still = speed_for_rules_knots(tracks) <= params.stationary_max_knots
    if c.FISHING in tracks:
        still &= ~tracks[c.FISHING].to_numpy(dtype=bool)
    rows = np.flatnonzero(still)
    t_us = timestamp_us(tracks)[rows]
    part = pd.DataFrame({
        c.MMSI: tracks[c.MMSI].to_numpy(dtype="int64")[rows],
        _DAY: t_us // (86_400 * 1_000_000),
        _CELL: grid.cell_keys(tracks[c.LAT].to_numpy()[rows], tracks[c.LON].to_numpy()[rows],
                              params.cell_deg),
        c.LAT: tracks[c.LAT].to_numpy(dtype="float64")[rows],
        c.LON: tracks[c.LON].to_numpy(dtype="float64")[rows],
        "t_us": t_us,
    })
    agg = part.groupby([_DAY, c.MMSI, _CELL], sort=True).agg(
        lat=(c.LAT, "mean"), lon=(c.LON, "mean"), first_us=("t_us", "min"),
        last_us=("t_us", "max")).reset_index()
    hours = (agg["last_us"] - agg["first_us"]) / 3.6e9
    agg = agg[hours >= params.min_stay_h].reset_index(drop=True)
    out = pd.DataFrame({
        c.DATE: pd.to_datetime(agg[_DAY].to_numpy() * 86_400, unit="s").date,
        c.MMSI: agg[c.MMSI].astype("int64"),
        c.LAT: agg[c.LAT].astype("float64"),
        c.LON: agg[c.LON].astype("float64"),
        c.FIRST_SEEN: pd.to_datetime(agg["first_us"].to_numpy(), unit="us", utc=True),
        c.LAST_SEEN: pd.to_datetime(agg["last_us"].to_numpy(), unit="us", utc=True),
        c.STATIONARY_H: ((agg["last_us"] - agg["first_us"]) / 3.6e9).astype("float64"),
    })
    for col in (c.FIRST_SEEN, c.LAST_SEEN):
        out[col] = out[col].astype("datetime64[us, UTC]")
    return out


def learn_anchorages(evidence: pd.DataFrame, params: AnchorageParams = AnchorageParams()
                     ) -> pd.DataFrame:
    """The anchorage cells (``columns.ANCHORAGE_COLUMNS``: cell centre, distinct vessels, first
    and last stationary fix) from evidence rows of any number of days, sorted by position."""
    require_columns(evidence, [c.MMSI, c.LAT, c.LON, c.FIRST_SEEN, c.LAST_SEEN],
                    "learn_anchorages(evidence)")
    if evidence.empty:
        return _empty_anchorages()
    own = grid.cell_keys(evidence[c.LAT], evidence[c.LON], params.cell_deg)
    spread = grid.neighbours(own, params.cell_deg, params.count_rings)  # (n, k) keys round each
    k = spread.shape[1]
    cells = pd.DataFrame({
        _CELL: spread.ravel(),
        c.MMSI: np.repeat(evidence[c.MMSI].to_numpy(dtype="int64"), k),
        c.FIRST_SEEN: np.repeat(evidence[c.FIRST_SEEN].to_numpy(), k),
        c.LAST_SEEN: np.repeat(evidence[c.LAST_SEEN].to_numpy(), k),
    })
    agg = cells.groupby(_CELL, sort=True).agg(
        vessels=(c.MMSI, "nunique"), first=(c.FIRST_SEEN, "min"), last=(c.LAST_SEEN, "max"))
    agg = agg[(agg["vessels"] >= params.min_vessels) & agg.index.isin(own)]
    lat, lon = grid.cell_centres(agg.index.to_numpy(), params.cell_deg)
    out = pd.DataFrame({
        c.LAT: np.round(lat, 6), c.LON: np.round(lon, 6),
        c.VESSELS: agg["vessels"].to_numpy(dtype="int64"),
        c.FIRST_SEEN: pd.to_datetime(agg["first"].to_numpy(), utc=True),
        c.LAST_SEEN: pd.to_datetime(agg["last"].to_numpy(), utc=True),
    })
    for col in (c.FIRST_SEEN, c.LAST_SEEN):
        out[col] = out[col].astype("datetime64[us, UTC]")
    return out.reset_index(drop=True)


def anchorage_cells(anchorages: pd.DataFrame, params: AnchorageParams = AnchorageParams()
                    ) -> grid.IntArray:
    """Sorted keys of every cell that counts as anchorage: the learned cells and their buffer."""
    keys = grid.cell_keys(anchorages[c.LAT], anchorages[c.LON], params.cell_deg)
    return grid.neighbourhood(keys, params.cell_deg, params.buffer_cells)


def _empty_anchorages() -> pd.DataFrame:
    return pd.DataFrame({
        c.LAT: pd.Series(dtype="float64"), c.LON: pd.Series(dtype="float64"),
        c.VESSELS: pd.Series(dtype="int64"),
        c.FIRST_SEEN: pd.Series(dtype="datetime64[us, UTC]"),
        c.LAST_SEEN: pd.Series(dtype="datetime64[us, UTC]"),
    })
