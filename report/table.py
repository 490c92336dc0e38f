"""Every vessel of the day in one table that sorts on a click, with no script.

Each row carries its position in every ordering as a CSS variable (``--n`` for name, ...); a radio
button per ordering, chosen by clicking a column's name, switches which variable the cells' grid
``order`` reads. The page stays a document with no code in it, and 10,000 rows sort as fast as the browser
lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.report import words


@dataclass(frozen=True)
class SortKey:
    key: str  # short id used in element ids
    label: str
    column: str
    var: str  # the CSS variable holding a row's place in this ordering


SORT_KEYS = (
    SortKey("rank", "#", c.RISK_RANK, "r"),
    SortKey("name", "Name", c.NAME, "n"),
    SortKey("mmsi", "MMSI", c.MMSI, "m"),
    SortKey("flag", "Flag", c.FLAG, "f"),
    SortKey("type", "Type", c.SHIP_TYPE, "t"),
    SortKey("seen", "Last seen (UTC)", c.LAST_SEEN, "s"),
)
# A row's height before it is first drawn (off-screen rows are not rendered): one line of 13 px text.
ROW_HEIGHT_PX = 20
HEAD_HEIGHT_PX = 24
# Width of each column; the reasons take the rest.
_WIDTHS = ("width:3.5em", "width:11em", "width:6.5em", "width:5.5em", "width:3em", "width:9em",
           "width:3.5em", "width:4.5em", "width:8.5em", "flex:1 1 16em")
# Columns shown, in order: (header, sort key or None)
_COLUMNS = (("#", "rank"), ("Name", "name"), ("MMSI", "mmsi"), ("IMO", None), ("Flag", "flag"),
            ("Type", "type"), ("Score", None), ("Band", None), ("Last seen (UTC)", "seen"),
            ("Reasons", None))


def orderings(listed: pd.DataFrame) -> dict[str, np.ndarray]:
    """For each sort key, each row's 1-based position when sorted by it (ties by rank, missing
    values last)."""
    out = {}
    rank = listed[c.RISK_RANK].to_numpy()
    for sk in SORT_KEYS:
        values = listed[sk.column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            values = values.astype("string").str.upper()
        frame = pd.DataFrame({"v": values.to_numpy(), "r": rank})
        order = frame.sort_values(["v", "r"], kind="mergesort", na_position="last").index
        position = np.empty(len(frame), dtype="int64")
        position[order.to_numpy()] = np.arange(1, len(frame) + 1)
        out[sk.key] = position
    return out


def sortable_table(listed: pd.DataFrame, with_section: set[int]) -> str:
    """The table's HTML; names of vessels with a section of their own link to it.

    Rows are written lean (a 10,000-vessel day has 10,000 of them): cells and rows without their
    optional end tags, one short CSS variable per ordering.
    """
    listed = listed.reset_index(drop=True)
    pos = orderings(listed)
    # Until it is scrolled to, the table is not rendered at all; this keeps room for it meanwhile.
    parts = [f'<div class="sortable" style="contain-intrinsic-size:auto '
             f'{len(listed) * ROW_HEIGHT_PX + HEAD_HEIGHT_PX}px">']
    for sk in SORT_KEYS:
        for suffix in ("", "d"):
            checked = " checked" if sk.key == "rank" and not suffix else ""
            parts.append(f'<input type="radio" name="sort" id="s-{sk.key}{suffix}" '
                         f'class="sort-input"{checked}>')
    parts.append('<table aria-label="All vessels of the day"><thead><tr class="head">')
    for header, key in _COLUMNS:
        if key is None:
            parts.append(f"<th>{escape(header)}</th>")
        else:
            parts.append(
                f'<th><label for="s-{key}" class="k-{key} a" title="sort by {escape(header)}">'
                f'{escape(header)}</label><label for="s-{key}d" class="k-{key} d" '
                f'title="sort by {escape(header)}, reversed">{escape(header)}</label></th>')
    parts.append("</tr></thead><tbody>")
    columns = {name: listed[name].to_numpy() for name in (
        c.MMSI, c.IMO, c.NAME, c.FLAG, c.SHIP_TYPE, c.RISK_SCORE, c.RISK_RANK, c.RISK_BAND,
        c.REASONS)}
    seen = listed[c.LAST_SEEN]
    for i in range(len(listed)):
        mmsi = int(columns[c.MMSI][i])
        style = ";".join(f"--{sk.var}:{pos[sk.key][i]}" for sk in SORT_KEYS)
        name = _text(columns[c.NAME][i])
        shown = escape(name) if name else "<i>no name</i>"
        if mmsi in with_section:
            shown = f'<a href="#v{mmsi}">{shown}</a>'
        imo = columns[c.IMO][i]
        cells = (
            str(int(columns[c.RISK_RANK][i])), shown, str(mmsi),
            "" if pd.isna(imo) else str(int(imo)),
            escape(_text(columns[c.FLAG][i])), escape(_text(columns[c.SHIP_TYPE][i])),
            f"{float(columns[c.RISK_SCORE][i]):.2f}", escape(_text(columns[c.RISK_BAND][i])),
            escape(words.utc(seen.iat[i]).removesuffix(" UTC")),
            escape(_text(columns[c.REASONS][i])),
        )
        band = escape(_text(columns[c.RISK_BAND][i]))
        parts.append(f'<tr class="b-{band}" style="{style}"><td>' + "<td>".join(cells))
    parts.append("</tbody></table></div>")
    return "".join(parts)


def sortable_css() -> str:
    """The rules that make the radio buttons sort the rows: the body is a flex column whose rows
    take their place (``order``) in the checked ordering.

    Rows are flex boxes of fixed-width cells, and off-screen rows are not rendered
    (``content-visibility``): a table layout sizes its columns from every one of 10,000 rows, and a
    grid of 100,000 cells is slower still (measured in headless Chromium: 2-5 s and 9-23 s against
    1.6-2.4 s on a machine at load 9).
    """
    rules = [
        ".sortable table,.sortable thead{display:block}",
        ".sortable tbody{display:flex;flex-direction:column}",
        ".sortable tr{display:flex}",
        ".sortable{content-visibility:auto}",
        f".sortable tbody tr{{content-visibility:auto;contain-intrinsic-size:auto {ROW_HEIGHT_PX}px}}",
        ".sortable td,.sortable th{flex:none;overflow-wrap:anywhere}",
        ".sortable .sort-input{position:absolute;opacity:0;pointer-events:none}",
        ".sortable label{cursor:pointer;text-decoration:underline dotted}",
        ".sortable .head .d{display:none}",
    ]
    for i, (width, _) in enumerate(zip(_WIDTHS, _COLUMNS), start=1):
        rules.append(f".sortable td:nth-child({i}),.sortable th:nth-child({i}){{{width}}}")
    for sk in SORT_KEYS:
        k = sk.key
        rules.append(f"#s-{k}:checked~table tbody tr{{order:var(--{sk.var})}}")
        rules.append(f"#s-{k}d:checked~table tbody tr{{order:calc(0 - var(--{sk.var}))}}")
        # the column's name sorts forward, and once sorted forward, backward
        rules.append(f"#s-{k}:checked~table .k-{k}.a{{display:none}}")
        rules.append(f"#s-{k}:checked~table .k-{k}.d{{display:inline}}")
        rules.append(f"#s-{k}:checked~table .k-{k}.d::after{{content:' \\25B2'}}")
        rules.append(f"#s-{k}d:checked~table .k-{k}.a::after{{content:' \\25BC'}}")
    return "\n".join(rules)


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)
