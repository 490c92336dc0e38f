"""Per-vessel evidence over a lookback window: the catalog's behaviour features from events.

One function, :func:`window_features`, turns an events table into one feature row per
``(mmsi, as_of)`` key. The daily screening calls it with one screening day; training calls it once
with every outcome's day over events detected once on the whole stored history
(``models.dataset``), so a feature means the same thing in both.

Which events belong to a key's window ``[as_of - lookback + 1, as_of]`` (whole UTC days):

* behaviour (gap, loitering, encounter, spoofing, shared MMSI, port visit) counts when it *started*
  in the window; its hours are clipped at the window's end, so nothing after ``as_of`` leaks in;
* identity facts (identity change, invalid MMSI, flag mismatch, watchlist) count when they
  *overlap* the window: they hold for as long as the vessel is heard.

Severity as well as counts: total hours dark at sea and loitering, the longest of each; the other
party of an encounter (met a watchlisted vessel; met a vessel with suspicious identity or dark
periods of its own in the same window); repetition (days of the window with at-sea behaviour);
behaviour that only makes sense for some ship types (loitering and meetings at sea of tankers,
cargo ships and passenger ships, whose trade has no reason for either, unlike fishing vessels,
tugs and service craft). Every value reads event columns only (``mmsi, event_type, start, end,
other_mmsi``), so a richer context layer (e.g. gap events that say whether coverage was good) can
refine them without changing this module's callers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.common.days import dates_of
from vessel_risk.features import catalog
from vessel_risk.features.condition import (
    SHIP_TYPE_CARGO,
    SHIP_TYPE_PASSENGER,
    SHIP_TYPE_TANKER,
    ship_type_group,
)
from vessel_risk.features.events import per_vessel_events
from vessel_risk.features.identity import linked_registry
from vessel_risk.ingest.registry import Registry

AS_OF = "as_of"  # the key's screening day (datetime.date): the window's last day
DAY = "day"  # a UTC day (datetime.date) of daily activity

# Identity facts hold while the vessel is heard: they count when they overlap the window.
STANDING_TYPES = (c.IDENTITY_CHANGE, c.INVALID_MMSI, c.FLAG_MISMATCH, c.WATCHLIST)
AT_SEA_TYPES = (c.GAP, c.LOITERING, c.ENCOUNTER, c.SPOOFING)
# What makes the other party of an encounter a vessel to worry about.
PARTNER_SUSPECT_TYPES = (c.GAP, c.SPOOFING, c.IDENTITY_SHARED, c.IDENTITY_CHANGE, c.INVALID_MMSI,
                         c.FLAG_MISMATCH, c.WATCHLIST)
# Ship types whose trade has no reason to drift offshore or meet another vessel at sea.
PURPOSEFUL_TRADE_GROUPS = (SHIP_TYPE_TANKER, SHIP_TYPE_CARGO, SHIP_TYPE_PASSENGER)

ACTIVITY_COLUMNS = [c.MMSI, DAY, "positions", "at_sea_positions"]


@dataclass(frozen=True)
class EvidenceParams:
    """Settings of :func:`window_features`."""

    lookback_days: int = 7  # the window's length in whole UTC days, ending on as_of


def daily_activity(tracks: pd.DataFrame) -> pd.DataFrame:
    """Per vessel and UTC day: positions and positions at sea (``ACTIVITY_COLUMNS``; at sea as
    ``features.context`` places them)."""
    if tracks.empty:
        return pd.DataFrame({col: pd.Series(dtype="int64") for col in ACTIVITY_COLUMNS}).assign(
            **{DAY: pd.Series(dtype=object)})
    at_sea = (tracks[c.PLACE] == c.PLACE_SEA).to_numpy()
    frame = pd.DataFrame({c.MMSI: tracks[c.MMSI].to_numpy(dtype="int64"),
                          DAY: dates_of(tracks[c.TIMESTAMP]), "at_sea": at_sea})
    out = frame.groupby([c.MMSI, DAY], sort=True).agg(
        positions=("at_sea", "size"), at_sea_positions=("at_sea", "sum")).reset_index()
    return out.astype({"positions": "int64", "at_sea_positions": "int64"})[ACTIVITY_COLUMNS]


def window_features(
    keys: pd.DataFrame,
    events: pd.DataFrame,
    activity: pd.DataFrame,
    ship_types: pd.Series | None = None,
    params: EvidenceParams = EvidenceParams(),
) -> pd.DataFrame:
    """One row per row of ``keys`` (``mmsi, as_of``) with ``mmsi, as_of`` and every behaviour
    feature of ``catalog.EVIDENCE_FEATURES`` (float64), in the order of ``keys``.

    ``events``: the events table (contract columns); ``activity``: :func:`daily_activity`;
    ``ship_types``: registry ship-type text or AIS type words per MMSI (index ``mmsi``), for the
    type-specific feature (NaN where unknown). Registry-dependent features (flag mismatch,
    watchlist) are 0 here; the caller makes them unknown where there was nothing to judge.
    """
    base = keys[[c.MMSI, AS_OF]].reset_index(drop=True).astype({c.MMSI: "int64"})
    start, end = _window_bounds(base[AS_OF], params.lookback_days)
    base["_start"], base["_end"] = start, end
    base["_key"] = np.arange(len(base))
    mine = _in_window(base, per_vessel_events(events))
    out = pd.DataFrame({c.MMSI: base[c.MMSI], AS_OF: base[AS_OF]})

    grouped = mine.groupby(["_key", c.EVENT_TYPE])["_hours"]
    counts = grouped.size().unstack(fill_value=0)
    longest = grouped.max().unstack()
    total = grouped.sum().unstack()
    for name, event_type, table in [
        (catalog.GAP_COUNT, c.GAP, counts), (catalog.GAP_HOURS_MAX, c.GAP, longest),
        (catalog.GAP_HOURS_TOTAL, c.GAP, total),
        (catalog.LOITERING_COUNT, c.LOITERING, counts),
        (catalog.LOITERING_HOURS_MAX, c.LOITERING, longest),
        (catalog.LOITERING_HOURS_TOTAL, c.LOITERING, total),
        (catalog.ENCOUNTER_COUNT, c.ENCOUNTER, counts),
        (catalog.ENCOUNTER_HOURS_MAX, c.ENCOUNTER, longest),
        (catalog.SPOOFING_COUNT, c.SPOOFING, counts),
        (catalog.IDENTITY_SHARED_COUNT, c.IDENTITY_SHARED, counts),
        (catalog.IDENTITY_CHANGE_COUNT, c.IDENTITY_CHANGE, counts),
        (catalog.INVALID_MMSI, c.INVALID_MMSI, counts),
        (catalog.PORT_VISIT_COUNT, c.PORT_VISIT, counts),
        (catalog.AREA_VISIT_COUNT, c.AREA_VISIT, counts),
        (catalog.FLAG_MISMATCH, c.FLAG_MISMATCH, counts),
        (catalog.WATCHLIST_HIT, c.WATCHLIST, counts),
    ]:
        values = table[event_type] if event_type in table else pd.Series(dtype="float64")
        out[name] = values.reindex(base["_key"]).fillna(0.0).to_numpy(dtype="float64")
    for name in (catalog.INVALID_MMSI, catalog.FLAG_MISMATCH, catalog.WATCHLIST_HIT):
        out[name] = out[name].clip(upper=1.0)

    suspicious = mine[mine[c.EVENT_TYPE].isin(catalog.SUSPICIOUS_EVENT_TYPES)]
    out[catalog.SUSPICIOUS_BEHAVIOURS] = _per_key(
        suspicious.groupby("_key")[c.EVENT_TYPE].nunique(), base)
    at_sea = mine[mine[c.EVENT_TYPE].isin(AT_SEA_TYPES)]
    out[catalog.BEHAVIOUR_DAYS] = _per_key(
        at_sea.assign(_day=at_sea[c.START].dt.floor("D")).groupby("_key")["_day"].nunique(), base)
    met_listed, met_suspect = _encounter_partners(base, mine, per_vessel_events(events))
    out[catalog.MET_WATCHLISTED] = met_listed
    out[catalog.MET_SUSPECT_VESSEL] = met_suspect
    out[catalog.UNUSUAL_FOR_TYPE] = _unusual_for_type(base, out, ship_types)
    days_seen, at_sea_share = _activity(base, activity, params.lookback_days)
    out[catalog.DAYS_SEEN] = days_seen
    out[catalog.AT_SEA_SHARE] = at_sea_share
    return out[[c.MMSI, AS_OF, *catalog.EVIDENCE_FEATURES]]


def _window_bounds(as_of: pd.Series, lookback_days: int) -> tuple[pd.Series, pd.Series]:
    """UTC start (inclusive) and end (exclusive, midnight after as_of) of each key's window."""
    day = pd.to_datetime(pd.Series(as_of).astype("datetime64[s]"), utc=True)
    end = day + pd.Timedelta(days=1)
    return (end - pd.Timedelta(days=lookback_days)).to_numpy(), end.to_numpy()


def _in_window(base: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Events of each key's vessel that belong to its window, with ``_key`` and ``_hours``
    (duration clipped at the window's end)."""
    pairs = base[[c.MMSI, "_key", "_start", "_end"]].merge(events, on=c.MMSI, how="inner")
    start = pairs[c.START].to_numpy(dtype="datetime64[us]")
    stop = pairs[c.END].to_numpy(dtype="datetime64[us]")
    w0 = pairs["_start"].to_numpy(dtype="datetime64[us]")
    w1 = pairs["_end"].to_numpy(dtype="datetime64[us]")
    standing = pairs[c.EVENT_TYPE].isin(STANDING_TYPES).to_numpy()
    started = (start >= w0) & (start < w1)
    overlaps = (start < w1) & (stop >= w0)
    keep = np.where(standing, overlaps, started)
    pairs = pairs.loc[keep].copy()
    clipped = np.minimum(stop[keep], w1[keep]) - start[keep]
    pairs["_hours"] = np.maximum(clipped.astype("int64"), 0) / 3.6e9
    return pairs


def _per_key(values: pd.Series, base: pd.DataFrame) -> np.ndarray:
    return values.reindex(base["_key"]).fillna(0.0).to_numpy(dtype="float64")


def _encounter_partners(
    base: pd.DataFrame, mine: pd.DataFrame, events: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Per key: encounters in the window with a watchlisted vessel, and with a vessel that had
    suspicious events of its own (``PARTNER_SUSPECT_TYPES``) in the same window."""
    meets = mine.loc[(mine[c.EVENT_TYPE] == c.ENCOUNTER) & mine[c.OTHER_MMSI].notna(),
                     ["_key", c.OTHER_MMSI, "_start", "_end"]]
    zeros = np.zeros(len(base), dtype="float64")
    if meets.empty:
        return zeros, zeros.copy()
    partners = meets.assign(**{c.MMSI: meets[c.OTHER_MMSI].astype("int64")})
    partners = partners.drop(columns=[c.OTHER_MMSI]).reset_index(drop=True)
    partners["_meet"] = np.arange(len(partners))
    theirs = _in_window(partners.rename(columns={"_key": "_owner"}).assign(
        _key=partners["_meet"]), events[events[c.EVENT_TYPE].isin(PARTNER_SUSPECT_TYPES)])
    listed = set(theirs.loc[theirs[c.EVENT_TYPE] == c.WATCHLIST, "_key"])
    suspect = set(theirs["_key"])
    partners["listed"] = partners["_meet"].isin(listed).astype("float64")
    partners["suspect"] = partners["_meet"].isin(suspect).astype("float64")
    per_key = partners.groupby("_key")[["listed", "suspect"]].sum()
    return (_per_key(per_key["listed"], base), _per_key(per_key["suspect"], base))


def _unusual_for_type(base: pd.DataFrame, out: pd.DataFrame,
                      ship_types: pd.Series | None) -> np.ndarray:
    """Loitering and meetings at sea of vessels whose trade has no reason for them; NaN where the
    ship type is unknown."""
    if ship_types is None:
        return np.full(len(base), np.nan)
    types = ship_types[~ship_types.index.duplicated()]
    group = ship_type_group(base[c.MMSI].map(types).astype("string"))
    purposeful = group.isin(PURPOSEFUL_TRADE_GROUPS).to_numpy()
    count = (out[catalog.LOITERING_COUNT] + out[catalog.ENCOUNTER_COUNT]).to_numpy()
    return np.where(group.isna().to_numpy(), np.nan, np.where(purposeful, count, 0.0))


def _activity(base: pd.DataFrame, activity: pd.DataFrame,
              lookback_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Days with positions in the window, and the share of its positions at sea (NaN if none)."""
    if activity.empty:
        return np.zeros(len(base)), np.full(len(base), np.nan)
    days = pd.to_datetime(pd.Series(activity[DAY]).astype("datetime64[s]"), utc=True)
    act = activity.assign(_t=days.to_numpy())
    pairs = base[[c.MMSI, "_key", "_start", "_end"]].merge(act, on=c.MMSI, how="inner")
    t = pairs["_t"].to_numpy(dtype="datetime64[us]")
    inside = (t >= pairs["_start"].to_numpy(dtype="datetime64[us]")) & (
        t < pairs["_end"].to_numpy(dtype="datetime64[us]"))
    per_key = pairs.loc[inside].groupby("_key").agg(
        days=(DAY, "size"), positions=("positions", "sum"), sea=("at_sea_positions", "sum"))
    days_seen = _per_key(per_key["days"], base)
    share = (per_key["sea"] / per_key["positions"]).reindex(base["_key"]).to_numpy(dtype="float64")
    return days_seen, share


def mark_unjudged(features: pd.DataFrame, links: pd.DataFrame, registry: Registry | None,
                  areas_given: bool = False) -> pd.DataFrame:
    """``features`` (with ``mmsi``) where judged features are unknown (NaN), never 0, when there
    was nothing to judge against: a flag mismatch needs the vessel's registry flag, a watchlist
    hit (and meeting a watchlisted vessel) needs a watchlist, entering an area of interest needs
    areas."""
    out = features.copy()
    if registry is None:
        has_flag = np.zeros(len(out), dtype=bool)
    else:
        rows = linked_registry(links, registry.vessels)
        flags = rows.loc[~rows.index.duplicated(), c.FLAG]
        has_flag = out[c.MMSI].map(flags).notna().to_numpy()
    out[catalog.FLAG_MISMATCH] = out[catalog.FLAG_MISMATCH].where(has_flag, np.nan)
    if registry is None or registry.watchlist is None:
        out[[catalog.WATCHLIST_HIT, catalog.MET_WATCHLISTED]] = np.nan
    if not areas_given:
        out[catalog.AREA_VISIT_COUNT] = np.nan
    return out
