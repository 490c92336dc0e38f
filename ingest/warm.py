"""Imported by the ingest workers' fork server, once: pays every first-call cost there.

Workers are forked from a server process (see :mod:`ingest.workers`). Importing this
module imports the ingest code and runs one small chunk through it, so the modules numpy, pandas,
pyarrow and pyais load lazily on first use are loaded, and their caches filled, in the server;
every worker forked from it starts warm instead of paying ~0.4 s of CPU on its first chunk.
It also tunes the server's allocator (``common.allocator.reuse_freed_memory``), which the workers
inherit.
"""

from __future__ import annotations

from vessel_risk.common.allocator import reuse_freed_memory
from vessel_risk.ingest import ais, chunks

_LINES = b"".join(line + b"\n" for line in (
    rb"\s:2573238,c:1733782034*0A\!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F",
    b"1733782035,!AIVDM,1,1,,B,B3MP?v@00?uv2d`>Qpai<f6T0000,0*66",
    b"1733782036,!AIVDM,1,1,,A,H3m62@@pu8@T>1=@580000000000,0*62",
    b"1733782037,!AIVDM,2,1,3,B,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C",
    b"1733782037,!AIVDM,2,2,3,B,88888888880,2*25",
    b"not a sentence",
))


def warm_up() -> None:
    chunk = chunks.Chunk("warm-up", 1, b"", 0, _LINES, _LINES.count(b"\n"))
    ais.process_chunk(chunk, ais.IngestParams())


reuse_freed_memory()
# No exception is caught: the warm-up chunk is valid input, so a failure here is a bug in ingest
# that every chunk would meet too; it must show (in the importer, or on the fork server's stderr),
# not be swallowed. Tests run warm_up() so such a bug fails CI first.
warm_up()
