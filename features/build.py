"""From a window of positions and statics (plus the registry) to events and one feature row per vessel.

This is the one place that runs every detector in order and aggregates their events into the
catalog's features; each detector stays a plain function in its own module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.common.allocator import release_freed_memory
from vessel_risk.common.days import on_day
from vessel_risk.features import catalog, evidence, geo, mmsi
from vessel_risk.features.areas import AreaVisitParams, detect_area_visits
from vessel_risk.features.condition import ConditionParams, condition_features
from vessel_risk.features.context import ContextParams, situate_tracks
from vessel_risk.features.coverage import TABLE_COLUMNS, coverage_table
from vessel_risk.features.encounters import EncounterParams, detect_encounters
from vessel_risk.features.events import empty_events, make_events, per_vessel_events
from vessel_risk.features.gaps import GapParams, detect_gaps
from vessel_risk.features.identity import (
    FlagMismatchParams,
    IdentityChangeParams,
    InvalidMmsiParams,
    detect_flag_mismatch,
    detect_identity_changes,
    detect_invalid_mmsi,
    detect_watchlist_hits,
    link_vessels,
    mmsis_seen,
)
from vessel_risk.features.identity_shared import IdentitySharedParams, detect_identity_shared
from vessel_risk.features.land import LandMask
from vessel_risk.features.loitering import LoiteringParams, detect_loitering
from vessel_risk.features.port_visits import PortVisitParams, detect_port_visits
from vessel_risk.features.spoofing import SpoofingParams, detect_spoofing
from vessel_risk.features.tracks import build_tracks
from vessel_risk.features.vessel_info import vessel_info
from vessel_risk.ingest.areas import Area
from vessel_risk.ingest.registry import Registry, build_year_warnings

BASE_STATION_MSG_TYPE = 4
# From this many fixes on, the memory the window's positions held is given back to the system
# once their tracks are built (``common.allocator``): the rest of the screening then grows
# from the tracks, not from the window read plus the tracks (1.6 GB less at 9 million fixes).
RELEASE_MIN_FIXES = 1_000_000
# Transmitters that are not vessels, when their number is well formed (a placeholder such as
# 111111111 is a ship with a mis-set number). Group (0MID) and coast-station (00MID) numbers are
# kept: a "coast station" sending class A positions is a ship with a mis-set or borrowed number,
# which is exactly what invalid_mmsi must report.
NOT_VESSEL_KINDS = [mmsi.SAR_AIRCRAFT, mmsi.HANDHELD, mmsi.CRAFT, mmsi.ATON, mmsi.SART, mmsi.MOB,
                    mmsi.EPIRB]


@dataclass(frozen=True)
class Window:
    """The screening day and the days before it that its features look at."""

    as_of: date
    lookback_days: int = 7

    @property
    def first_day(self) -> date:
        return self.as_of - timedelta(days=self.lookback_days - 1)

    @property
    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range(self.lookback_days)]

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(self.first_day, tz="UTC")

    @property
    def end(self) -> pd.Timestamp:
        """Exclusive: midnight after the screening day."""
        return pd.Timestamp(self.as_of + timedelta(days=1), tz="UTC")


@dataclass(frozen=True)
class DetectionParams:
    context: ContextParams = field(default_factory=ContextParams)
    gaps: GapParams = field(default_factory=GapParams)
    loitering: LoiteringParams = field(default_factory=LoiteringParams)
    encounters: EncounterParams = field(default_factory=EncounterParams)
    spoofing: SpoofingParams = field(default_factory=SpoofingParams)
    identity_shared: IdentitySharedParams = field(default_factory=IdentitySharedParams)
    port_visits: PortVisitParams = field(default_factory=PortVisitParams)
    area_visits: AreaVisitParams = field(default_factory=AreaVisitParams)
    identity_change: IdentityChangeParams = field(default_factory=IdentityChangeParams)
    invalid_mmsi: InvalidMmsiParams = field(default_factory=InvalidMmsiParams)
    flag_mismatch: FlagMismatchParams = field(default_factory=FlagMismatchParams)
    condition: ConditionParams = field(default_factory=ConditionParams)
    # Jumps within this many hours of a shared-MMSI period are that period's switches (the
    # identity_shared detector needs a few alternations before its event starts): its window.
    shared_explains_h: float = 6.0


@dataclass(frozen=True)
class Reference:
    """What a screening knows of the world besides the window's AIS and the registry."""

    ports: pd.DataFrame = field(default_factory=geo.load_ports)
    land: LandMask | None = None  # without it no fix is judged to be on land
    anchorage_history: pd.DataFrame | None = None  # anchorage evidence of days before the window
    areas: tuple[Area, ...] = ()  # user-given areas of interest


@dataclass
class Screening:
    """Everything computed for one window: events, features and what the risk list shows."""

    events: pd.DataFrame
    features: pd.DataFrame
    vessels: pd.DataFrame
    # What the window taught about places, for the store: the window's anchorage evidence by
    # day, the anchorages known as of the day, and the screening day's coverage table. The
    # window's tracks are not kept: at 9 million fixes they are most of a run's memory.
    anchorage_evidence: pd.DataFrame
    anchorages: pd.DataFrame
    coverage: pd.DataFrame
    # What was read or computed with a caveat (skipped watchlist rows, unknown ages), in words.
    warnings: list[str] = field(default_factory=list)
    # Per vessel and day: positions and positions at sea (features.evidence.daily_activity).
    activity: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Each MMSI's registry link (features.identity.link_vessels).
    links: pd.DataFrame = field(default_factory=pd.DataFrame)


def in_window(frame: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Rows whose timestamp falls in the window, of vessels (not base stations or beacons)."""
    ts = frame[c.TIMESTAMP]
    keep = (ts >= window.start) & (ts < window.end)
    # judged once per distinct MMSI, not per row: a day holds millions of rows, thousands of MMSIs
    ids = pd.Series(np.unique(frame[c.MMSI].to_numpy(dtype="int64")))
    not_vessel = ids[(mmsi.mmsi_kind(ids).isin(NOT_VESSEL_KINDS)
                      & (mmsi.mmsi_validity(ids) == mmsi.NOT_A_SHIP)).to_numpy()]
    keep &= ~frame[c.MMSI].isin(not_vessel).to_numpy()
    if c.MSG_TYPE in frame:
        keep &= frame[c.MSG_TYPE] != BASE_STATION_MSG_TYPE
    # one copy at most (reset_index would make a second): a day's window is millions of rows
    rows = frame.copy(deep=False) if bool(keep.all()) else frame.loc[keep]
    rows.index = pd.RangeIndex(len(rows))
    return rows


def screen(
    positions: pd.DataFrame,
    statics: pd.DataFrame,
    registry: Registry | None,
    window: Window,
    params: DetectionParams = DetectionParams(),
    reference: Reference | None = None,
) -> Screening:
    """Detect events and build one feature row per vessel heard in the window."""
    reference = Reference() if reference is None else reference
    positions = in_window(positions, window)
    statics = in_window(statics, window)
    seen = mmsis_seen(positions, statics)
    vessels_table = registry.vessels if registry is not None else None
    links = link_vessels(seen, statics, vessels_table)
    tracks = build_tracks(positions)
    del positions  # its rows live on in the tracks: a day's window is not held twice from here
    if len(tracks) >= RELEASE_MIN_FIXES:
        release_freed_memory()  # the window as read and the tracks' temporaries: gigabytes
    context = situate_tracks(tracks, statics, reference.ports, reference.land, params.context,
                             reference.anchorage_history)
    ports = reference.ports
    encounters = detect_encounters(tracks, ports, params.encounters)
    shared = detect_identity_shared(tracks, params.identity_shared)
    spoofing = detect_spoofing(tracks, params.spoofing)
    found = [
        detect_gaps(tracks, context.coverage, ports, params.gaps),
        # A vessel drifting beside another is in an encounter; loitering is for vessels alone.
        drop_explained(detect_loitering(tracks, ports, params.loitering), encounters),
        encounters,
        # Jumps between the two places of a shared MMSI are that event, not separate spoofing.
        drop_explained(spoofing, shared, margin_h=params.shared_explains_h),
        shared,
        detect_port_visits(tracks, params.port_visits),
        detect_area_visits(tracks, list(reference.areas), params.area_visits),
        detect_identity_changes(statics, params.identity_change),
        detect_invalid_mmsi(seen, params.invalid_mmsi),
        detect_flag_mismatch(seen, links, vessels_table, params.flag_mismatch),
        detect_watchlist_hits(seen, links, registry.watchlist if registry else None, statics,
                              vessels_table),
    ]
    found = [f for f in found if len(f)]
    events = pd.concat(found, ignore_index=True) if found else empty_events()
    events = make_events(events) if len(events) else empty_events()  # one order over detectors
    condition = condition_features(links, registry, window.as_of, params.condition)
    activity = evidence.daily_activity(tracks)
    vessels = vessel_info(seen, links, statics, registry)
    features = aggregate(seen, events, activity, vessels, condition, links, registry, window,
                         areas_given=bool(reference.areas))
    warnings = [] if registry is None else [
        *registry.warnings, *build_year_warnings(registry, window.as_of.year)]
    on_as_of = on_day(tracks[c.TIMESTAMP], window.as_of)
    day_tracks = tracks if bool(on_as_of.all()) else tracks.loc[
        on_as_of, [col for col in TABLE_COLUMNS if col in tracks.columns]]
    coverage = coverage_table(day_tracks, params.context.coverage)
    return Screening(events, features, vessels, context.evidence, context.anchorages, coverage,
                     warnings, activity, links)


def drop_explained(events: pd.DataFrame, explaining: pd.DataFrame, margin_h: float = 0.0
                   ) -> pd.DataFrame:
    """``events`` without those that overlap in time an ``explaining`` event of the same vessel
    (either vessel of a two-vessel event), widened by ``margin_h`` on both sides."""
    if events.empty or explaining.empty:
        return events
    spans = per_vessel_events(explaining)[[c.MMSI, c.START, c.END]]
    pairs = events[[c.EVENT_ID, c.MMSI, c.START, c.END]].merge(spans, on=c.MMSI, suffixes=("", "_x"))
    margin = pd.Timedelta(hours=margin_h)
    overlap = ((pairs[c.START] <= pairs[f"{c.END}_x"] + margin)
               & (pairs[f"{c.START}_x"] - margin <= pairs[c.END]))
    explained = set(pairs.loc[overlap, c.EVENT_ID])
    return events[~events[c.EVENT_ID].isin(explained)].reset_index(drop=True)


def aggregate(
    seen: pd.DataFrame,
    events: pd.DataFrame,
    activity: pd.DataFrame,
    vessels: pd.DataFrame,
    condition: pd.DataFrame,
    links: pd.DataFrame,
    registry: Registry | None,
    window: Window,
    areas_given: bool = False,
) -> pd.DataFrame:
    """One row per MMSI in ``seen`` with every catalog feature (float64): the window's evidence
    (features.evidence) and the registry condition (features.condition)."""
    keys = pd.DataFrame({c.MMSI: seen[c.MMSI].astype("int64"), evidence.AS_OF: window.as_of})
    found = evidence.window_features(
        keys, events, activity, vessels.set_index(c.MMSI)[c.SHIP_TYPE],
        evidence.EvidenceParams(window.lookback_days))
    found = evidence.mark_unjudged(found.drop(columns=[evidence.AS_OF]), links, registry,
                                   areas_given)
    out = found.merge(condition, on=c.MMSI, how="left")
    return out[[c.MMSI, *catalog.FEATURE_NAMES]].astype(
        {name: "float64" for name in catalog.FEATURE_NAMES}).reset_index(drop=True)

