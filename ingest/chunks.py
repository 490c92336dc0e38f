"""Read NMEA files in chunks of whole messages, so memory stays bounded on any file size.

A chunk is raw bytes (no string per line: workers frame the bytes as they are). It never splits a
multi-fragment message or separates a ``$PGHP`` time line from the sentence it stamps, and it
carries a few lines of context before it so that stateful framing rules (a time inherited from the
line before) see the same neighbours as a whole-file read would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest import files

# A sentence that continues a message: fragment number 2..9 of a sentence, or a tag-block group.
_CONTINUATION = re.compile(rb"![A-Z0-9-]{2}VD[MO],[2-9],[2-9],|\\g:[2-9]-")


@dataclass(frozen=True)
class Chunk:
    source: str
    first_line_no: int  # line number of the first line of ``content``
    context: bytes  # the lines just before, for stateful rules (not emitted again), '\n'-ended
    context_lines: int
    content: bytes  # whole lines, each ended by '\n'
    n_lines: int


def read_chunks(path: Path, chunk_bytes: int, context_lines: int) -> Iterator[Chunk]:
    """Yield the file's lines in chunks of about ``chunk_bytes``, cut between messages.

    Lines end at '\\n' only ('\\r' stays for the framer to strip); a last line without one gets it.
    """
    source = str(path)
    line_no = 1
    context, n_context = b"", 0
    with files.open_binary(path) as handle:
        pending = b""
        while True:
            head = pending + handle.read(max(chunk_bytes - len(pending), 1))
            if not head:
                return
            if not head.endswith(b"\n"):
                head += handle.readline()
            parts, pending = [head], b""
            last = _last_line(head)
            # Extend the chunk until the next line starts a new message.
            while nxt := handle.readline():
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
            yield Chunk(source, line_no, context, n_context, content, n_lines)
            line_no += n_lines
            if context_lines:
                context = b"".join(_last_lines(content, context_lines))
                n_context = min(context_lines, n_lines)


def _last_line(content: bytes) -> bytes:
    return content[content.rfind(b"\n", 0, len(content) - 1) + 1 :]


def _last_lines(content: bytes, n: int) -> list[bytes]:
    """The last ``n`` lines of '\\n'-ended ``content``, each with its '\\n'."""
    tail = content[:-1].rsplit(b"\n", n)[-n:]
    return [line + b"\n" for line in tail]
