"""Rows that arrive for a day already stored join it: the union, each distinct row once, in one
order that depends only on the rows (never on which run brought which row first).

So a late line from yesterday merges into yesterday's partition, a file read twice adds nothing,
and three days ingested day by day give the same bytes as the three ingested at once.

The work is done on Arrow tables (sorting by every column there is ~7x faster than in pandas):
sort by the natural keys then every other column, and keep each row that differs from the one
before it (after a total sort, exact duplicates are neighbours; NaN equals NaN, null equals null).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from vessel_risk.common import columns as c

# The natural keys of the tables that only grow, sorted by first; the remaining columns follow,
# in the table's order, so that the order is total and no two runs can order rows differently.
POSITION_KEYS = [c.MMSI, c.TIMESTAMP]
STATIC_KEYS = [c.MMSI, c.TIMESTAMP]
QUARANTINE_KEYS = [c.SOURCE_FILE, c.LINE_NO, c.REASON]


def sort_columns(names: list[str], keys: list[str]) -> list[str]:
    """``keys`` (those present) then every other column of ``names``."""
    first = [k for k in keys if k in names]
    return first + [col for col in names if col not in first]


# Text columns with few distinct values (the input file of each row). A DataFrame's column goes to
# Arrow through its distinct values (:func:`encoded_table`): a hash per row, where converting every
# string costs a copy of each (a 10-million-sentence day's paths: 4.4 s and 540 MB), and it is
# sorted and reordered as small integers, then written as plain text.
FEW_VALUED_TEXT = (c.SOURCE_FILE,)

# Rows per slice of :meth:`SortedRows.slices`, and so per row group of a merged partition.
SLICE_ROWS = 2**20


@dataclass(frozen=True, eq=False)
class SortedRows:
    """A table's distinct rows in their one order, not yet gathered: ``table.take(order)`` is
    them. Gathered a slice at a time (:meth:`slices`), a day of millions of rows is never held
    twice; ``schema`` is that of the slices (text columns as plain text)."""

    table: pa.Table
    order: pa.Array
    schema: pa.Schema

    def slices(self, rows: int = SLICE_ROWS) -> Iterator[pa.Table]:
        for start in range(0, len(self.order), rows):
            yield plain_text(self.table.take(self.order.slice(start, rows)))

    def whole(self) -> pa.Table:
        return pa.Table.from_batches([b for s in self.slices() for b in s.to_batches()],
                                     self.schema)


def distinct_sorted_rows(table: pa.Table, keys: list[str]) -> SortedRows:
    """``table``'s distinct rows sorted by ``keys`` then the other columns (a column of
    :func:`encoded_table` sorts by its text, as the plain column would). After a total sort
    exact duplicates are neighbours: each column is compared, gathered in order one at a time,
    with the row before, until no two rows are alike in every column so far."""
    names = sort_columns(table.column_names, keys)
    sortable = pa.table({name: _sortable(table[name]) for name in names})
    order = pc.sort_indices(sortable, sort_keys=[(n, "ascending", "at_end") for n in names])
    del sortable
    schema = plain_text(table.slice(0, 0)).schema
    if table.num_rows < 2:
        return SortedRows(table, order, schema)
    same = np.ones(table.num_rows - 1, dtype=bool)
    for column in table.columns:
        same &= _same_as_previous(column.take(order))
        if not same.any():
            return SortedRows(table, order, schema)  # no two rows alike: nothing to drop
    return SortedRows(table, order.filter(pa.array(np.concatenate([[True], ~same]))), schema)


def distinct_sorted_table(table: pa.Table, keys: list[str]) -> pa.Table:
    """:func:`distinct_sorted_rows`, gathered whole."""
    return distinct_sorted_rows(table, keys).whole()


def _sortable(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """``column``, or for a dictionary column with sorted values its indices (which then sort
    as its text does); Arrow does not sort tables by dictionary columns."""
    if not pa.types.is_dictionary(column.type):
        return column
    whole = column.combine_chunks()
    values = whole.dictionary
    if len(values) > 1 and not pc.all(pc.less(values.slice(0, len(values) - 1),
                                              values.slice(1))).as_py():
        return pa.chunked_array([whole.dictionary_decode()])
    return pa.chunked_array([whole.indices])


def plain_text(table: pa.Table) -> pa.Table:
    """``table`` with its dictionary columns decoded to their values' type."""
    for i, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            table = table.set_column(i, field.name, table[field.name].cast(field.type.value_type))
    return table


def _same_as_previous(column: pa.ChunkedArray) -> np.ndarray:
    """For rows 1..n-1: whether the value equals the one in the row before."""
    here, before = column.slice(1), column.slice(0, len(column) - 1)
    same = pc.fill_null(pc.equal(here, before), False)
    same = pc.or_(same, pc.and_(pc.is_null(here), pc.is_null(before)))
    if pa.types.is_floating(column.type):
        nan = pc.and_(pc.fill_null(pc.is_nan(here), False), pc.fill_null(pc.is_nan(before), False))
        same = pc.or_(same, nan)
    return np.asarray(same.to_numpy(zero_copy_only=False), dtype=bool)


def merged_rows(existing: pa.Table | None, new: pa.Table, keys: list[str]) -> SortedRows:
    """The rows of ``existing`` and ``new`` together, distinct and sorted (``existing`` None:
    nothing stored yet). ``new`` takes ``existing``'s schema where it can, so a day merged run
    by run is the same bytes as the day written at once."""
    if existing is None or existing.num_rows == 0:
        return distinct_sorted_rows(new, keys)
    if new.num_rows == 0:
        return distinct_sorted_rows(existing, keys)
    if set(new.column_names) == set(existing.column_names):
        try:
            new = new.select(existing.column_names).cast(existing.schema)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            pass
    both = pa.concat_tables([existing, new], promote_options="permissive")
    return distinct_sorted_rows(both, keys)


def merged_table(existing: pa.Table | None, new: pa.Table, keys: list[str]) -> pa.Table:
    """:func:`merged_rows`, gathered whole."""
    return merged_rows(existing, new, keys).whole()


def as_table(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False)


def encoded_table(frame: pd.DataFrame) -> pa.Table:
    """``frame`` as an Arrow table whose ``FEW_VALUED_TEXT`` columns are dictionaries of their
    sorted values (for :func:`distinct_sorted_rows`, whose slices have them as text again)."""
    few = [col for col in FEW_VALUED_TEXT
           if col in frame.columns and pd.api.types.is_string_dtype(frame[col].dtype)]
    table = pa.Table.from_pandas(frame, preserve_index=False,
                                 columns=[col for col in frame.columns if col not in few])
    for col in few:
        codes, values = pd.factorize(frame[col], sort=True)
        indices = pa.array(codes.astype(np.int32), mask=codes < 0)
        encoded = pa.DictionaryArray.from_arrays(indices, pa.array(np.asarray(values, dtype=object),
                                                                   type=pa.string()))
        table = table.add_column(list(frame.columns).index(col), col, encoded)
    # pandas' account of every column (read back, the text is a string column again)
    return table.replace_schema_metadata(as_table(frame.iloc[:0]).schema.metadata)


def distinct_sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """:func:`distinct_sorted_table` for a DataFrame (the caller's frame is not changed)."""
    return distinct_sorted_table(as_table(frame), keys).to_pandas()


def merged(existing: pd.DataFrame | None, new: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """:func:`merged_table` for DataFrames."""
    return merged_table(None if existing is None else as_table(existing), as_table(new),
                        keys).to_pandas()
