"""The daily flow, dying (``os._exit``, like ``kill -9``) at the Nth ``os.replace`` of the store's
commit: the first is the commit point (the journal's rename), the next ones move the run's files
into the store one by one.

    python crashing_flow.py OUT N DAY AIS...   # N = 0: never; prints the replaces made

Like the CLI, it starts the run's watchdog first: a run that dies leaves no process behind.

Fault injection from the test: the store's journal module gets a stand-in for ``os`` whose
``replace`` counts; the product code is unchanged.
"""

from __future__ import annotations

import os
import sys
import types
from datetime import date
from pathlib import Path
from typing import Any

KILLED = 137


def main(argv: list[str]) -> int:
    out, kill_at, day, ais = argv[0], int(argv[1]), date.fromisoformat(argv[2]), argv[3:]
    from vessel_risk.common import watchdog

    watchdog.start()
    from vessel_risk.flows.daily import daily_screening
    from vessel_risk.flows.settings import DEFAULT_MODEL
    from vessel_risk.storage import journal

    count = [0]

    def replace(source: Any, target: Any) -> None:
        count[0] += 1
        if count[0] == kill_at:
            os._exit(KILLED)
        os.replace(source, target)

    stand_in = types.SimpleNamespace(**{name: getattr(os, name) for name in dir(os)
                                        if not name.startswith("__")})
    stand_in.replace = replace
    journal.os = stand_in  # type: ignore[assignment]
    daily_screening(ais=ais, registry=None, out=out, model=str(DEFAULT_MODEL), day=day,
                    lookback_days=2)
    print(count[0])
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main(sys.argv[1:]))
