"""The model's features: names, meaning, direction of risk, and how an officer reads them.

The features table has one row per vessel (``mmsi``) and one float64 column per feature below.
NaN means "unknown" (no registry, vessel not in the registry, file absent), never zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from vessel_risk.common import columns as c


@dataclass(frozen=True)
class Feature:
    name: str
    description: str
    # +1: more is riskier (LightGBM monotone constraint); 0: no constraint.
    direction: int
    # The event type whose events explain this feature to an officer (None: registry feature).
    event_type: str | None = None


# behaviour, from the events of the lookback window
GAP_COUNT = "gap_count"
GAP_HOURS_MAX = "gap_hours_max"
GAP_HOURS_TOTAL = "gap_hours_total"
LOITERING_COUNT = "loitering_count"
LOITERING_HOURS_MAX = "loitering_hours_max"
LOITERING_HOURS_TOTAL = "loitering_hours_total"
ENCOUNTER_COUNT = "encounter_count"
ENCOUNTER_HOURS_MAX = "encounter_hours_max"
MET_WATCHLISTED = "met_watchlisted"
MET_SUSPECT_VESSEL = "met_suspect_vessel"
SPOOFING_COUNT = "spoofing_count"
IDENTITY_SHARED_COUNT = "identity_shared_count"
IDENTITY_CHANGE_COUNT = "identity_change_count"
INVALID_MMSI = "invalid_mmsi"
FLAG_MISMATCH = "flag_mismatch"
WATCHLIST_HIT = "watchlist_hit"
PORT_VISIT_COUNT = "port_visit_count"
AREA_VISIT_COUNT = "area_visit_count"
SUSPICIOUS_BEHAVIOURS = "suspicious_behaviours"
BEHAVIOUR_DAYS = "behaviour_days"
UNUSUAL_FOR_TYPE = "unusual_for_type"
DAYS_SEEN = "days_seen"
AT_SEA_SHARE = "at_sea_share"

# condition, from the registry (computed by features.condition)
AGE_YEARS = "age_years"
GROSS_TONNAGE = "gross_tonnage"
LENGTH_M = "length_m"
SHIP_TYPE_GROUP = "ship_type_group"
FLAG_RISK = "flag_risk"
UNCLASSED = "unclassed"
INSPECTIONS_36M = "inspections_36m"
DEFICIENCIES_36M = "deficiencies_36m"
DETENTIONS_36M = "detentions_36m"
DAYS_SINCE_LAST_INSPECTION = "days_since_last_inspection"
NAME_CHANGES_36M = "name_changes_36m"
FLAG_CHANGES_36M = "flag_changes_36m"
OWNER_CHANGES_36M = "owner_changes_36m"
REGISTRY_MATCH = "registry_match"

FEATURES: tuple[Feature, ...] = (
    Feature(GAP_COUNT, "AIS dark periods at sea", +1, c.GAP),
    Feature(GAP_HOURS_MAX, "longest AIS dark period at sea, hours", +1, c.GAP),
    Feature(GAP_HOURS_TOTAL, "hours dark at sea in the window", +1, c.GAP),
    Feature(LOITERING_COUNT, "loitering far from port", +1, c.LOITERING),
    Feature(LOITERING_HOURS_MAX, "longest loitering, hours", +1, c.LOITERING),
    Feature(LOITERING_HOURS_TOTAL, "hours loitering far from port in the window", +1, c.LOITERING),
    Feature(ENCOUNTER_COUNT, "meetings with another vessel at sea", +1, c.ENCOUNTER),
    Feature(ENCOUNTER_HOURS_MAX, "longest meeting at sea, hours", +1, c.ENCOUNTER),
    Feature(MET_WATCHLISTED, "meetings at sea with a watchlisted vessel", +1, c.ENCOUNTER),
    Feature(MET_SUSPECT_VESSEL, "meetings at sea with a vessel that went dark or hid its identity",
            +1, c.ENCOUNTER),
    Feature(SPOOFING_COUNT, "implausible position jumps", +1, c.SPOOFING),
    Feature(IDENTITY_SHARED_COUNT, "MMSI used by two transmitters at once", +1, c.IDENTITY_SHARED),
    Feature(IDENTITY_CHANGE_COUNT, "name, IMO or call sign changes on AIS", +1, c.IDENTITY_CHANGE),
    Feature(INVALID_MMSI, "invalid MMSI", +1, c.INVALID_MMSI),
    Feature(FLAG_MISMATCH, "MMSI country differs from registry flag", +1, c.FLAG_MISMATCH),
    Feature(WATCHLIST_HIT, "on a watchlist", +1, c.WATCHLIST),
    Feature(SUSPICIOUS_BEHAVIOURS, "kinds of suspicious behaviour", +1),
    Feature(BEHAVIOUR_DAYS, "days with dark periods, loitering, meetings or jumps at sea", +1),
    Feature(UNUSUAL_FOR_TYPE, "loitering or meetings at sea, unusual for a tanker, cargo or "
            "passenger ship", +1),
    Feature(PORT_VISIT_COUNT, "port visits", 0, c.PORT_VISIT),
    # Entries into the user's areas of interest: what the user asked to be told about.
    Feature(AREA_VISIT_COUNT, "entries into an area of interest", +1, c.AREA_VISIT),
    Feature(DAYS_SEEN, "days with AIS positions in the window", 0),
    Feature(AT_SEA_SHARE, "share of positions at sea", 0),
    # Older ships are riskier: the Paris MoU ship risk profile weighs age the same way.
    Feature(AGE_YEARS, "age, years", +1),
    Feature(GROSS_TONNAGE, "gross tonnage", 0),
    Feature(LENGTH_M, "length, m", 0),
    Feature(SHIP_TYPE_GROUP, "ship type group", 0),
    Feature(FLAG_RISK, "flag on the Paris MoU grey (1) or black (2) list", +1),
    Feature(UNCLASSED, "no classification society", +1),
    Feature(INSPECTIONS_36M, "port-state inspections in 36 months", 0),
    Feature(DEFICIENCIES_36M, "deficiencies found in 36 months", +1),
    Feature(DETENTIONS_36M, "detentions in 36 months", +1),
    Feature(DAYS_SINCE_LAST_INSPECTION, "days since the last inspection", 0),
    Feature(NAME_CHANGES_36M, "name changes in 36 months", +1),
    Feature(FLAG_CHANGES_36M, "flag changes in 36 months", +1),
    Feature(OWNER_CHANGES_36M, "owner changes in 36 months", +1),
    Feature(REGISTRY_MATCH, "vessel found in the registry", 0),
)

# Event types that are suspicious in themselves (a port visit is not).
SUSPICIOUS_EVENT_TYPES: tuple[str, ...] = tuple(dict.fromkeys(
    f.event_type for f in FEATURES if f.event_type and f.direction > 0
))
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
# Context, not evidence: how long and where a vessel was heard, and whether the registry lists it,
# depend on the capture and the registry extract more than on the vessel (a one-day capture, an
# empty vessels.csv). They stay in the features table for officers; the model does not use them.
CONTEXT_ONLY: tuple[str, ...] = (PORT_VISIT_COUNT, AREA_VISIT_COUNT, DAYS_SEEN, AT_SEA_SHARE,
                                 REGISTRY_MATCH)
MODEL_FEATURES: tuple[str, ...] = tuple(n for n in FEATURE_NAMES if n not in CONTEXT_ONLY)
# Computed from the window's events and positions (features.evidence); the rest come from the
# registry (features.condition).
EVIDENCE_FEATURES: tuple[str, ...] = FEATURE_NAMES[: FEATURE_NAMES.index(AT_SEA_SHARE) + 1]
BY_NAME: dict[str, Feature] = {f.name: f for f in FEATURES}
