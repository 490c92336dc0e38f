"""The registry extract keeps its contract and tells a consistent story."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.simulator.fleet import FLAGS, is_valid_imo
from vessel_risk.simulator.manifest import Manifest


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(
        folder / "registry" / name,
        dtype={c.IMO: "Int64", c.MMSI: "Int64"},
        keep_default_na=False,
        na_values={c.IMO: [""], c.MMSI: [""]},
    )


def _mid_country(mmsi: int) -> str | None:
    mid = mmsi // 1_000_000
    return next((f for f, (mids, _) in FLAGS.items() if mid in mids), None)


def test_registry_files_have_the_contract_columns(tiny_sample: tuple[Path, Manifest]) -> None:
    folder, _ = tiny_sample
    assert list(_read(folder, "vessels.csv").columns) == c.VESSELS_COLUMNS
    assert list(_read(folder, "inspections.csv").columns) == c.INSPECTIONS_COLUMNS
    assert list(_read(folder, "history.csv").columns) == c.HISTORY_COLUMNS
    assert list(_read(folder, "watchlist.csv").columns) == c.WATCHLIST_COLUMNS


def test_registry_imos_have_valid_check_digits(tiny_sample: tuple[Path, Manifest]) -> None:
    folder, _ = tiny_sample
    for name in ("vessels.csv", "inspections.csv", "history.csv", "watchlist.csv"):
        imos = _read(folder, name)[c.IMO].dropna()
        assert all(is_valid_imo(int(i)) for i in imos), name


def test_registry_holds_about_ninety_percent_of_the_fleet(
    tiny_sample: tuple[Path, Manifest],
) -> None:
    folder, m = tiny_sample
    vessels = _read(folder, "vessels.csv")
    assert m.registry_vessels == len(vessels)
    assert 0.8 * m.vessels <= len(vessels) < m.vessels
    assert vessels[c.MMSI].is_unique


def test_registry_flags_match_the_mmsi_country_except_injected_mismatches(
    tiny_sample: tuple[Path, Manifest],
) -> None:
    folder, _ = tiny_sample
    vessels = _read(folder, "vessels.csv")
    truth = pd.read_csv(folder / "truth.csv")
    injected = set(truth.loc[truth[c.EVENT_TYPE] == c.FLAG_MISMATCH, c.MMSI])
    mismatched = {int(r.mmsi) for r in vessels.itertuples() if _mid_country(int(r.mmsi)) != r.flag}
    assert mismatched == injected and injected


def test_history_newest_values_are_the_current_registry_values(
    tiny_sample: tuple[Path, Manifest],
) -> None:
    folder, _ = tiny_sample
    vessels = _read(folder, "vessels.csv").dropna(subset=[c.IMO]).set_index(c.IMO)
    history = _read(folder, "history.csv")
    assert set(history[c.FIELD]) <= {c.NAME, c.FLAG, c.OWNER, c.CALLSIGN, c.MMSI}
    newest = history.sort_values(c.DATE).groupby([c.IMO, c.FIELD]).tail(1)
    for r in newest.itertuples():
        assert str(vessels.at[r.imo, r.field]) == r.new_value
    assert (history[c.OLD_VALUE] != history[c.NEW_VALUE]).all()


def test_inspections_are_before_the_period_and_detentions_are_flags(
    tiny_sample: tuple[Path, Manifest],
) -> None:
    folder, m = tiny_sample
    insp = _read(folder, "inspections.csv")
    assert len(insp) > 0
    assert (insp[c.DATE] < m.start).all()
    assert set(insp[c.DETAINED]) <= {0, 1}
    assert (insp[c.DEFICIENCIES] >= 0).all()


def test_watchlist_names_the_injected_vessels_and_others(
    tiny_sample: tuple[Path, Manifest],
) -> None:
    folder, _ = tiny_sample
    watch = _read(folder, "watchlist.csv")
    truth = pd.read_csv(folder / "truth.csv")
    listed = set(truth.loc[truth[c.EVENT_TYPE] == c.WATCHLIST, c.MMSI])
    vessels = _read(folder, "vessels.csv")
    imo_of = dict(zip(vessels[c.MMSI], vessels[c.IMO]))
    for mmsi in listed:
        assert mmsi in set(watch[c.MMSI].dropna()) or imo_of.get(mmsi) in set(watch[c.IMO].dropna())
    assert len(watch) > len(listed)
