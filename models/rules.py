"""Rules officers already use, as baselines the model must beat (computed from the features table).

* :func:`ship_risk_profile` scores the Paris MoU ship risk profile (SRP) from the registry
  features. The Paris MoU marks a ship "high risk" at five or more points (its published
  parameters): 2 for a tanker (chemical, gas, oil), bulk carrier or passenger ship; 1 for a ship
  older than 12 years; 2 for a flag on the black list ("very high" to "medium to high" risk, 1 for
  "medium risk"); 1 for a recognised organisation of low or very low performance; 2 for a company
  of low or very low performance; 1 for two or more detentions in 36 months. What a registry
  extract cannot give is approximated and said here: the feature groups bulk carriers with other
  cargo ships (cargo gets no type points), the black list's grades are not kept (black = 2), an
  unclassed ship (no recognised organisation at all) stands in for a low-performing one, and
  company performance is unknown (0). Within equal points, more deficiencies in 36 months rank
  higher (the SRP's low-risk criterion is at most five per inspection).
* :func:`event_count_rule` ranks by the number of behaviour events in the window, no model.

Unknown values (no registry) give no points: the rule then sees nothing, as an officer would.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vessel_risk.features import catalog
from vessel_risk.features.condition import SHIP_TYPE_PASSENGER, SHIP_TYPE_TANKER

SRP_AGE_YEARS = 12  # "older than 12 years"
SRP_DETENTIONS = 2  # "two or more detentions in the last 36 months"
_SRP_TYPES = (SHIP_TYPE_TANKER, SHIP_TYPE_PASSENGER)
# Behaviour counts the event-count rule adds up.
EVENT_COUNTS = (
    catalog.GAP_COUNT, catalog.LOITERING_COUNT, catalog.ENCOUNTER_COUNT, catalog.SPOOFING_COUNT,
    catalog.IDENTITY_SHARED_COUNT, catalog.IDENTITY_CHANGE_COUNT, catalog.INVALID_MMSI,
    catalog.FLAG_MISMATCH, catalog.WATCHLIST_HIT,
)


def _column(features: pd.DataFrame, name: str) -> np.ndarray:
    return features[name].to_numpy(dtype="float64", na_value=np.nan)


def ship_risk_profile_points(features: pd.DataFrame) -> np.ndarray:
    """The SRP points per row (see the module docstring); unknown values give none."""
    with np.errstate(invalid="ignore"):
        points = (
            2.0 * np.isin(_column(features, catalog.SHIP_TYPE_GROUP), _SRP_TYPES)
            + 1.0 * (_column(features, catalog.AGE_YEARS) > SRP_AGE_YEARS)
            + 2.0 * (_column(features, catalog.FLAG_RISK) >= 2)
            + 1.0 * (_column(features, catalog.UNCLASSED) >= 1)
            + 1.0 * (_column(features, catalog.DETENTIONS_36M) >= SRP_DETENTIONS)
        )
    return points


def ship_risk_profile(features: pd.DataFrame) -> np.ndarray:
    """A ranking score: SRP points, then deficiencies in 36 months within equal points."""
    deficiencies = np.nan_to_num(_column(features, catalog.DEFICIENCIES_36M), nan=0.0)
    return ship_risk_profile_points(features) + np.minimum(deficiencies, 99.0) / 100.0


def event_count_rule(features: pd.DataFrame) -> np.ndarray:
    """The number of behaviour events (and identity facts) in the window."""
    counts = features[list(EVENT_COUNTS)].to_numpy(dtype="float64", na_value=np.nan)
    return np.nansum(counts, axis=1)
