"""Identity detectors: who a transmitter says it is, and whether that adds up.

* :func:`mmsis_seen` summarises the window per MMSI (first/last seen, last position): the table the
  other functions take as ``seen``.
* :func:`link_vessels` links each AIS MMSI to a registry IMO; :func:`linked_registry` gives each
  linked MMSI its ``vessels.csv`` row (by IMO, or by MMSI for vessels without an IMO number).
* Detectors, each returning the events table (:func:`features.events.make_events`):
  :func:`detect_identity_changes`, :func:`detect_invalid_mmsi`, :func:`detect_flag_mismatch`,
  :func:`detect_watchlist_hits`.

Non-positional events (all but invalid MMSI) are placed at the vessel's last known position so that
an officer sees where it is; their start/end are the first/last time the MMSI was seen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features import mmsi as m
from vessel_risk.features.events import empty_events, make_events
from vessel_risk.features.tracks import require_columns, timestamp_us

# Values of the ``link`` column: how an MMSI was linked to an IMO.
LINK_REGISTRY_MMSI = "registry_mmsi"  # the registry lists this MMSI for the vessel
LINK_BROADCAST_IMO = "broadcast_imo"  # the vessel broadcasts this IMO in its static messages
LINK_NONE = "none"

_FIELD_LABELS = {c.NAME: "name", c.IMO: "IMO", c.CALLSIGN: "call sign"}


@dataclass(frozen=True)
class IdentityChangeParams:
    """Thresholds of :func:`detect_identity_changes`."""

    # A value heard once is still a broadcast: AIS sentences are checksummed, so a single report
    # is rarely a decoding error. Raise to ignore one-off values from a noisy feed.
    min_reports_per_value: int = 1


@dataclass(frozen=True)
class InvalidMmsiParams:
    """Options of :func:`detect_invalid_mmsi`."""

    # A coast-station identity (00MID...) sending position reports is almost always a ship whose
    # transponder was set up with a 7-digit number; base stations themselves send type 4, which is
    # not in the positions table. Set False to skip coast-station identities like the other
    # non-ship transmitters.
    report_coast_station_ids: bool = True


@dataclass(frozen=True)
class FlagMismatchParams:
    """Options of :func:`detect_flag_mismatch`."""

    # A territory's MID (e.g. Hong Kong 477) against its sovereign's flag (CN), or the reverse, is
    # a registry-practice difference rather than a false identity; True accepts it as a match.
    accept_sovereign_flag: bool = True


def mmsis_seen(positions: pd.DataFrame, statics: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per MMSI heard: ``mmsi, first_seen, last_seen, last_lat, last_lon``.

    Times span positions and statics; the last position is the latest row with a lat/lon and a
    time (the last given of rows at that time; NaN if the vessel sent none). Grouped on the
    columns as they are, without sorting or copying the window: a large day holds 9 million
    positions.
    """
    require_columns(positions, [c.MMSI, c.TIMESTAMP, c.LAT, c.LON], "positions")
    spans = [_time_span(positions)]
    if statics is not None:
        require_columns(statics, [c.MMSI, c.TIMESTAMP], "statics")
        spans.append(_time_span(statics))
    both = pd.concat(spans)  # a row or two per MMSI
    by_mmsi = both.groupby(level=0)
    out = pd.DataFrame({c.FIRST_SEEN: by_mmsi[c.FIRST_SEEN].min(),
                        c.LAST_SEEN: by_mmsi[c.LAST_SEEN].max()})
    out = out.join(_last_fix(positions), how="left").rename_axis(c.MMSI).reset_index()
    out[[c.LAST_LAT, c.LAST_LON]] = out[[c.LAST_LAT, c.LAST_LON]].astype("float64")
    return out[c.SEEN_COLUMNS]


def _time_span(frame: pd.DataFrame) -> pd.DataFrame:
    """``first_seen`` and ``last_seen`` of each MMSI of ``frame``, indexed by int64 MMSI."""
    span = frame[c.TIMESTAMP].groupby(frame[c.MMSI].to_numpy(dtype="int64")).agg(["min", "max"])
    return span.set_axis([c.FIRST_SEEN, c.LAST_SEEN], axis=1)


def _last_fix(positions: pd.DataFrame) -> pd.DataFrame:
    """``last_lat``, ``last_lon`` of each MMSI's latest located, timed row, indexed by MMSI."""
    lat = positions[c.LAT].to_numpy(dtype="float64", na_value=np.nan)
    lon = positions[c.LON].to_numpy(dtype="float64", na_value=np.nan)
    rows = np.flatnonzero(~np.isnan(lat) & ~np.isnan(lon) & positions[c.TIMESTAMP].notna().to_numpy())
    mmsi = positions[c.MMSI].to_numpy(dtype="int64")[rows]
    ts = timestamp_us(positions)[rows]
    latest = pd.Series(ts, copy=False).groupby(mmsi).transform("max").to_numpy()
    at_latest = ts == latest
    row = pd.Series(rows[at_latest], copy=False).groupby(mmsi[at_latest]).max()
    return pd.DataFrame({c.LAST_LAT: lat[row.to_numpy()], c.LAST_LON: lon[row.to_numpy()]},
                        index=row.index)


def _normalised(values: pd.Series) -> pd.Series:
    """Upper case, whitespace collapsed, NA for empty text. Worked out once per distinct value:
    a vessel repeats its name and call sign in every static report."""
    codes, distinct = pd.factorize(values.astype("string"))
    text = pd.Series(distinct, dtype="string").str.upper().str.replace(
        r"\s+", " ", regex=True).str.strip()
    text = text.mask(text == "")
    return pd.Series(text.array.take(codes, allow_fill=True), index=values.index, dtype="string")


def detect_identity_changes(
    statics: pd.DataFrame, params: IdentityChangeParams = IdentityChangeParams()
) -> pd.DataFrame:
    """One ``identity_change`` event per MMSI that broadcast more than one name, IMO or call sign.

    Values are compared after upper-casing and collapsing whitespace; NA is ignored. The detail
    lists every changed field with its values in the order first heard, e.g.
    ``name: NORDIC STAR -> NORD STAR; IMO 9123456 -> 9234567``. One event per MMSI (not per field)
    because the event id hashes (type, mmsi, start) and fields changing together share a start.
    start is when the change became known (a field's second value first heard), end the last time
    any of the changed fields' values was heard: a window that ends before the change knows
    nothing of it.
    """
    require_columns(statics, [c.MMSI, c.TIMESTAMP, *_FIELD_LABELS], "statics")
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    c.MMSI: statics[c.MMSI],
                    c.TIMESTAMP: statics[c.TIMESTAMP],
                    c.FIELD: field,
                    "value": _normalised(statics[field]),
                }
            )
            for field in _FIELD_LABELS
        ],
        ignore_index=True,
    ).dropna(subset=["value"])
    per_value = (
        long.groupby([c.MMSI, c.FIELD, "value"])[c.TIMESTAMP]
        .agg(first="min", last="max", reports="size")
        .reset_index()
    )
    per_value = per_value.loc[per_value["reports"] >= params.min_reports_per_value]
    n_values = per_value.groupby([c.MMSI, c.FIELD])["value"].transform("size")
    changed = per_value.loc[n_values > 1].copy()
    if changed.empty:
        return empty_events()
    changed["order"] = changed[c.FIELD].map({f: i for i, f in enumerate(_FIELD_LABELS)})
    changed = changed.sort_values([c.MMSI, "order", "first", "value"], kind="mergesort")
    fields = (
        changed.groupby([c.MMSI, "order", c.FIELD], sort=True)
        .agg(values=("value", " -> ".join), first=("first", "min"), last=("last", "max"))
        .reset_index()
    )
    # the change is known once a second value has been heard: the second-earliest first hearing
    second = (changed.groupby([c.MMSI, c.FIELD])["first"].nsmallest(2).groupby(level=[0, 1]).max()
              .rename("changed").reset_index())
    fields = fields.merge(second, on=[c.MMSI, c.FIELD], how="left")
    fields["text"] = fields[c.FIELD].map(_FIELD_LABELS) + ": " + fields["values"]
    fields.loc[fields[c.FIELD] == c.IMO, "text"] = "IMO " + fields["values"]
    found = (
        fields.groupby(c.MMSI, sort=True)
        .agg(**{c.DETAIL: ("text", "; ".join), c.START: ("changed", "min"),
                c.END: ("last", "max")})
        .reset_index()
    )
    found[c.EVENT_TYPE] = c.IDENTITY_CHANGE
    found[c.LAT] = float("nan")
    found[c.LON] = float("nan")
    return make_events(found)


def detect_invalid_mmsi(
    seen: pd.DataFrame, params: InvalidMmsiParams = InvalidMmsiParams()
) -> pd.DataFrame:
    """An ``invalid_mmsi`` event for every MMSI in ``seen`` that is not a valid ship MMSI.

    Transmitters that are not vessels (AtoN, SART/MOB/EPIRB, SAR aircraft, craft of a parent ship,
    handhelds) are skipped; see :class:`InvalidMmsiParams` for coast-station identities.
    """
    require_columns(seen, c.SEEN_COLUMNS, "seen")
    reason = m.mmsi_validity(seen[c.MMSI])
    invalid = (reason != m.VALID) & (reason != m.NOT_A_SHIP)
    if params.report_coast_station_ids:
        invalid |= m.mmsi_kind(seen[c.MMSI]) == m.COAST_STATION
    found = seen.loc[invalid.to_numpy(dtype=bool)]
    if found.empty:
        return empty_events()
    reason = reason[found.index].where(reason[found.index] != m.NOT_A_SHIP, "coast_station")
    texts = {**m.REASON_TEXT, "coast_station": "is a coast-station identity sending positions"}
    return make_events(
        pd.DataFrame(
            {
                c.MMSI: found[c.MMSI],
                c.EVENT_TYPE: c.INVALID_MMSI,
                c.START: found[c.FIRST_SEEN],
                c.END: found[c.LAST_SEEN],
                c.LAT: found[c.LAST_LAT],
                c.LON: found[c.LAST_LON],
                c.DETAIL: "MMSI "
                + found[c.MMSI].astype("int64").astype(str).str.zfill(9)
                + " "
                + reason.map(texts),
            }
        )
    )


def link_vessels(
    seen: pd.DataFrame, statics: pd.DataFrame | None, vessels: pd.DataFrame | None
) -> pd.DataFrame:
    """Link each MMSI of ``seen`` to a registry IMO: ``mmsi, imo (Int64), link``.

    By the registry's MMSI first (if several registry vessels list it, the one whose IMO the
    vessel broadcasts, else the lowest IMO, a vessel without an IMO number last); else by the IMO
    the vessel broadcasts most often in its statics (ties: the latest heard, then the lowest) even
    when that IMO is not in ``vessels`` (a watchlist can still match it); else NA with link
    ``none``. A registry vessel without an IMO number links with link ``registry_mmsi`` and the
    broadcast IMO (if any) as ``imo``.
    """
    require_columns(seen, [c.MMSI], "seen")
    out = pd.DataFrame({c.MMSI: seen[c.MMSI].astype("int64").drop_duplicates().sort_values()})
    broadcast = _broadcast_imo(statics)
    out = out.merge(broadcast, on=c.MMSI, how="left")
    registry = pd.DataFrame(
        {c.MMSI: pd.Series(dtype="int64"), "registry": pd.Series(dtype="Int64"),
         "listed": pd.Series(dtype=bool)}
    )
    if vessels is not None and len(vessels):
        require_columns(vessels, [c.IMO, c.MMSI], "vessels")
        listed = vessels.loc[vessels[c.MMSI].notna(), [c.MMSI, c.IMO]]
        listed = listed.astype({c.MMSI: "int64", c.IMO: "Int64"}).merge(
            broadcast, on=c.MMSI, how="left"
        )
        listed["pref"] = (listed[c.IMO] == listed["broadcast"]).fillna(False).astype(bool)
        listed = listed.sort_values([c.MMSI, "pref", c.IMO], ascending=[True, False, True],
                                    na_position="last", kind="mergesort")
        registry = listed.groupby(c.MMSI).head(1).rename(columns={c.IMO: "registry"})
        registry = registry[[c.MMSI, "registry"]].assign(listed=True)
    out = out.merge(registry, on=c.MMSI, how="left")
    out[c.IMO] = out["registry"].fillna(out["broadcast"]).astype("Int64")
    out[c.LINK] = LINK_NONE
    out.loc[out["broadcast"].notna().to_numpy(dtype=bool), c.LINK] = LINK_BROADCAST_IMO
    out.loc[out["listed"].notna().to_numpy(dtype=bool), c.LINK] = LINK_REGISTRY_MMSI
    out[c.LINK] = out[c.LINK].astype("string")
    return out[c.LINK_COLUMNS].reset_index(drop=True)


def _broadcast_imo(statics: pd.DataFrame | None) -> pd.DataFrame:
    """Per MMSI, the IMO it broadcasts most often (ties: the latest heard, then the lowest)."""
    empty = pd.DataFrame({c.MMSI: pd.Series(dtype="int64"), "broadcast": pd.Series(dtype="Int64")})
    if statics is None or not len(statics):
        return empty
    require_columns(statics, [c.MMSI, c.TIMESTAMP, c.IMO], "statics")
    heard = statics.loc[statics[c.IMO].notna(), [c.MMSI, c.IMO, c.TIMESTAMP]]
    if heard.empty:
        return empty
    counts = heard.groupby([c.MMSI, c.IMO])[c.TIMESTAMP].agg(["size", "max"]).reset_index()
    counts = counts.sort_values(
        [c.MMSI, "size", "max", c.IMO], ascending=[True, False, False, True], kind="mergesort"
    )
    broadcast = counts.groupby(c.MMSI).head(1).rename(columns={c.IMO: "broadcast"})
    return broadcast[[c.MMSI, "broadcast"]].astype({c.MMSI: "int64", "broadcast": "Int64"})


def linked_registry(links: pd.DataFrame, vessels: pd.DataFrame | None) -> pd.DataFrame:
    """Each MMSI of ``links`` with its ``vessels.csv`` row: index ``mmsi``, the vessels columns
    (NA where not registered) and ``registered`` (bool).

    The row is found by the linked IMO where the registry has it, else by the MMSI among the
    registry's vessels without an IMO number (fishing vessels, small craft).
    """
    require_columns(links, [c.MMSI, c.IMO], "links")
    mmsis = links[c.MMSI].astype("int64").to_numpy()
    if vessels is None or vessels.empty:
        columns = list(vessels.columns) if vessels is not None else [c.IMO]
        out = pd.DataFrame(index=pd.Index(mmsis, name=c.MMSI), columns=columns, dtype=object)
        out["registered"] = False
        return out
    table = vessels.reset_index(drop=True)
    position = pd.Series(np.arange(len(table)), dtype="int64")
    keyed = table[c.IMO].notna().to_numpy()
    by_imo = pd.Series(position[keyed].to_numpy(), index=table.loc[keyed, c.IMO].astype("int64"))
    no_imo = table.loc[~keyed & table[c.MMSI].notna().to_numpy()]
    by_mmsi = pd.Series(no_imo.index.to_numpy(), index=no_imo[c.MMSI].astype("int64"))
    by_mmsi = by_mmsi[~by_mmsi.index.duplicated()]
    imo = links[c.IMO].astype("Int64")
    row = imo.map(by_imo.to_dict()).astype("float64")
    row = row.fillna(pd.Series(mmsis, index=links.index).map(by_mmsi.to_dict()).astype("float64"))
    found = row.notna().to_numpy()
    out = table.reindex(row.fillna(-1).astype("int64").to_numpy())
    out.index = pd.Index(mmsis, name=c.MMSI)
    out["registered"] = found
    return out


def _located(seen: pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
    """Attach the event times and place (first/last seen, last position) to per-MMSI ``hits``."""
    where = seen[c.SEEN_COLUMNS].rename(
        columns={c.FIRST_SEEN: c.START, c.LAST_SEEN: c.END, c.LAST_LAT: c.LAT, c.LAST_LON: c.LON}
    )
    return hits.merge(where, on=c.MMSI, how="inner")


def detect_flag_mismatch(
    seen: pd.DataFrame,
    links: pd.DataFrame,
    vessels: pd.DataFrame | None,
    params: FlagMismatchParams = FlagMismatchParams(),
) -> pd.DataFrame:
    """A ``flag_mismatch`` event where the MMSI's country (MID) is not the linked vessel's flag.

    Vessels without a registry flag, MMSIs without a country and unlinked MMSIs are not judged.
    """
    require_columns(seen, c.SEEN_COLUMNS, "seen")
    require_columns(links, [c.MMSI, c.IMO], "links")
    if vessels is None or vessels.empty:
        return empty_events()
    require_columns(vessels, [c.IMO, c.MMSI, c.FLAG], "vessels")
    rows = linked_registry(links, vessels)
    rows = rows.loc[rows["registered"].to_numpy(dtype=bool) & rows[c.FLAG].notna().to_numpy()]
    pairs = pd.DataFrame({c.MMSI: rows.index.to_numpy(dtype="int64"),
                          c.IMO: rows[c.IMO].astype("Int64").to_numpy(),
                          c.FLAG: rows[c.FLAG].astype("string").to_numpy()})
    if pairs.empty:
        return empty_events()
    country = m.mmsi_country(pairs[c.MMSI])
    flag = pairs[c.FLAG].astype("string")
    same = country == flag
    if params.accept_sovereign_flag:
        same |= m.sovereign_iso2(country) == m.sovereign_iso2(flag)
    keep = (country.notna() & ~same.fillna(False)).to_numpy(dtype=bool)
    hits = pairs.loc[keep].copy()
    if hits.empty:
        return empty_events()
    country, flag = country[keep], flag[keep]
    hits[c.DETAIL] = (
        "MMSI country "
        + country
        + " ("
        + m.country_name(country).fillna("?")
        + ") vs registry flag "
        + flag
        + " ("
        + m.country_name(flag).fillna("?")
        + ")"
        + (" for IMO " + hits[c.IMO].astype("Int64").astype("string")).fillna("")
    )
    hits[c.EVENT_TYPE] = c.FLAG_MISMATCH
    return make_events(_located(seen, hits[[c.MMSI, c.EVENT_TYPE, c.DETAIL]]))


def detect_watchlist_hits(
    seen: pd.DataFrame,
    links: pd.DataFrame,
    watchlist: pd.DataFrame | None,
    statics: pd.DataFrame | None = None,
    vessels: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A ``watchlist`` event per MMSI whose linked IMO or own MMSI is on the watchlist, or, for
    list rows that give no number, whose name and call sign both match the row's.

    Names and call signs are those the MMSI broadcast in ``statics`` and those of its registry
    row (``vessels``), compared upper-cased with white space collapsed (call signs without spaces
    or dashes). The detail names every matching entry: list name, reason and what matched.
    """
    require_columns(seen, c.SEEN_COLUMNS, "seen")
    require_columns(links, [c.MMSI, c.IMO], "links")
    if watchlist is None or watchlist.empty:
        return empty_events()
    require_columns(watchlist, [c.IMO, c.MMSI, c.LIST_NAME, c.REASON], "watchlist")
    entries = watchlist.reset_index(drop=True).rename_axis("entry").reset_index()
    by_imo = (
        links[[c.MMSI, c.IMO]]
        .dropna()
        .merge(entries.drop(columns=[c.MMSI]).dropna(subset=[c.IMO]), on=c.IMO)
    )
    by_imo["matched"] = "IMO " + by_imo[c.IMO].astype("Int64").astype("string")
    by_mmsi = seen[[c.MMSI]].merge(
        entries.drop(columns=[c.IMO]).dropna(subset=[c.MMSI]).astype({c.MMSI: "int64"}), on=c.MMSI
    )
    by_mmsi["matched"] = "MMSI " + by_mmsi[c.MMSI].astype(str).str.zfill(9)
    by_name = _name_and_callsign_hits(entries, links, statics, vessels)
    found_by = [f for f in (by_imo, by_mmsi, by_name) if len(f)]
    hits = pd.concat(found_by, ignore_index=True) if found_by else by_imo
    if hits.empty:
        return empty_events()
    hits = hits.sort_values([c.MMSI, "entry", "matched"], kind="mergesort")
    hits = (
        hits.groupby([c.MMSI, "entry"])
        .agg(
            matched=("matched", " and ".join),
            **{c.LIST_NAME: (c.LIST_NAME, "first"), c.REASON: (c.REASON, "first")},
        )
        .reset_index()
    )
    reason = hits[c.REASON].astype("string").fillna("no reason given")
    hits["text"] = (
        hits[c.LIST_NAME].astype("string") + ": " + reason + " (matched by " + hits["matched"] + ")"
    )
    found = hits.groupby(c.MMSI, sort=True).agg(**{c.DETAIL: ("text", "; ".join)}).reset_index()
    found[c.EVENT_TYPE] = c.WATCHLIST
    return make_events(_located(seen, found))


def _callsign_key(values: pd.Series) -> pd.Series:
    return _normalised(values).str.replace(r"[\s-]", "", regex=True)


def _name_and_callsign_hits(
    entries: pd.DataFrame,
    links: pd.DataFrame,
    statics: pd.DataFrame | None,
    vessels: pd.DataFrame | None,
) -> pd.DataFrame:
    """(mmsi, entry, list_name, reason, matched) for list rows without a number matched by name
    and call sign together."""
    columns = [c.MMSI, "entry", c.LIST_NAME, c.REASON, "matched"]
    if c.NAME not in entries or c.CALLSIGN not in entries:
        return pd.DataFrame(columns=columns)
    unnumbered = entries.loc[entries[c.IMO].isna() & entries[c.MMSI].isna()].drop(
        columns=[c.IMO, c.MMSI])
    unnumbered = unnumbered.assign(name_key=_normalised(unnumbered[c.NAME]),
                                   call_key=_callsign_key(unnumbered[c.CALLSIGN]))
    unnumbered = unnumbered.dropna(subset=["name_key", "call_key"])
    known = []
    if statics is not None and len(statics):
        known.append(statics[[c.MMSI, c.NAME, c.CALLSIGN]])
    if vessels is not None and len(vessels):
        rows = linked_registry(links, vessels)
        rows = rows.loc[rows["registered"].to_numpy(dtype=bool), [c.NAME, c.CALLSIGN]]
        known.append(rows.reset_index())
    if unnumbered.empty or not known:
        return pd.DataFrame(columns=columns)
    heard = pd.concat(known, ignore_index=True)
    names = pd.DataFrame({c.MMSI: heard[c.MMSI].astype("int64"),
                          "name_key": _normalised(heard[c.NAME])}).dropna().drop_duplicates()
    calls = pd.DataFrame({c.MMSI: heard[c.MMSI].astype("int64"),
                          "call_key": _callsign_key(heard[c.CALLSIGN])}).dropna().drop_duplicates()
    hits = unnumbered.merge(names, on="name_key").merge(calls, on=[c.MMSI, "call_key"])
    hits["matched"] = "name " + hits["name_key"] + " and call sign " + hits["call_key"]
    return hits[columns]
