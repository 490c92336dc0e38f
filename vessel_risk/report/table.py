"""Every vessel of the day in one table that sorts on a click, with no script.

Each row carries its position in every ordering as a CSS variable (``--o<k>``); a radio button per
ordering, chosen by clicking a column's name, switches which variable the rows' flex ``order``
reads. The page stays a document with no code in it, and 10,000 rows sort as fast as the browser
lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd

from vessel_risk import columns as c
from vessel_risk.report import words


@dataclass(frozen=True)
class SortKey:
    key: str  # short id used in element ids and CSS variables
    label: str
    column: str


SORT_KEYS = (
    SortKey("rank", "#", c.RISK_RANK),
    SortKey("name", "Name", c.NAME),
    SortKey("mmsi", "MMSI", c.MMSI),
    SortKey("flag", "Flag", c.FLAG),
    SortKey("type", "Type", c.SHIP_TYPE),
    SortKey("seen", "Last seen (UTC)", c.LAST_SEEN),
)
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
    """The table's HTML; names of vessels with a section of their own link to it."""
    listed = listed.reset_index(drop=True)
    pos = orderings(listed)
    parts = ['<div class="sortable" role="table" aria-label="All vessels of the day">']
    for sk in SORT_KEYS:
        for suffix in ("", "d"):
            checked = " checked" if sk.key == "rank" and not suffix else ""
            parts.append(f'<input type="radio" name="sort" id="s-{sk.key}{suffix}" '
                         f'class="sort-input"{checked}>')
    parts.append('<div class="head row" role="row">')
    for header, key in _COLUMNS:
        if key is None:
            parts.append(f'<span role="columnheader">{escape(header)}</span>')
        else:
            parts.append(
                f'<span role="columnheader"><label for="s-{key}" class="k-{key} a" '
                f'title="sort by {escape(header)}">{escape(header)}</label>'
                f'<label for="s-{key}d" class="k-{key} d" title="sort by {escape(header)}, '
                f'reversed">{escape(header)}</label></span>')
    parts.append('</div><div class="rows">')
    names = listed[c.NAME]
    for i, row in enumerate(listed.itertuples(index=False)):
        rec = row._asdict()
        mmsi = int(rec[c.MMSI])
        style = ";".join(f"--o-{sk.key}:{pos[sk.key][i]}" for sk in SORT_KEYS)
        name = _text(names.iat[i])
        shown = escape(name) if name else "<i>no name</i>"
        if mmsi in with_section:
            shown = f'<a href="#v{mmsi}">{shown}</a>'
        imo = rec[c.IMO]
        cells = [
            str(int(rec[c.RISK_RANK])), shown, str(mmsi),
            "" if pd.isna(imo) else str(int(imo)),
            escape(_text(rec[c.FLAG])), escape(_text(rec[c.SHIP_TYPE])),
            f"{float(rec[c.RISK_SCORE]):.2f}", escape(_text(rec[c.RISK_BAND])),
            escape(words.utc(rec[c.LAST_SEEN]).removesuffix(" UTC")),
            escape(_text(rec[c.REASONS])),
        ]
        band = escape(_text(rec[c.RISK_BAND]))
        parts.append(f'<div class="row b-{band}" role="row" style="{style}" data-mmsi="{mmsi}">'
                     + "".join(f'<span role="cell">{cell}</span>' for cell in cells) + "</div>")
    parts.append("</div></div>")
    return "".join(parts)


def sortable_css() -> str:
    """The rules that make the radio buttons sort the rows."""
    rules = [".sortable .rows{display:flex;flex-direction:column}",
             ".sortable .sort-input{position:absolute;opacity:0;pointer-events:none}",
             ".sortable label{cursor:pointer;text-decoration:underline dotted}",
             ".sortable .head .d{display:none}"]
    for sk in SORT_KEYS:
        k = sk.key
        rules.append(f"#s-{k}:checked~.rows>.row{{order:var(--o-{k})}}")
        rules.append(f"#s-{k}d:checked~.rows>.row{{order:calc(0 - var(--o-{k}))}}")
        # the column's name sorts forward, and once sorted forward, backward
        rules.append(f"#s-{k}:checked~.head .k-{k}.a{{display:none}}")
        rules.append(f"#s-{k}:checked~.head .k-{k}.d{{display:inline}}")
        rules.append(f"#s-{k}:checked~.head .k-{k}.d::after{{content:' \\25B2'}}")
        rules.append(f"#s-{k}d:checked~.head .k-{k}.a::after{{content:' \\25BC'}}")
    return "\n".join(rules)


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)
