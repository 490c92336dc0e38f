"""AIS ingest: files in, ``positions``, ``statics`` and ``quarantine`` tables out
(:class:`~ingest.results.AisTables`, whose summary accounts for every line read)."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vessel_risk.common import allocator
from vessel_risk.common import columns as c
from vessel_risk.common.days import localized
from vessel_risk.common.errors import ConfigError
from vessel_risk.ingest import chunks, csv_exports, fast_framing, files, messages, tables, workers
from vessel_risk.ingest.decode import POSITION_OUT_OF_RANGE
from vessel_risk.ingest.fast_framing import to_items
from vessel_risk.ingest.fragments import FragmentParams, Message, assemble
from vessel_risk.ingest.framing import FramingParams, Rejected
from vessel_risk.ingest.results import AisTables, IngestSummary


@dataclass(frozen=True)
class IngestParams:
    """Everything ingest can be told."""

    framing: FramingParams = FramingParams()
    fragments: FragmentParams = FragmentParams()
    # The same message heard by several receivers arrives within seconds; a repeat of identical
    # payload bits more than this later is a new transmission (a moored ship repeating itself).
    duplicate_window_s: float = 60.0
    # Bytes of NMEA per chunk (~100k lines of a tag-blocked feed): a worker's arrays for one
    # chunk stay near 200 MB, sending it costs little next to framing it, and there are enough
    # chunks to keep both workers busy to the end.
    chunk_bytes: int = 8 * 2**20
    # Worker processes for framing and decoding (the machines have 2 cores).
    workers: int = 2
    # Force one input format (ingest.files.FORMATS) instead of telling it from each file's header.
    format: str | None = None

    def __post_init__(self) -> None:
        if self.format is not None and self.format not in files.FORMATS:
            raise ConfigError(f"unknown AIS format {self.format!r}; one of {', '.join(files.FORMATS)}")


# Typical size of NMEA text over its gzip size, to tell from a file's size how many chunks it makes.
_GZIP_RATIO = 3

TYPE_POSITION_AND_STATIC = 19  # a type 19 report yields a position row and a static row


def ingest_ais(paths: Iterable[Path], params: IngestParams = IngestParams(),
               on_progress: Callable[[int], None] | None = None,
               background: bool = False) -> AisTables:
    """Ingest every AIS file found under ``paths`` (files or folders, plain or gzip).

    NMEA files are read in chunks of whole messages (bounded memory) and the chunks are framed
    and decoded on ``params.workers`` processes. Duplicates are removed across all chunks and
    files, so a message heard by receivers whose feeds were saved to different files is kept once.
    ``on_progress`` is given the number of lines read so far after each file or chunk.
    ``background``: the worker processes run at a lower CPU priority (``workers.pool``); the
    tables are the same.
    """
    summary = IngestSummary()
    lines_done = 0
    csv_parts: list[AisTables] = []
    nmea_files: list[Path] = []
    for path in files.discover(paths):
        fmt = params.format or files.sniff_format(files.read_head(path))
        if fmt == files.NMEA:
            summary.files += 1
            nmea_files.append(path)
            continue
        csv_parts.append(csv_exports.ingest_csv(path, *chunks.read_whole(path), fmt=fmt))
        csv_parts[-1].summary.lines_by_file[str(path)] += csv_parts[-1].summary.lines_read
        lines_done += csv_parts[-1].summary.lines_read
        if on_progress:
            on_progress(lines_done)
    _start_workers_early(nmea_files, params)
    jobs = (chunk for path in nmea_files
            for chunk in chunks.read_chunks(path, params.chunk_bytes, params.framing.context_lines))
    parts: dict[str, list[pd.DataFrame]] = {"positions": [], "statics": [], "others": [],
                                            "quarantine": []}
    for result in _run_chunks(jobs, params, background):
        summary.add(result.summary)
        lines_done += result.summary.lines_read
        if on_progress:
            on_progress(lines_done)
        for name, frames in parts.items():
            frames.append(getattr(result, name))
    for part in csv_parts:
        summary.add(part.summary)
    positions = _merge_copies(parts["positions"], summary, params, count_types=True)
    statics = _merge_copies(parts["statics"], summary, params, count_types=False)
    _merge_copies(parts["others"], summary, params, count_types=True)
    quarantine = tables.concat(parts["quarantine"], tables.empty_quarantine())
    all_positions = tables.concat([positions, *(p.positions for p in csv_parts)],
                                  tables.empty_positions())
    summary.positions_not_available = int(
        (all_positions[c.LAT].isna() | all_positions[c.LON].isna()).sum())
    allocator.release_freed_memory()  # the chunks' frames, freed all over the heap
    return AisTables(
        positions=all_positions,
        statics=tables.concat([statics, *(p.statics for p in csv_parts)], tables.empty_statics()),
        quarantine=tables.concat([quarantine, *(p.quarantine for p in csv_parts)],
                                 tables.empty_quarantine()),
        summary=summary,
    )


@dataclass
class ChunkResult:
    """A chunk framed, de-duplicated within itself and decoded (rows keep private columns)."""

    positions: pd.DataFrame
    statics: pd.DataFrame
    others: pd.DataFrame
    quarantine: pd.DataFrame
    summary: IngestSummary


def process_chunk(chunk: chunks.Chunk, params: IngestParams) -> ChunkResult:
    """Frame, reassemble, de-duplicate and decode one chunk (runs in a worker process)."""
    allocator.reuse_freed_memory()  # once per process that frames chunks
    framed = frame_nmea(chunk, params)
    summary = framed.summary
    fast = framed.positions
    kept, dropped = messages.deduplicate(framed.messages, params.duplicate_window_s)
    decoded = messages.decode(kept)
    summary.duplicate_sentences += int(dropped[messages.SENTENCES].map(len).sum())
    statics_only = decoded.statics[decoded.statics[c.MSG_TYPE] != TYPE_POSITION_AND_STATIC]
    for frame in (fast, decoded.positions, decoded.others, statics_only):
        _count_decoded(frame, summary, +1)
    summary.quarantined.update(r.reason for _, r in decoded.failed)
    rejected = framed.rejected + [r for _, r in decoded.failed]
    summary.lines_by_file[chunk.source] += summary.lines_read
    positions = tables.concat([fast, decoded.positions], fast)
    return ChunkResult(positions, decoded.statics, decoded.others,
                       tables.quarantine_frame(rejected, chunk.source), summary)


def _count_decoded(frame: pd.DataFrame, summary: IngestSummary, sign: int) -> None:
    """Add (or take back) ``frame``'s messages in the decoded counts."""
    summary.decoded_sentences += sign * int(frame[messages.N_SENTENCES].sum())
    types, counts = np.unique(frame[c.MSG_TYPE].to_numpy(), return_counts=True)
    summary.messages_by_type.update({int(t): sign * int(n) for t, n in zip(types, counts)})


def _run_chunks(jobs: Iterator[chunks.Chunk], params: IngestParams,
                background: bool = False) -> Iterator[ChunkResult]:
    """Process chunks in order, on worker processes once there is more than one chunk."""
    first = next(jobs, None)
    if first is None:
        return
    second = next(jobs, None)
    if second is None or params.workers <= 1:
        yield process_chunk(first, params)
        if second is not None:
            yield process_chunk(second, params)
            yield from (process_chunk(job, params) for job in jobs)
        return
    with workers.handover_folder() as folder, workers.pool(params.workers, background) as pool:
        in_flight: deque[Future[str]] = deque()
        for job in chain([first, second], jobs):
            in_flight.append(pool.submit(_process_and_hand_over, job, params, folder))
            if len(in_flight) >= 2 * params.workers:  # bounded read-ahead: bounded memory
                yield workers.take_over(in_flight.popleft().result())
        while in_flight:
            yield workers.take_over(in_flight.popleft().result())


def _process_and_hand_over(chunk: chunks.Chunk, params: IngestParams, folder: str) -> str:
    """:func:`process_chunk` in a worker, its result left in ``folder`` (``workers.hand_over``)."""
    return workers.hand_over(process_chunk(chunk, params), folder)


def _start_workers_early(paths: list[Path], params: IngestParams) -> None:
    """Start workers' fork server now when the input will need workers, so that its start-up
    overlaps with reading the first chunks."""
    expected = sum(p.stat().st_size * (_GZIP_RATIO if files.is_gzip(p) else 1) for p in paths)
    if params.workers > 1 and expected > 2 * params.chunk_bytes and not workers.can_fork():
        workers.start_fork_server()


def _merge_copies(frames: list[pd.DataFrame], summary: IngestSummary, params: IngestParams,
                  count_types: bool) -> pd.DataFrame:
    """Drop copies of one message found in different chunks or files; count them.

    Copies are found on the key, time and receivers columns alone; the kept rows are then copied
    out one chunk at a time, each chunk released once copied (``frames`` is emptied), so the
    rows are never held twice over.
    """
    parts = [f for f in frames if len(f)]
    frames.clear()
    if not parts:
        return tables.empty_positions() if count_types else tables.empty_statics()

    def joined(col: str) -> np.ndarray:
        return np.concatenate([f[col].to_numpy() for f in parts])

    keep, receivers = messages.find_copies(joined(messages.PAYLOAD_HASH),
                                           joined(messages.RECEIVED_S), joined(c.RECEIVERS),
                                           params.duplicate_window_s)
    dropped = pd.DataFrame({c.MSG_TYPE: joined(c.MSG_TYPE)[~keep],
                            messages.N_SENTENCES: joined(messages.N_SENTENCES)[~keep]})
    if not count_types:  # a type 19 is counted with positions
        dropped = dropped[dropped[c.MSG_TYPE] != TYPE_POSITION_AND_STATIC]
    _count_decoded(dropped, summary, -1)
    summary.duplicate_sentences += int(dropped[messages.N_SENTENCES].sum())
    kept = _assemble(parts, keep)
    kept[c.RECEIVERS] = receivers[keep]
    return kept


def _assemble(parts: list[pd.DataFrame], keep: np.ndarray) -> pd.DataFrame:
    """The rows ``keep`` marks (over all parts in order) as one frame without the private columns.

    Numeric and timestamp columns are copied into arrays allocated once; ``parts`` is emptied as
    each part is copied, so memory peaks at the result plus one part, not at twice the rows.
    """
    dtypes = {col: dtype for col, dtype in parts[0].dtypes.items() if col not in messages.PRIVATE}
    total = int(keep.sum())
    arrays: dict[str, np.ndarray] = {}
    pieces: dict[str, list[Any]] = {}
    for col, dtype in dtypes.items():
        if isinstance(dtype, pd.DatetimeTZDtype):
            arrays[col] = np.empty(total, dtype="int64")
        elif isinstance(dtype, np.dtype):
            arrays[col] = np.empty(total, dtype=dtype)
        else:  # text and nullable integers: kept as pieces, joined at the end
            pieces[col] = []
    start = done = 0
    while parts:
        part = parts.pop(0)
        mask = keep[start : start + len(part)]
        n = int(mask.sum())
        for col, target in arrays.items():
            values = part[col].array
            raw = values.asi8 if isinstance(values, pd.arrays.DatetimeArray) else np.asarray(values)
            target[done : done + n] = raw[mask]
        for col, chunks_of in pieces.items():
            chunks_of.append(part[col].array[mask])
        start += len(part)
        done += n
        del part
    columns: dict[str, Any] = {}
    for col, dtype in dtypes.items():
        if col in pieces:
            columns[col] = pd.concat([pd.Series(p, copy=False) for p in pieces.pop(col)],
                                     ignore_index=True).array
        elif isinstance(dtype, pd.DatetimeTZDtype):
            stamps = arrays.pop(col).view(f"datetime64[{dtype.unit}]")
            columns[col] = localized(stamps, dtype.tz)
        else:
            columns[col] = arrays.pop(col)
    return pd.DataFrame(columns, copy=False)


@dataclass
class Framed:
    positions: pd.DataFrame  # position reports decoded as arrays (private columns, de-duplicated)
    messages: pd.DataFrame  # every other message: the messages table of ingest.messages
    rejected: list[Rejected]
    summary: IngestSummary


def frame_nmea(chunk: chunks.Chunk, params: IngestParams = IngestParams()) -> Framed:
    """Frame and reassemble the NMEA lines of one chunk; count what each line became.

    The vectorised framer handles every line; single-fragment position reports (most of a feed)
    are decoded straight from its arrays, other single-fragment sentences go into the messages
    table as arrays, and the rest through the reference objects.
    """
    content = chunk.context + chunk.content
    block = fast_framing.frame_block(content, chunk.first_line_no - chunk.context_lines,
                                     params.framing)
    own = block.line_no >= chunk.first_line_no
    single = own & (block.kind == fast_framing.SENTENCE) & (block.total == 1)
    fast = messages.block_positions(block, single, chunk.source, params.duplicate_window_s)
    rest = to_items(block, content, keep=own & ~single)
    summary = IngestSummary(lines_read=chunk.n_lines, duplicate_sentences=fast.copies)
    summary.blank_or_comment = int((own & (block.kind == fast_framing.BLANK_OR_COMMENT)).sum())
    slow_lines = set(block.line_no[own & (block.kind == fast_framing.SLOW)].tolist())
    yielded = Counter(item.line_no for item in rest)
    # A $PGHP line only carries a time: the fast path marks it; a slow line that yields nothing
    # is one the reference read as such.
    summary.time_only = int((own & (block.kind == fast_framing.PGHP)).sum()) + sum(
        1 for n in slow_lines if n not in yielded)
    rejected: list[Rejected] = []
    complete: list[Message] = []
    for item in assemble(rest, params.fragments):
        if isinstance(item, Rejected):
            rejected.append(item)
        else:
            complete.append(item)
    rejected.extend(_out_of_range(block, content, fast.out_of_range))
    if chunk.cut_off:  # the rest of the file is unreadable: one row for it, counted as a line
        after = chunk.first_line_no + chunk.n_lines
        rejected.append(Rejected(after, chunks.FILE_CUT_OFF,
                                 f"file unreadable after line {after - 1}: {chunk.cut_off}"))
        summary.lines_read += 1
    summary.extra_sentences = sum(n - 1 for n in yielded.values() if n > 1)
    summary.quarantined.update(r.reason for r in rejected)
    singles = messages.single_sentence_frame(block, content, single & ~fast.handled, chunk.source)
    table = pd.concat([singles, messages.messages_frame(complete, chunk.source)],
                      ignore_index=True).sort_values(c.LINE_NO, kind="mergesort")
    return Framed(fast.positions, table.reset_index(drop=True), rejected, summary)


def _out_of_range(
    block: fast_framing.FramedBlock, content: bytes, rows: np.ndarray
) -> list[Rejected]:
    """A quarantine row for each position report ``rows`` marks (its position is out of range)."""
    return [Rejected(int(block.line_no[i]), POSITION_OUT_OF_RANGE,
                     content[block.text_start[i] : block.text_end[i]].decode("latin-1"),
                     float(block.received_s[i]))
            for i in np.flatnonzero(rows).tolist()]
