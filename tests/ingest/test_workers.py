from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.support import shared_file
from vessel_risk.common import columns as c
from vessel_risk.ingest import workers
from vessel_risk.ingest.ais import IngestParams, ingest_ais
from vessel_risk.ingest.framing import FramingParams


@pytest.fixture
def other_thread() -> Iterator[None]:
    """Another thread running, as when ingest runs inside a Prefect task."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    yield
    stop.set()
    thread.join()


def test_workers_are_not_forked_while_another_thread_runs(other_thread: None) -> None:
    assert not workers.can_fork()


def test_ingest_with_another_thread_running_uses_fork_server_and_matches_one_process(
    other_thread: None,
) -> None:
    path = shared_file("ais", "nmea", "kystverket_2024-12-09_tagblock.nmea")
    framing = FramingParams(capture_time_s=1_700_000_000.0)
    alone = ingest_ais([path], IngestParams(framing=framing, workers=1))
    pooled = ingest_ais([path], IngestParams(framing=framing, chunk_bytes=5_000, workers=2))
    assert pooled.summary.as_dict() == alone.summary.as_dict()
    pd.testing.assert_frame_equal(
        pooled.positions.sort_values([c.LINE_NO, c.MMSI]).reset_index(drop=True),
        alone.positions.sort_values([c.LINE_NO, c.MMSI]).reset_index(drop=True))


def test_background_workers_run_at_a_lower_priority() -> None:
    with workers.pool(1, background=True) as pool:
        niceness = pool.submit(os.nice, 0).result()
    assert niceness >= min(19, os.nice(0) + workers.BACKGROUND_NICENESS)


def test_a_background_ingest_gives_the_same_tables(other_thread: None) -> None:
    path = shared_file("ais", "nmea", "kystverket_2024-12-09_tagblock.nmea")
    params = IngestParams(framing=FramingParams(capture_time_s=1_700_000_000.0),
                          chunk_bytes=5_000, workers=2)
    foreground = ingest_ais([path], params)
    background = ingest_ais([path], params, background=True)
    assert background.summary.as_dict() == foreground.summary.as_dict()
    pd.testing.assert_frame_equal(background.positions, foreground.positions)
    pd.testing.assert_frame_equal(background.statics, foreground.statics)


def test_a_result_handed_over_through_a_file_arrives_whole_and_leaves_nothing_behind() -> None:
    frame = pd.DataFrame({c.MMSI: [244000001, 244000002], c.SOURCE_FILE: ["a.nmea", None]})
    with workers.handover_folder() as folder:
        path = workers.hand_over({"positions": frame}, folder)
        assert os.listdir(folder) == [os.path.basename(path)]
        pd.testing.assert_frame_equal(workers.take_over(path)["positions"], frame)
        assert os.listdir(folder) == []
        workers.hand_over(frame, folder)  # a result nobody took (a failed run) ...
    assert not os.path.exists(folder)  # ... goes with the folder


def test_results_are_handed_over_in_the_temporary_folder_when_shared_memory_is_small(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(workers, "IN_MEMORY_MIN_FREE_BYTES", 2**62)  # more than any machine has
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with workers.handover_folder() as folder:
        assert Path(folder).parent == tmp_path
