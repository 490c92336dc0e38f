from __future__ import annotations

import importlib

import pytest

from vessel_risk.ingest import ais, warm


def test_warm_up_frames_and_decodes_its_chunk_without_error() -> None:
    warm.warm_up()  # a bug here would otherwise only show on the fork server's stderr


def test_importing_warm_lets_a_failing_warm_up_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("ingest is broken")

    monkeypatch.setattr(ais, "process_chunk", broken)
    with pytest.raises(RuntimeError, match="ingest is broken"):
        importlib.reload(warm)
