"""Read NMEA files in chunks of whole messages, so memory stays bounded on any file size.

A chunk is raw bytes (no string per line: workers frame the bytes as they are). It never splits a
multi-fragment message or separates a ``$PGHP`` time line from the sentence it stamps, and it
carries a few lines of context before it so that stateful framing rules (a time inherited from the
line before) see the same neighbours as a whole-file read would.

A file that cannot be read to its end (a gzip capture cut off mid-write, corrupt compressed data)
keeps every line read before the break; the last chunk says what broke in ``Chunk.cut_off``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from isal import isal_zlib

from vessel_risk.ingest import files

# A sentence that continues a message: fragment number 2..9 of a sentence, or a tag-block group.
_CONTINUATION = re.compile(rb"![A-Z0-9-]{2}VD[MO],[2-9],[2-9],|\\g:[2-9]-")
_READ_BYTES = 1 << 16  # decompressed bytes per read: what a cut-off file can lose at most
FILE_CUT_OFF = "file_cut_off"  # quarantine reason for the unreadable rest of a file
# What reading a cut-off or corrupt file raises (isal's stub types its error as an instance).
_READ_ERRORS: tuple[type[Exception], ...] = (EOFError, OSError,
                                             cast(type[Exception], isal_zlib.error))


@dataclass(frozen=True)
class Chunk:
    source: str
    first_line_no: int  # line number of the first line of ``content``
    context: bytes  # the lines just before, for stateful rules (not emitted again), '\n'-ended
    context_lines: int
    content: bytes  # whole lines, each ended by '\n'
    n_lines: int
    cut_off: str | None = None  # why the file could not be read past this chunk, if it could not


class _Reader:
    """``read`` and ``readline`` that stop, instead of raising, where the file cannot be read."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.error: str | None = None

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes, in small reads so that a break loses little."""
        pieces: list[bytes] = []
        while size > 0 and (piece := self._call(self.handle.read, min(size, _READ_BYTES))):
            pieces.append(piece)
            size -= len(piece)
        return b"".join(pieces)

    def readline(self) -> bytes:
        return self._call(self.handle.readline, -1)

    def _call(self, read: Callable[[int], bytes], size: int) -> bytes:
        if self.error is not None:
            return b""
        try:
            return read(size)
        except _READ_ERRORS as exc:
            self.error = f"{type(exc).__name__}: {exc}"
            return b""


def read_chunks(path: Path, chunk_bytes: int, context_lines: int) -> Iterator[Chunk]:
    """Yield the file's lines in chunks of about ``chunk_bytes``, cut between messages.

    Lines end at '\\n' only ('\\r' stays for the framer to strip); a last line without one gets it.
    """
    source = str(path)
    line_no = 1
    context, n_context = b"", 0
    with files.open_binary(path) as handle:
        reader = _Reader(handle)
        pending = b""
        while True:
            head = reader.read(max(chunk_bytes - len(pending), 1))
            if not head and not pending:
                if reader.error:  # nothing readable after the last chunk
                    yield Chunk(source, line_no, context, n_context, b"", 0, reader.error)
                return
            tail = reader.readline() if head and not head.endswith(b"\n") else b""
            parts = [pending, head, tail]
            # the chunk's last line: the end of head completed by tail, or all of pending
            last = head[head.rfind(b"\n", 0, len(head) - 1) + 1 :] + tail if head else pending
            pending = b""
            # Extend the chunk until the next line starts a new message.
            while nxt := reader.readline():
                if _CONTINUATION.search(nxt) or last.lstrip().startswith(b"$PGHP"):
                    parts.append(nxt)
                    last = nxt
                    continue
                pending = nxt
                break
            content = b"".join(parts)
            if not content.endswith(b"\n"):
                content += b"\n"
            n_lines = content.count(b"\n")
            yield Chunk(source, line_no, context, n_context, content, n_lines, reader.error)
            if reader.error:  # the file cannot be read past this chunk
                return
            line_no += n_lines
            if context_lines:
                context = b"".join(_last_lines(content, context_lines))
                n_context = min(context_lines, n_lines)


def read_whole(path: Path) -> tuple[bytes, str | None]:
    """The whole file (for CSV exports), and why it could not be read to its end, if it could not:
    the bytes read before the break are kept."""
    with files.open_binary(path) as handle:
        reader = _Reader(handle)
        chunks_read = []
        while piece := reader.read(_READ_BYTES * 64):
            chunks_read.append(piece)
        return b"".join(chunks_read), reader.error


def _last_lines(content: bytes, n: int) -> list[bytes]:
    """The last ``n`` lines of '\\n'-ended ``content``, each with its '\\n'."""
    tail = content[:-1].rsplit(b"\n", n)[-n:]
    return [line + b"\n" for line in tail]
