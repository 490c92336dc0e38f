"""What ingest returns: the three tables, and the accounts of every line read.

Every line read ends in exactly one place, and :class:`IngestSummary` counts them so they add up::

    lines_read + extra_sentences = blank_or_comment + time_only + quarantined
                                   + decoded_sentences + duplicate_sentences
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


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
    # Of the positions kept, those whose position is "not available" (AIS lat 91 / lon 181): the
    # vessel was heard but not located. Not a line count (outside the balance); out-of-range
    # positions are quarantined instead (position_out_of_range).
    positions_not_available: int = 0
    # Lines read per input file (as its path was given): the ingest manifest records them.
    # Not in as_dict: the run summary counts lines over all files.
    lines_by_file: Counter[str] = field(default_factory=Counter)

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
        self.positions_not_available += other.positions_not_available
        self.lines_by_file.update(other.lines_by_file)

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
            "positions_not_available": self.positions_not_available,
        }


@dataclass
class AisTables:
    positions: pd.DataFrame
    statics: pd.DataFrame
    quarantine: pd.DataFrame
    summary: IngestSummary
