"""Where each fix is: in a port, at an anchorage or berth, or at sea; and how well it is heard.

The one context layer every detector reads (no detector keeps an "at sea" rule of its own):

- **port**: within ``port_radius_nm`` of a seaport of the NGA World Port Index
  (``features.geo.load_ports``); the fix's ``port_name`` names it.
- **anchorage**: a learned anchorage or berth cell (``features.anchorages``: grid cells where
  several distinct vessels lay still, over the stored history and the window); or lying still
  with AIS navigational status "at anchor" or "moored" within ``status_anchorage_max_port_nm`` of a
  port; or lying still on a cell the land mask calls land (a harbour basin the 1 km mask cannot
  resolve: no ship lies still on land, so it lies in a harbour); or lying slow (at most
  ``wait_max_knots``) within ``wait_max_port_nm`` of the port area the vessel enters next, within
  ``wait_before_port_h``: a ship waiting off the port it is bound for.
- **land**: *deep* on land (``features.land.deep_land``: land all round at ``land_margin_nm``),
  outside port areas and outside waterways learned from traffic (cells where
  ``waterway_min_vessels`` distinct vessels were heard). The mask counts lakes, rivers and canals
  as land, so such a fix is either on inland water the mask cannot see (a Mississippi barge, a
  Great Lakes freighter) or a false position; either way it is not at sea, and never makes a
  gap, a meeting or loitering. A false position got there by an implausible jump, which the
  spoofing detector reports.
- **sea**: every other fix.

A fishing vessel (AIS ship type 30 in its static reports) or a fix with status "engaged
in fishing" is flagged ``fishing``: lying still on a fishing ground is neither anchoring nor
loitering.

Coverage (``features.coverage``) is learned from the same window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features import grid
from vessel_risk.features.anchorages import (
    AnchorageParams,
    anchorage_cells,
    anchorage_evidence,
    learn_anchorages,
)
from vessel_risk.features.coverage import Coverage, CoverageParams, learn_coverage
from vessel_risk.features.geo import haversine_nm, nearest_port_index, port_tree
from vessel_risk.features.land import LandMask, deep_land
from vessel_risk.features.tracks import build_tracks, speed_for_rules_knots, timestamp_us

# AIS navigational status codes (ITU-R M.1371).
STATUS_AT_ANCHOR = 1
STATUS_MOORED = 5
STATUS_FISHING = 7
# AIS ship-and-cargo type of fishing vessels.
SHIP_TYPE_FISHING = 30


@dataclass(frozen=True)
class ContextParams:
    """Where a fix is: one set of parameters for every detector (units in the names)."""

    # The World Port Index puts a port at one point, usually the harbour entrance or the town;
    # a harbour's basins and berths lie within a few nm of it. Berths and anchorages farther out
    # are learned from the ships (anchorages below), so the radius stays harbour-sized.
    port_radius_nm: float = 3.0
    # A vessel lying still with status "at anchor" or "moored" this close to a port is waiting
    # for, or lying at, that port; anchorages lie within ~10 nm of their port.
    status_anchorage_max_port_nm: float = 10.0
    anchored_statuses: tuple[int, ...] = (STATUS_AT_ANCHOR, STATUS_MOORED)
    # A ship lying slow (loitering speed) this close to the port it enters within the next hours
    # is waiting for its berth or pilot; anchorages lie a few nm off their port.
    wait_max_knots: float = 2.0
    wait_max_port_nm: float = 8.0
    wait_before_port_h: float = 12.0
    # A fix is deep on land when the mask says land at it and at 8 points this far round it:
    # harbour basins, rivers and fjords narrower than ~2 nm are land to a 1 km mask.
    land_margin_nm: float = 1.0
    # Cells (0.05 degree, ~3 nm) where at least this many distinct vessels were heard are
    # water whatever the mask says: lakes, canals and rivers with traffic.
    waterway_cell_deg: float = 0.05
    waterway_min_vessels: int = 3
    anchorages: AnchorageParams = field(default_factory=AnchorageParams)
    coverage: CoverageParams = field(default_factory=CoverageParams)


@dataclass
class Context:
    """A window's tracks with their context, and what was learned from them."""

    tracks: pd.DataFrame  # build_tracks output plus place, port_name, fishing, area_heard_every_min
    anchorages: pd.DataFrame  # learned anchorage cells (history and window)
    evidence: pd.DataFrame  # the window's anchorage evidence, by day
    coverage: Coverage
    ports: pd.DataFrame


def situate(
    positions: pd.DataFrame,
    statics: pd.DataFrame,
    ports: pd.DataFrame,
    land: LandMask | None = None,
    params: ContextParams = ContextParams(),
    history: pd.DataFrame | None = None,
) -> Context:
    """Tracks of ``positions`` with ``place``, ``port_name``, ``fishing`` and how well its area is
    heard (``area_heard_every_min``) for every fix.

    ``history`` holds anchorage evidence of earlier days (``features.anchorages``); without
    ``land`` no fix is judged to be on land.
    """
    return situate_tracks(build_tracks(positions), statics, ports, land, params, history)


def situate_tracks(
    tracks: pd.DataFrame,
    statics: pd.DataFrame,
    ports: pd.DataFrame,
    land: LandMask | None = None,
    params: ContextParams = ContextParams(),
    history: pd.DataFrame | None = None,
) -> Context:
    """:func:`situate` for tracks already built (``build_tracks``), which gain the context
    columns: a caller with a day of positions can let them go before the context is worked out."""
    tracks[c.FISHING] = fishing(tracks, statics)
    lat = tracks[c.LAT].to_numpy(dtype="float64")
    lon = tracks[c.LON].to_numpy(dtype="float64")
    tree = port_tree(ports) if len(ports) else None
    _, port_index = nearest_port_index(lat, lon, ports, tree, params.port_radius_nm)
    in_port = port_index >= 0
    names = np.full(len(tracks), None, dtype=object)
    names[in_port] = ports[c.NAME].astype("object").to_numpy()[port_index[in_port]]

    evidence = anchorage_evidence(tracks, params.anchorages)
    known = evidence if history is None or history.empty else pd.concat(
        [history[evidence.columns], evidence], ignore_index=True)
    anchorages = learn_anchorages(known, params.anchorages)
    cells = anchorage_cells(anchorages, params.anchorages)
    anchored = grid.member(grid.cell_keys(lat, lon, params.anchorages.cell_deg), cells)
    still = ~in_port & (speed_for_rules_knots(tracks) <= params.anchorages.stationary_max_knots)
    anchored |= still & _lying_at_port(tracks, lat, lon, ports, tree, params)
    anchored |= ~in_port & _waiting_for_port(tracks, lat, lon, in_port, params)
    inland = np.zeros(len(tracks), dtype=bool)
    if land is not None:
        anchored |= still & land.is_land(lat, lon)
        inland = ~in_port & _deep_inland(tracks, lat, lon, land, params)

    places = [c.PLACE_PORT, c.PLACE_ANCHORAGE, c.PLACE_SEA, c.PLACE_LAND]  # codes 0-3
    tracks[c.PLACE] = pd.Categorical.from_codes(
        np.select([in_port, inland, anchored], [0, 3, 1], 2).astype("int8"), categories=places)
    tracks[c.PORT_NAME] = pd.array(names, dtype="string")
    coverage = learn_coverage(tracks, params.coverage)
    tracks[c.AREA_HEARD_EVERY_MIN] = coverage.interval_h(lat, lon) * 60.0
    return Context(tracks, anchorages, evidence, coverage, ports)


def _deep_inland(tracks: pd.DataFrame, lat: np.ndarray, lon: np.ndarray, land: LandMask,
                 params: ContextParams) -> np.ndarray:
    """Fixes deep on land by the mask, outside waterways learned from traffic."""
    out = deep_land(land, lat, lon, params.land_margin_nm)
    rows = np.flatnonzero(out)
    if len(rows):
        cells = grid.cell_keys(lat, lon, params.waterway_cell_deg)
        land_cells = np.unique(cells[rows])
        there = grid.member(cells, land_cells)  # only traffic in those cells matters
        heard = pd.DataFrame({"cell": cells[there], c.MMSI: tracks[c.MMSI].to_numpy()[there]})
        per_cell = heard.drop_duplicates().groupby("cell").size()
        busy = np.sort(per_cell.index[per_cell >= params.waterway_min_vessels].to_numpy("int64"))
        out[rows[grid.member(cells[rows], busy)]] = False
    return out


def fishing(tracks: pd.DataFrame, statics: pd.DataFrame) -> np.ndarray:
    """True for fixes of fishing vessels (ship type 30 in any static report of the window) and
    fixes with status "engaged in fishing"."""
    out = np.zeros(len(tracks), dtype=bool)
    if c.NAV_STATUS in tracks:
        out |= tracks[c.NAV_STATUS].to_numpy(dtype="float64", na_value=np.nan) == STATUS_FISHING
    if len(statics) and c.SHIP_TYPE in statics:
        types = pd.to_numeric(statics[c.SHIP_TYPE], errors="coerce")
        boats = statics.loc[types == SHIP_TYPE_FISHING, c.MMSI].to_numpy(dtype="int64")
        out |= np.isin(tracks[c.MMSI].to_numpy(dtype="int64"), boats)
    return out


def _waiting_for_port(tracks: pd.DataFrame, lat: np.ndarray, lon: np.ndarray,
                      in_port: np.ndarray, params: ContextParams) -> np.ndarray:
    """Slow fixes followed, within ``wait_before_port_h``, by the vessel's next fix in a port area
    no farther than ``wait_max_port_nm``."""
    port_rows = np.flatnonzero(in_port)
    if len(port_rows) == 0:
        return np.zeros(len(tracks), dtype=bool)
    nxt = port_rows[np.minimum(np.searchsorted(port_rows, np.arange(len(tracks))),
                               len(port_rows) - 1)]
    mmsi = tracks[c.MMSI].to_numpy()
    t_us = timestamp_us(tracks)
    slow = speed_for_rules_knots(tracks) <= params.wait_max_knots
    soon = (t_us[nxt] - t_us) <= params.wait_before_port_h * 3_600_000_000
    rows = np.flatnonzero(slow & (nxt >= np.arange(len(tracks))) & (mmsi[nxt] == mmsi) & soon)
    out = np.zeros(len(tracks), dtype=bool)
    to = nxt[rows]
    out[rows] = haversine_nm(lat[rows], lon[rows], lat[to], lon[to]) <= params.wait_max_port_nm
    return out


def _lying_at_port(tracks: pd.DataFrame, lat: np.ndarray, lon: np.ndarray, ports: pd.DataFrame,
                   tree: object, params: ContextParams) -> np.ndarray:
    """Fixes with an anchored or moored status within ``status_anchorage_max_port_nm`` of a port."""
    out = np.zeros(len(tracks), dtype=bool)
    if c.NAV_STATUS not in tracks or tree is None:
        return out
    status = tracks[c.NAV_STATUS].to_numpy(dtype="float64", na_value=np.nan)
    rows = np.flatnonzero(np.isin(status, params.anchored_statuses))
    if len(rows):
        dist, _ = nearest_port_index(lat[rows], lon[rows], ports, tree,  # type: ignore[arg-type]
                                     params.status_anchorage_max_port_nm)
        out[rows] = np.isfinite(dist)
    return out
