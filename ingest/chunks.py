"""Read NMEA files in chunks of whole messages, so memory stays bounded on any file size.

A chunk never splits a multi-fragment message or separates a ``$PGHP`` time line from the sentence
it stamps; it carries a few lines of context before it so that stateful framing rules (a time
inherited from the line before) see the same neighbours as a whole-file read would.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO

from ingest import files

# A sentence that continues a message: fragment number 2..9 of a sentence, or a tag-block group.
_CONTINUATION = re.compile(r"![A-Z0-9-]{2}VD[MO],[2-9],[2-9],|\\g:[2-9]-")


@dataclass(frozen=True)
class Chunk:
    source: str
    first_line_no: int  # line number of lines[0]
    context: tuple[str, ...]  # the lines just before, for stateful rules (not emitted again)
    lines: tuple[str, ...]


def open_text(path: Path) -> IO[str]:
    """The file as Latin-1 text (never fails on binary garbage), gunzipped when needed."""
    return io.TextIOWrapper(files.open_binary(path), encoding="latin-1", newline="\n")


def _is_continuation(line: str) -> bool:
    return bool(_CONTINUATION.search(line))


def read_chunks(path: Path, lines_per_chunk: int, context_lines: int) -> Iterator[Chunk]:
    """Yield the file's lines in chunks of about ``lines_per_chunk``, cut between messages."""
    source = str(path)
    with open_text(path) as handle:
        pending: list[str] = []
        context: tuple[str, ...] = ()
        line_no = 1
        while True:
            lines = pending + list(islice(handle, max(lines_per_chunk - len(pending), 1)))
            pending = []
            if not lines:
                return
            # Extend the chunk until the next line starts a new message.
            while True:
                nxt = handle.readline()
                if not nxt:
                    break
                if _is_continuation(nxt) or lines[-1].lstrip().startswith("$PGHP"):
                    lines.append(nxt)
                    continue
                pending = [nxt]
                break
            texts = tuple(line.rstrip("\n") for line in lines)
            yield Chunk(source, line_no, context, texts)
            line_no += len(texts)
            context = texts[-context_lines:] if context_lines else ()
