"""AIS ingest: files in, ``positions``, ``statics`` and ``quarantine`` tables out.

Every line read ends in exactly one place, and :class:`IngestSummary` counts them so they add up::

    lines_read + extra_sentences = blank_or_comment + time_only + quarantined
                                   + decoded_sentences + duplicate_sentences
"""

from __future__ import annotations

import multiprocessing
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

import pandas as pd

from ingest import chunks, fast_framing, files, messages, tables
from ingest.fast_framing import to_items
from ingest.fragments import FragmentParams, Message, assemble
from ingest.framing import FramingParams, Rejected
from vessel_risk import columns as c
from vessel_risk.errors import ConfigError


@dataclass(frozen=True)
class IngestParams:
    """Everything ingest can be told."""

    framing: FramingParams = FramingParams()
    fragments: FragmentParams = FragmentParams()
    # The same message heard by several receivers arrives within seconds; a repeat of identical
    # payload bits more than this later is a new transmission (a moored ship repeating itself).
    duplicate_window_s: float = 60.0
    # Lines per chunk: ~40-80 MB of framing state per worker; large enough that process start-up
    # and pickling are a small share of the time.
    chunk_lines: int = 250_000
    # Worker processes for framing and decoding (the machines have 2 cores).
    workers: int = 2
    # Force one input format (ingest.files.FORMATS) instead of telling it from each file's header.
    format: str | None = None

    def __post_init__(self) -> None:
        if self.format is not None and self.format not in files.FORMATS:
            raise ConfigError(f"unknown AIS format {self.format!r}; one of {', '.join(files.FORMATS)}")


@dataclass
class IngestSummary:
    """Counts of what happened to every line read."""

    files: int = 0
    lines_read: int = 0
    extra_sentences: int = 0  # second and later sentences sharing one line
    blank_or_comment: int = 0
    time_only: int = 0  # $PGHP lines: they only carry a time
    quarantined: Counter[str] = field(default_factory=Counter)
    decoded_sentences: int = 0
    duplicate_sentences: int = 0
    messages_by_type: Counter[int] = field(default_factory=Counter)

    def add(self, other: IngestSummary) -> None:
        self.files += other.files
        self.lines_read += other.lines_read
        self.extra_sentences += other.extra_sentences
        self.blank_or_comment += other.blank_or_comment
        self.time_only += other.time_only
        self.quarantined.update(other.quarantined)
        self.decoded_sentences += other.decoded_sentences
        self.duplicate_sentences += other.duplicate_sentences
        self.messages_by_type.update(other.messages_by_type)

    @property
    def balanced(self) -> bool:
        left = self.lines_read + self.extra_sentences
        right = (self.blank_or_comment + self.time_only + sum(self.quarantined.values())
                 + self.decoded_sentences + self.duplicate_sentences)
        return left == right

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "lines_read": self.lines_read,
            "extra_sentences": self.extra_sentences,
            "blank_or_comment": self.blank_or_comment,
            "time_only": self.time_only,
            "quarantined": dict(sorted(self.quarantined.items())),
            "decoded_sentences": self.decoded_sentences,
            "duplicate_sentences": self.duplicate_sentences,
            "messages_by_type": {str(k): v for k, v in sorted(self.messages_by_type.items())},
        }


TYPE_POSITION_AND_STATIC = 19  # a type 19 report yields a position row and a static row


@dataclass
class AisTables:
    positions: pd.DataFrame
    statics: pd.DataFrame
    quarantine: pd.DataFrame
    summary: IngestSummary


def ingest_ais(paths: Iterable[Path], params: IngestParams = IngestParams()) -> AisTables:
    """Ingest every AIS file found under ``paths`` (files or folders, plain or gzip).

    NMEA files are read in chunks of whole messages (bounded memory) and the chunks are framed
    and decoded on ``params.workers`` processes. Duplicates are removed across all chunks and
    files, so a message heard by receivers whose feeds were saved to different files is kept once.
    """
    summary = IngestSummary()
    results: list[ChunkResult] = []
    csv_parts: list[AisTables] = []
    nmea_files: list[Path] = []
    for path in files.discover(paths):
        fmt = params.format or files.sniff_format(files.read_head(path))
        if fmt == files.NMEA:
            summary.files += 1
            nmea_files.append(path)
            continue
        from ingest import csv_exports  # imported lazily: most runs are NMEA only

        csv_parts.append(csv_exports.ingest_csv(path, files.read_bytes(path), fmt))
    jobs = (chunk for path in nmea_files
            for chunk in chunks.read_chunks(path, params.chunk_lines, params.framing.context_lines))
    results = list(_run_chunks(jobs, params))
    for summary_part in [*(r.summary for r in results), *(p.summary for p in csv_parts)]:
        summary.add(summary_part)
    positions = _merge_copies([r.positions for r in results], summary, params,
                              count_types=True)
    statics = _merge_copies([r.statics for r in results], summary, params, count_types=False)
    _merge_copies([r.others for r in results], summary, params, count_types=True)
    quarantine = tables.concat([r.quarantine for r in results], tables.empty_quarantine())
    return AisTables(
        positions=tables.concat([positions, *(p.positions for p in csv_parts)],
                                tables.empty_positions()),
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
    framed = frame_nmea(chunk, params)
    kept, dropped = messages.deduplicate(framed.messages, params.duplicate_window_s)
    decoded = messages.decode(kept)
    summary = framed.summary
    summary.duplicate_sentences += int(dropped[messages.SENTENCES].map(len).sum())
    for frame in (decoded.positions, decoded.others):
        summary.decoded_sentences += int(frame[messages.N_SENTENCES].sum())
        summary.messages_by_type.update(frame[c.MSG_TYPE].tolist())
    statics_only = decoded.statics[decoded.statics[c.MSG_TYPE] != TYPE_POSITION_AND_STATIC]
    summary.decoded_sentences += int(statics_only[messages.N_SENTENCES].sum())
    summary.messages_by_type.update(statics_only[c.MSG_TYPE].tolist())
    summary.quarantined.update(r.reason for _, r in decoded.failed)
    rejected = framed.rejected + [r for _, r in decoded.failed]
    return ChunkResult(decoded.positions, decoded.statics, decoded.others,
                       tables.quarantine_frame(rejected, chunk.source), summary)


def _run_chunks(jobs: Iterator[chunks.Chunk], params: IngestParams) -> Iterator[ChunkResult]:
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
    # "spawn": the caller may be a Prefect task with threads running, which fork would copy.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(params.workers, mp_context=context) as pool:
        in_flight: deque[Future[ChunkResult]] = deque()
        for job in chain([first, second], jobs):
            in_flight.append(pool.submit(process_chunk, job, params))
            if len(in_flight) >= 2 * params.workers:  # bounded read-ahead: bounded memory
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()


def _merge_copies(frames: list[pd.DataFrame], summary: IngestSummary, params: IngestParams,
                  count_types: bool) -> pd.DataFrame:
    """Drop copies of one message found in different chunks or files; count them."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return tables.empty_positions() if count_types else tables.empty_statics()
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    kept, dropped = messages.merge_copies(frame, frame[messages.PAYLOAD_HASH].to_numpy(),
                                          params.duplicate_window_s)
    if count_types or len(dropped):
        counted = (dropped if count_types
                   else dropped[dropped[c.MSG_TYPE] != TYPE_POSITION_AND_STATIC])
        moved = int(counted[messages.N_SENTENCES].sum())
        summary.decoded_sentences -= moved
        summary.duplicate_sentences += moved
        summary.messages_by_type.subtract(counted[c.MSG_TYPE].tolist())
    return kept.drop(columns=messages.PRIVATE, errors="ignore")


@dataclass
class Framed:
    messages: pd.DataFrame  # the messages table of ingest.messages
    rejected: list[Rejected]
    summary: IngestSummary


def frame_nmea(chunk: chunks.Chunk, params: IngestParams = IngestParams()) -> Framed:
    """Frame and reassemble the NMEA lines of one chunk; count what each line became.

    The vectorised framer handles every line; single-fragment sentences (most of a feed) go
    straight into the messages table as arrays, the rest through the reference objects.
    """
    context = len(chunk.context)
    content = ("\n".join((*chunk.context, *chunk.lines)) + "\n").encode("latin-1")
    block = fast_framing.frame_block(content, chunk.first_line_no - context, params.framing)
    own = block.line_no >= chunk.first_line_no
    single = own & (block.kind == fast_framing.SENTENCE) & (block.total == 1)
    rest = to_items(block, content, keep=own & ~single)
    summary = IngestSummary(lines_read=len(chunk.lines))
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
    summary.extra_sentences = sum(n - 1 for n in yielded.values() if n > 1)
    summary.quarantined.update(r.reason for r in rejected)
    singles = messages.single_sentence_frame(block, content, single, chunk.source)
    table = pd.concat([singles, messages.messages_frame(complete, chunk.source)],
                      ignore_index=True).sort_values(c.LINE_NO, kind="mergesort")
    return Framed(table.reset_index(drop=True), rejected, summary)
