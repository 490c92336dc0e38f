"""What the risk list shows about each vessel: identity, flag, type, last position, destination.

The registry is preferred where the vessel is linked to it; AIS fills in the rest.
"""

from __future__ import annotations

import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features import mmsi
from vessel_risk.features.identity import linked_registry
from vessel_risk.ingest.registry import Registry

# AIS ship-and-cargo type codes (ITU-R M.1371, table 53) grouped as an officer names them.
_AIS_TYPE_EXACT = {
    30: "Fishing", 31: "Towing", 32: "Towing (large)", 33: "Dredging", 34: "Diving ops",
    35: "Military ops", 36: "Sailing", 37: "Pleasure craft", 50: "Pilot vessel",
    51: "Search and rescue", 52: "Tug", 53: "Port tender", 55: "Law enforcement",
    58: "Medical transport",
}
_AIS_TYPE_TENS = {2: "Wing in ground", 4: "High-speed craft", 6: "Passenger", 7: "Cargo",
                  8: "Tanker", 9: "Other"}

VESSEL_INFO_COLUMNS = [c.MMSI, c.IMO, c.NAME, c.FLAG, c.SHIP_TYPE, c.LAST_SEEN, c.LAST_LAT,
                       c.LAST_LON, c.DESTINATION]


def ais_ship_type_text(code: pd.Series) -> pd.Series:
    """Words for AIS ship-type codes; NA where the code is missing or reserved."""
    numeric = pd.to_numeric(code, errors="coerce")
    exact = numeric.map(_AIS_TYPE_EXACT)
    tens = (numeric // 10).map(_AIS_TYPE_TENS)
    return exact.fillna(tens).astype("string")


def latest_by_vessel(statics: pd.DataFrame, column: str) -> pd.Series:
    """The latest non-null value of ``column`` per MMSI."""
    known = statics.loc[statics[column].notna(), [c.MMSI, c.TIMESTAMP, column]]
    known = known.sort_values([c.MMSI, c.TIMESTAMP], kind="mergesort")
    return known.groupby(c.MMSI)[column].last()


def vessel_info(
    seen: pd.DataFrame, links: pd.DataFrame, statics: pd.DataFrame, registry: Registry | None
) -> pd.DataFrame:
    """One row per MMSI of ``seen`` with the risk list's descriptive columns."""
    out = seen[[c.MMSI, c.LAST_SEEN, c.LAST_LAT, c.LAST_LON]].copy()
    out[c.IMO] = out[c.MMSI].map(links.set_index(c.MMSI)[c.IMO]).astype("Int64")
    ais_name = out[c.MMSI].map(latest_by_vessel(statics, c.NAME))
    ais_type = ais_ship_type_text(out[c.MMSI].map(latest_by_vessel(statics, c.SHIP_TYPE)))
    out[c.DESTINATION] = out[c.MMSI].map(latest_by_vessel(statics, c.DESTINATION)).astype("string")
    mid_flag = mmsi.mmsi_country(out[c.MMSI])
    if registry is not None:
        reg = linked_registry(links, registry.vessels)
        reg = reg.loc[~reg.index.duplicated()]
        out[c.NAME] = out[c.MMSI].map(reg[c.NAME]).astype("string").fillna(ais_name)
        out[c.FLAG] = out[c.MMSI].map(reg[c.FLAG]).astype("string").fillna(mid_flag)
        out[c.SHIP_TYPE] = out[c.MMSI].map(reg[c.SHIP_TYPE]).astype("string").fillna(ais_type)
    else:
        out[c.NAME], out[c.FLAG], out[c.SHIP_TYPE] = ais_name, mid_flag, ais_type
    for col in (c.NAME, c.FLAG, c.SHIP_TYPE):
        out[col] = out[col].astype("string")
    return out[VESSEL_INFO_COLUMNS].reset_index(drop=True)
