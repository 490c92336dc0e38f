"""AIS ingest: files in, ``positions``, ``statics`` and ``quarantine`` tables out.

Every line read ends in exactly one place, and :class:`IngestSummary` counts them so they add up::

    lines_read + extra_sentences = blank_or_comment + time_only + quarantined
                                   + decoded_sentences + duplicate_sentences
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ingest import files, messages, tables
from ingest.fragments import FragmentParams, Message, assemble
from ingest.framing import FramingParams, Rejected, frame_lines


@dataclass(frozen=True)
class IngestParams:
    """Everything ingest can be told."""

    framing: FramingParams = FramingParams()
    fragments: FragmentParams = FragmentParams()
    # The same message heard by several receivers arrives within seconds; a repeat of identical
    # payload bits more than this later is a new transmission (a moored ship repeating itself).
    duplicate_window_s: float = 60.0


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


@dataclass
class AisTables:
    positions: pd.DataFrame
    statics: pd.DataFrame
    quarantine: pd.DataFrame
    summary: IngestSummary


def ingest_ais(paths: Iterable[Path], params: IngestParams = IngestParams()) -> AisTables:
    """Ingest every AIS file found under ``paths`` (files or folders, plain or gzip).

    Duplicates are removed across all files, so one message heard by receivers whose feeds were
    saved to different files is kept once.
    """
    summary = IngestSummary()
    framed_parts: list[pd.DataFrame] = []
    rejected: list[tuple[str, Rejected]] = []
    decoded_tables: list[AisTables] = []
    for path in files.discover(paths):
        content = files.read_bytes(path)
        fmt = files.sniff_format(content)
        if fmt != files.NMEA:
            from ingest import csv_exports  # imported lazily: most runs are NMEA only

            part = csv_exports.ingest_csv(path, content, fmt)
            summary.add(part.summary)
            decoded_tables.append(part)
            continue
        framed = frame_nmea(files.split_lines(content), str(path), params)
        summary.add(framed.summary)
        framed_parts.append(framed.messages)
        rejected.extend((str(path), r) for r in framed.rejected)
    all_messages = (pd.concat(framed_parts, ignore_index=True) if framed_parts
                    else messages.messages_frame([], ""))
    kept, dropped = messages.deduplicate(all_messages, params.duplicate_window_s)
    summary.duplicate_sentences += int(dropped[messages.SENTENCES].map(len).sum())
    decoded = messages.decode(kept)
    summary.decoded_sentences += decoded.decoded_sentences
    summary.messages_by_type.update(decoded.by_type)
    summary.quarantined.update(r.reason for _, r in decoded.failed)
    rejected.extend(decoded.failed)
    quarantine = tables.concat(
        [tables.quarantine_frame([r for s, r in rejected if s == src], src)
         for src in sorted({s for s, _ in rejected})],
        tables.empty_quarantine(),
    )
    parts = [AisTables(decoded.positions, decoded.statics, quarantine, summary), *decoded_tables]
    return AisTables(
        positions=tables.concat([p.positions for p in parts], tables.empty_positions()),
        statics=tables.concat([p.statics for p in parts], tables.empty_statics()),
        quarantine=tables.concat([p.quarantine for p in parts], tables.empty_quarantine()),
        summary=summary,
    )


@dataclass
class Framed:
    messages: pd.DataFrame  # the messages table of ingest.messages
    rejected: list[Rejected]
    summary: IngestSummary


def frame_nmea(lines: Sequence[str], source: str, params: IngestParams = IngestParams()) -> Framed:
    """Frame and reassemble the NMEA lines of one source; count what each line became."""
    n_lines = len(lines) - (1 if lines and lines[-1] == "" else 0)
    lines = lines[:n_lines]
    summary = IngestSummary(files=1, lines_read=n_lines)
    for line in lines:
        text = line.strip()
        if not text or text.startswith("#"):
            summary.blank_or_comment += 1
        elif text.startswith("$PGHP"):
            summary.time_only += 1
    rejected: list[Rejected] = []
    complete: list[Message] = []
    for item in assemble(frame_lines(lines, params.framing), params.fragments):
        if isinstance(item, Rejected):
            rejected.append(item)
        else:
            complete.append(item)
    # A $PGHP line that fails to parse is rejected, and was counted as time_only above.
    summary.time_only -= sum(1 for r in rejected if r.raw.lstrip().startswith("$PGHP"))
    pieces = Counter(r.line_no for r in rejected)
    pieces.update(n for m in complete for n in m.raw_lines)
    summary.extra_sentences = sum(n - 1 for n in pieces.values() if n > 1)
    summary.quarantined.update(r.reason for r in rejected)
    return Framed(messages.messages_frame(complete, source), rejected, summary)
