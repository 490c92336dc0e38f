"""Tests of features.land: the packed, cached land mask and "deep on land"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.features import builders as b
from vessel_risk.features.land import LandMask, deep_land, load_land_mask

pytestmark = pytest.mark.slow  # the first session of a checkout packs the 1 km mask (~6 s)

BIRMINGHAM = (52.48, -1.90)
SHOREHAM_OFFSHORE = (50.70, -0.25)
THAMES_AT_LONDON = (51.507, -0.087)


def test_land_mask_agrees_with_the_package_everywhere(land_mask: LandMask) -> None:
    from global_land_mask import globe

    rng = np.random.default_rng(5)
    lat, lon = rng.uniform(-89.9, 89.9, 50_000), rng.uniform(-180, 180, 50_000)
    assert (land_mask.is_land(lat, lon) == globe.is_land(lat, lon)).all()


def test_land_mask_says_nan_positions_are_not_land(land_mask: LandMask) -> None:
    assert land_mask.is_land([np.nan, BIRMINGHAM[0]], [0.0, BIRMINGHAM[1]]).tolist() == [False,
                                                                                         True]


def test_deep_land_is_inland_not_the_coast_or_the_sea(land_mask: LandMask) -> None:
    lat, lon = zip(BIRMINGHAM, SHOREHAM_OFFSHORE, b.OPEN_SEA, (50.83, -0.25))  # last: Shoreham
    assert deep_land(land_mask, lat, lon, margin_nm=1.0).tolist() == [True, False, False, False]


def test_deep_land_includes_rivers_the_1_km_mask_cannot_see(land_mask: LandMask) -> None:
    # which is why features.context exempts port areas and waterways learned from traffic
    assert deep_land(land_mask, [THAMES_AT_LONDON[0]], [THAMES_AT_LONDON[1]], 1.0).tolist() == [
        True]


def test_load_land_mask_reuses_the_cache_without_the_package(land_mask: LandMask,
                                                             tmp_path: Path) -> None:
    from tests.conftest import LAND_CACHE

    again = load_land_mask(LAND_CACHE)
    assert isinstance(again.bits, np.memmap)
    assert (again.rows, again.cols) == (land_mask.rows, land_mask.cols)
