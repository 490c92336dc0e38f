"""The table of every vessel: orderings per column, and the rules that sort it without a script."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.report.table import SORT_KEYS, orderings, sortable_css, sortable_table


def listed() -> pd.DataFrame:
    return pd.DataFrame({
        c.MMSI: np.array([300, 100, 200, 400], dtype="int64"),
        c.IMO: pd.array([None, 1, 2, 3], dtype="Int64"),
        c.NAME: pd.array(["bravo", "Alpha", None, "charlie"], dtype="string"),
        c.FLAG: pd.array(["NO", "DK", "DK", None], dtype="string"),
        c.SHIP_TYPE: pd.array(["Cargo"] * 4, dtype="string"),
        c.RISK_SCORE: [0.9, 0.8, 0.7, 0.1], c.RISK_RANK: np.array([1, 2, 3, 4], dtype="int64"),
        c.RISK_BAND: ["high", "high", "high", "low"],
        c.REASONS: ["x", "y", "z", "w"],
        c.LAST_SEEN: pd.Series(pd.to_datetime(["2024-05-02 10:00", "2024-05-02 09:00",
                                               None, "2024-05-01 23:00"], utc=True)),
    })


def test_orderings_sort_each_column_case_blind_with_missing_last_and_ties_by_rank() -> None:
    pos = orderings(listed())
    assert list(pos["rank"]) == [1, 2, 3, 4]
    assert list(pos["name"]) == [2, 1, 4, 3]  # Alpha, bravo, charlie, (none)
    assert list(pos["mmsi"]) == [3, 1, 2, 4]
    assert list(pos["flag"]) == [3, 1, 2, 4]  # DK (rank 2), DK (rank 3), NO, (none)
    assert list(pos["seen"]) == [3, 2, 4, 1]


def test_sortable_table_gives_each_row_its_place_in_every_ordering() -> None:
    html = sortable_table(listed(), with_section={300})
    assert '<tr class="b-high" style="--r:1;--n:2;--m:3;--f:3;--t:1;--s:3"><td>1<td>' in html
    assert '<a href="#v300">bravo</a>' in html and "<i>no name</i>" in html
    assert html.count('type="radio"') == 2 * len(SORT_KEYS)
    assert "<script" not in html


def test_sortable_css_orders_rows_by_the_checked_key_both_ways() -> None:
    css = sortable_css()
    assert "#s-name:checked~table tbody tr{order:var(--n)}" in css
    assert "#s-named:checked~table tbody tr{order:calc(0 - var(--n))}" in css
    assert "content-visibility:auto" in css  # rows off screen are not rendered
