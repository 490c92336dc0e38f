"""Receiver coverage learned from the feed itself: where, and when, vessels are heard.

Terrestrial AIS is heard some 40 nm off a receiver, with holes, outages and archives thinned to one
fix every few minutes or hours. A silence only means something where the vessel *would* have been
heard. Two measures, both from the positions of the window:

- **cells** (``cell_deg``): a cell is *well heard* when at least ``min_vessels`` vessels were
  heard in it and the cells round it (coverage is smooth: a receiver covers a wide area) and the
  typical time between a vessel's consecutive fixes there is at most ``max_interval_h``; *poorly
  heard* when that many vessels were heard there, less often (a thinned feed). A cell where vessels pass without being heard is a *hole*: the straight lines through
  the silences (at least ``hole_min_silence_h`` and three of the vessel's usual intervals) of at
  least ``hole_min_vessels`` distinct vessels cross it, and it is not well heard. Every other cell
  is *unknown*: nobody sailed there, so nothing says the receivers would miss a vessel there.
- **regions and hours** (``region_deg``): an hour in which a region's receivers heard fewer than
  ``outage_share`` of a busy hour's fixes there (the ``busy_hour_quantile`` of its hours) is an
  *outage* (a station down, or an archive that kept only some hours of the day); nothing in it
  counts as covered.

The per cell-and-hour table (:func:`coverage_table`) also gives how much of what the vessels
there should have transmitted (ITU-R M.1371 reporting intervals) was heard: the data coverage an
officer reads in the report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features import grid
from vessel_risk.features.tracks import US_PER_H, frame_of, require_columns, timestamp_us

FloatArray = npt.NDArray[np.float64]
# Class B position reports (AIS types 18 and 19); every other position report is class A.
_CLASS_B_TYPES = (18, 19)


@dataclass(frozen=True)
class CoverageParams:
    """How coverage is measured (units in the names)."""

    # Coverage cells of 0.2 degree (12 nm north-south): a terrestrial receiver covers ~40 nm, so
    # its edge and its holes are several cells wide, while each cell collects enough traffic.
    cell_deg: float = 0.2
    # A cell is well heard when its vessels' median time between fixes is at most this. Class A
    # ships send every 2-10 s under way and every 3 min at anchor; archives thinned to a fix
    # every 10-30 min are still well heard, a feed with a fix every few hours is not.
    max_interval_h: float = 1.0
    # ... and at least this many distinct vessels were heard there (the vessel itself and one
    # other): a lone track is no evidence of a receiver.
    min_vessels: int = 2
    # Receiver outages are judged over regions of 1 degree: about one station's reach.
    region_deg: float = 1.0
    # An hour with fewer fixes than this share of a busy hour's is an outage ...
    outage_share: float = 0.2
    # ... a busy hour being this quantile of the region's heard hours: an archive that kept two
    # hours of the day has 22 outage hours, not a quiet normal.
    busy_hour_quantile: float = 0.9
    # Regions whose busy hour holds fewer fixes than this are too quiet to judge outages in: with
    # a few vessels, an hour with a fifth of the busy hour's fixes happens by chance.
    min_region_fixes_per_h: float = 50.0
    # Longest span one fix stands for when counting what vessels should have sent (hours).
    max_presence_h: float = 1.0
    # Silences that teach where the holes are: at least this long (and three of the vessel's
    # usual intervals between fixes): an hour unheard is far beyond any reporting interval.
    hole_min_silence_h: float = 1.0
    # Distinct vessels whose silences must cross a cell for it to be a hole: one vessel's
    # silence is its own business (maybe the very gap being judged); three is a pattern.
    hole_min_vessels: int = 3
    # Points per silence at which its straight line is sampled.
    hole_path_points: int = 12


@dataclass(frozen=True)
class Coverage:
    """Coverage learned from one window of tracks (see the module docstring)."""

    params: CoverageParams
    good_cells: grid.IntArray  # sorted keys of well-heard cells
    bad_cells: grid.IntArray  # sorted keys of poorly heard cells and holes
    hole_cells: grid.IntArray  # sorted keys of holes
    cell_keys: grid.IntArray  # sorted keys of every cell heard, with ...
    cell_interval_h: FloatArray  # ... its median interval between fixes
    region_hours: grid.IntArray  # sorted keys (region * 2^20 + hour number) of outage hours
    region_keys: grid.IntArray  # sorted keys of regions heard, with ...
    region_last_us: npt.NDArray[np.int64]  # ... the time of the last fix heard there
    heard: pd.DataFrame  # distinct (cell, hour number, mmsi), sorted: who was heard where, when

    def covered(self, lat: npt.ArrayLike, lon: npt.ArrayLike, t_us: npt.ArrayLike,
                unknown_covered: bool = True) -> npt.NDArray[np.bool_]:
        """True where a vessel at a position and time would have been heard: a well-heard cell
        (or, with ``unknown_covered``, a cell nobody sailed in), outside a receiver outage."""
        t = np.asarray(t_us, dtype="int64")
        keys = grid.cell_keys(lat, lon, self.params.cell_deg)
        if unknown_covered:
            ok = ~grid.member(keys, self.bad_cells)
        else:
            ok = grid.member(keys, self.good_cells)
        outage = grid.member(_region_hour(lat, lon, t, self.params), self.region_hours)
        return ok & ~outage

    def near_hole(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """True where a position is in or next to a coverage hole: a vessel last heard there may
        have gone on into it."""
        keys = grid.neighbours(grid.cell_keys(lat, lon, self.params.cell_deg),
                               self.params.cell_deg, 1)
        return np.asarray(grid.member(keys, self.hole_cells).any(axis=1), dtype=bool)

    def interval_h(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
        """Median interval between fixes in the cell of each position (NaN where none heard)."""
        keys = grid.cell_keys(lat, lon, self.params.cell_deg)
        return _lookup(self.cell_keys, self.cell_interval_h, keys, np.nan)

    def area_end(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """The last fix heard in the region of each position (microseconds; -1 where none)."""
        keys = grid.cell_keys(lat, lon, self.params.region_deg)
        return _lookup(self.region_keys, self.region_last_us, keys, -1).astype("int64")

    def heard_during(self, lat: FloatArray, lon: FloatArray, start_us: int, end_us: int,
                     exclude_mmsi: int) -> int:
        """Distinct other vessels heard in the cells of the given positions between two times."""
        cells = np.unique(grid.cell_keys(lat, lon, self.params.cell_deg))
        h0, h1 = start_us // US_PER_H, end_us // US_PER_H
        keys = self.heard["key"].to_numpy()
        found: list[np.ndarray] = []
        for cell in cells:  # a path crosses a handful of cells: a loop over cells, not rows
            lo = np.searchsorted(keys, cell * (1 << 32) + h0, side="left")
            hi = np.searchsorted(keys, cell * (1 << 32) + h1, side="right")
            found.append(self.heard[c.MMSI].to_numpy()[lo:hi])
        vessels = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype="int64")
        return int(np.count_nonzero(vessels != exclude_mmsi))


def learn_coverage(tracks: pd.DataFrame, params: CoverageParams = CoverageParams()) -> Coverage:
    """Coverage of the window from its tracks (``build_tracks`` output)."""
    require_columns(tracks, [c.MMSI, c.TIMESTAMP, c.LAT, c.LON, c.DT_H], "learn_coverage(tracks)")
    lat = tracks[c.LAT].to_numpy(dtype="float64")
    lon = tracks[c.LON].to_numpy(dtype="float64")
    mmsi = tracks[c.MMSI].to_numpy(dtype="int64")
    t_us = timestamp_us(tracks)
    cells = grid.cell_keys(lat, lon, params.cell_deg)
    dt_h = tracks[c.DT_H].to_numpy(dtype="float64", na_value=np.nan)

    per_cell = pd.DataFrame({"cell": cells, c.MMSI: mmsi, "dt": dt_h}).groupby("cell", sort=True)
    stats = per_cell.agg(vessels=(c.MMSI, "nunique"), fixes=("dt", "count"),
                         interval=("dt", "median"))
    cell_keys = stats.index.to_numpy(dtype="int64")
    own_good = ((stats["vessels"].to_numpy() >= params.min_vessels)
                & (stats["interval"].to_numpy() <= params.max_interval_h))
    vessels, interval = _pooled(cell_keys, stats, params)
    enough = vessels >= params.min_vessels
    good = enough & (interval <= params.max_interval_h)
    holes = np.setdiff1d(_hole_cells(tracks, lat, lon, t_us, params), cell_keys[own_good])
    bad = np.union1d(cell_keys[enough & ~good], holes)

    region = _region_hour(lat, lon, t_us, params)
    rh, counts = grid.counted(region)
    region_of = rh >> 20
    outages = _outage_hours(rh, region_of, counts, params)
    regions = grid.cell_keys(lat, lon, params.region_deg)
    last = pd.Series(t_us).groupby(regions, sort=True).max()

    key = cells * (1 << 32) + t_us // US_PER_H
    # A vessel's fixes in one cell and hour mostly follow each other in track order: those
    # repeats go first, at one comparison a fix, before the distinct pairs are hashed and sorted.
    repeat = np.zeros(len(key), dtype=bool)
    repeat[1:] = (key[1:] == key[:-1]) & (mmsi[1:] == mmsi[:-1])
    heard = pd.DataFrame({"key": key[~repeat], c.MMSI: mmsi[~repeat]}).drop_duplicates()
    heard = heard.sort_values(["key", c.MMSI], kind="mergesort").reset_index(drop=True)
    return Coverage(params, cell_keys[good], bad, holes, cell_keys, interval, outages,
                    last.index.to_numpy(dtype="int64"), last.to_numpy(dtype="int64"), heard)


# The columns coverage_table reads (speed and message type, when present, set the nominal rate)
TABLE_COLUMNS = [c.MMSI, c.TIMESTAMP, c.LAT, c.LON, c.DT_H, c.SOG_KNOTS, c.MSG_TYPE]


def coverage_table(tracks: pd.DataFrame, params: CoverageParams = CoverageParams()
                   ) -> pd.DataFrame:
    """One row per coverage cell and UTC hour (``columns.COVERAGE_COLUMNS``), sorted: fixes and
    distinct vessels heard, the median interval between fixes, and the share of the reports the
    vessels there should have sent (ITU-R M.1371 nominal intervals) that was heard."""
    require_columns(tracks, [c.MMSI, c.TIMESTAMP, c.LAT, c.LON, c.DT_H], "coverage_table(tracks)")
    t_us = timestamp_us(tracks)
    frame = frame_of({
        "cell": grid.cell_keys(tracks[c.LAT], tracks[c.LON], params.cell_deg),
        "hour": t_us // US_PER_H,
        c.MMSI: tracks[c.MMSI].to_numpy(dtype="int64"),
        "dt": tracks[c.DT_H].to_numpy(dtype="float64", na_value=np.nan),
        "expected": _expected_reports(tracks, t_us, params),
    })
    agg = frame.groupby(["cell", "hour"], sort=True).agg(
        fixes=(c.MMSI, "size"), vessels=(c.MMSI, "nunique"), interval=("dt", "median"),
        expected=("expected", "sum")).reset_index()
    lat, lon = grid.cell_centres(agg["cell"].to_numpy(), params.cell_deg)
    return pd.DataFrame({
        c.LAT: np.round(lat, 6), c.LON: np.round(lon, 6),
        c.HOUR: pd.to_datetime(agg["hour"].to_numpy() * 3600, unit="s", utc=True).astype(
            "datetime64[us, UTC]"),
        c.FIXES: agg["fixes"].astype("int64"), c.VESSELS: agg["vessels"].astype("int64"),
        c.MEDIAN_INTERVAL_MIN: (agg["interval"] * 60.0).astype("float64"),
        c.HEARD_SHARE: np.minimum(agg["fixes"] / agg["expected"].clip(lower=1.0), 1.0),
    })


def _pooled(keys: grid.IntArray, stats: pd.DataFrame, params: CoverageParams
            ) -> tuple[npt.NDArray[np.int64], FloatArray]:
    """Each cell's vessels (summed) and typical interval (median of its cells' medians, weighted
    by their fixes) over the cell and the 8 round it."""
    near = grid.neighbours(keys, params.cell_deg, 1)
    pos = np.clip(np.searchsorted(keys, near), 0, len(keys) - 1)
    found = keys[pos] == near
    vessels = np.where(found, stats["vessels"].to_numpy()[pos], 0).sum(axis=1)
    fixes = np.where(found, stats["fixes"].to_numpy()[pos], 0).astype("float64")
    medians = np.where(found, np.nan_to_num(stats["interval"].to_numpy()[pos], nan=np.inf), np.inf)
    order = np.argsort(medians, axis=1)
    sorted_fixes = np.take_along_axis(fixes, order, axis=1)
    half = np.cumsum(sorted_fixes, axis=1) >= sorted_fixes.sum(axis=1, keepdims=True) / 2.0
    pick = np.take_along_axis(order, np.argmax(half, axis=1)[:, None], axis=1)[:, 0]
    interval = medians[np.arange(len(keys)), pick]
    return vessels, np.where(np.isfinite(interval), interval, np.nan)


def _hole_cells(tracks: pd.DataFrame, lat: FloatArray, lon: FloatArray,
                t_us: npt.NDArray[np.int64], params: CoverageParams) -> grid.IntArray:
    """Cells crossed by the silences of at least ``hole_min_vessels`` distinct vessels."""
    dt_h = tracks[c.DT_H].to_numpy(dtype="float64", na_value=np.nan)
    own = pd.Series(dt_h).groupby(tracks[c.MMSI].to_numpy()).transform("median").to_numpy()
    after = np.flatnonzero((dt_h >= params.hole_min_silence_h) & ~(dt_h < 3.0 * own))
    if len(after) == 0:
        return np.zeros(0, dtype="int64")
    before = after - 1
    frac = np.linspace(0.0, 1.0, params.hole_path_points)[None, :]
    dlon = (lon[after] - lon[before] + 180.0) % 360.0 - 180.0
    p_lat = lat[before, None] + frac * (lat[after] - lat[before])[:, None]
    p_lon = (lon[before, None] + frac * dlon[:, None] + 180.0) % 360.0 - 180.0
    cells = grid.cell_keys(p_lat.ravel(), p_lon.ravel(), params.cell_deg)
    mmsi = np.repeat(tracks[c.MMSI].to_numpy(dtype="int64")[after], params.hole_path_points)
    crossed = pd.DataFrame({"cell": cells, c.MMSI: mmsi}).drop_duplicates()
    per_cell = crossed.groupby("cell").size()
    return np.sort(per_cell.index[per_cell >= params.hole_min_vessels].to_numpy(dtype="int64"))


def nominal_interval_s(sog_knots: FloatArray, msg_type: npt.ArrayLike) -> FloatArray:
    """Seconds between a vessel's position reports by ITU-R M.1371 (unknown SOG: under way).

    Class A: 180 s at anchor or moored (below 3 kn), 10 s up to 14 kn, 6 s up to 23 kn, 2 s
    above. Class B (types 18, 19): 180 s below 2 kn, 30 s above.
    """
    sog = np.nan_to_num(np.asarray(sog_knots, dtype="float64"), nan=10.0)
    class_b = np.isin(np.asarray(msg_type), _CLASS_B_TYPES)
    class_a = np.select([sog < 3.0, sog <= 14.0, sog <= 23.0], [180.0, 10.0, 6.0], 2.0)
    return np.where(class_b, np.where(sog < 2.0, 180.0, 30.0), class_a)


def _expected_reports(tracks: pd.DataFrame, t_us: npt.NDArray[np.int64],
                      params: CoverageParams) -> FloatArray:
    """Reports each fix stands for: the time to the vessel's next fix (capped) over its nominal
    reporting interval."""
    mmsi = tracks[c.MMSI].to_numpy()
    span_h = np.full(len(t_us), params.max_presence_h)
    if len(t_us) > 1:
        nxt = (t_us[1:] - t_us[:-1]) / US_PER_H
        same = mmsi[1:] == mmsi[:-1]
        span_h[:-1] = np.where(same, np.minimum(nxt, params.max_presence_h), span_h[:-1])
    sog = (tracks[c.SOG_KNOTS].to_numpy(dtype="float64", na_value=np.nan)
           if c.SOG_KNOTS in tracks else np.full(len(t_us), np.nan))
    types = tracks[c.MSG_TYPE].to_numpy() if c.MSG_TYPE in tracks else np.ones(len(t_us))
    return span_h * 3600.0 / nominal_interval_s(sog, types)


def _region_hour(lat: npt.ArrayLike, lon: npt.ArrayLike, t_us: npt.NDArray[np.int64],
                 params: CoverageParams) -> grid.IntArray:
    """Key of (region, hour since the epoch); hours fit in 20 bits for over a century."""
    return (grid.cell_keys(lat, lon, params.region_deg) << 20) + (t_us // US_PER_H) % (1 << 20)


def _outage_hours(rh: grid.IntArray, region_of: grid.IntArray, counts: npt.NDArray[np.int64],
                  params: CoverageParams) -> grid.IntArray:
    """Keys of (region, hour) with too few fixes against the region's busy hour, counting the
    silent hours between the region's first and last heard hour as zero."""
    if len(rh) == 0:
        return np.zeros(0, dtype="int64")
    hour = rh & ((1 << 20) - 1)
    per_region = pd.DataFrame({"region": region_of, "hour": hour, "n": counts}).groupby("region")
    busy = per_region["n"].quantile(params.busy_hour_quantile)
    busy = busy[busy >= params.min_region_fixes_per_h]
    if busy.empty:
        return np.zeros(0, dtype="int64")
    span = per_region["hour"].agg(["min", "max"]).loc[busy.index]
    regions = np.repeat(busy.index.to_numpy(dtype="int64"),
                        (span["max"] - span["min"] + 1).to_numpy())
    hours = np.concatenate([np.arange(a, b + 1) for a, b in zip(span["min"], span["max"])])
    every = (regions << 20) + hours  # every hour of the busy regions' spans, sorted
    heard = np.zeros(len(every), dtype="int64")
    pos = np.searchsorted(every, rh)
    inside = (pos < len(every)) & (every[np.minimum(pos, len(every) - 1)] == rh)
    heard[pos[inside]] = counts[inside]
    limit = params.outage_share * np.repeat(busy.to_numpy(), (span["max"] - span["min"] + 1))
    return every[heard < limit]


def _lookup(keys: grid.IntArray, values: np.ndarray, query: grid.IntArray, missing: float
            ) -> np.ndarray:
    if len(keys) == 0:
        return np.full(len(query), missing, dtype="float64")
    pos = np.clip(np.searchsorted(keys, query), 0, len(keys) - 1)
    return np.where(keys[pos] == query, values[pos], missing)
