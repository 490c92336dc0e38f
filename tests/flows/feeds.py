"""Real-looking AIS feeds for flow tests: a day of the bundled sample moved to another day.

The sample's lines carry IEC 61162-450 tag blocks (``\\s:STATION,c:UNIX*hh\\``); moving a day
rewrites each receive time and its tag-block checksum, so the lines stay valid input.
"""

from __future__ import annotations

import gzip
import re
from datetime import date, timedelta
from pathlib import Path

from tests.support import SAMPLE
from vessel_risk.simulator.encode import tag_block

SAMPLE_LAST_DAY = date(2026, 11, 22)
_TAG = re.compile(r"^\\s:([^,\\]*),c:(\d+)\*[0-9A-Fa-f]{2}\\")


def sample_lines(day: date = SAMPLE_LAST_DAY) -> list[str]:
    with gzip.open(SAMPLE / "ais" / f"{day.isoformat()}.nmea.gz", "rt") as handle:
        return handle.read().splitlines()


def moved_day(target: date, source: date = SAMPLE_LAST_DAY, every: int = 1) -> list[str]:
    """The sample's ``source`` day as if received on ``target`` (every ``every``-th line pair
    kept, multi-part messages whole)."""
    shift_s = int((target - source) / timedelta(seconds=1))
    out = []
    for i, line in enumerate(sample_lines(source)):
        if every > 1 and (i // 2) % every:
            continue
        match = _TAG.match(line)
        if match is None:
            out.append(line)
            continue
        stamp = int(match.group(2)) + shift_s
        out.append(tag_block(match.group(1), stamp) + line[match.end():])
    return out


def write_days(folder: Path, days: list[date], every: int = 1) -> Path:
    """One NMEA file per day (the sample's last day moved there) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for day in days:
        (folder / f"{day.isoformat()}.nmea").write_text("\n".join(moved_day(day, every=every)) + "\n")
    return folder
