from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vessel_risk.common import columns as c
from vessel_risk.ingest import messages


def message_rows(payloads: list[str], received: list[float]) -> pd.DataFrame:
    return pd.DataFrame({
        messages.PAYLOAD: payloads,
        messages.FILL: 2,
        messages.RECEIVED_S: received,
        messages.SENTENCES: [(f"!AIVDM,1,1,,A,{p},2*00",) for p in payloads],
        messages.RAW_LINES: [(i + 1,) for i in range(len(payloads))],
        c.SOURCE_FILE: "feed.nmea",
        c.LINE_NO: np.arange(1, len(payloads) + 1),
        c.RECEIVERS: 1,
    })


def test_merge_copies_keeps_first_copy_with_receiver_total_in_input_order() -> None:
    frame = message_rows(["A", "B", "A", "A", "C"], [0.0, 1.0, 5.0, 500.0, 2.0])
    kept, dropped = messages.merge_copies(frame, frame[messages.PAYLOAD].to_numpy(), 60.0)
    assert kept[messages.PAYLOAD].tolist() == ["A", "B", "A", "C"]  # 500 s later: a new message
    assert kept[c.RECEIVERS].tolist() == [2, 1, 1, 1]
    assert dropped[c.LINE_NO].tolist() == [3]


def test_merge_copies_without_copies_returns_every_row() -> None:
    frame = message_rows(["A", "B"], [0.0, 1.0])
    kept, dropped = messages.merge_copies(frame, frame[messages.PAYLOAD].to_numpy(), 60.0)
    assert len(kept) == 2 and dropped.empty


_TYPE24_A = "!AIVDM,1,1,,A,H3m62@@pu8@T>1=@580000000000,0*62"  # type 24 part A, pyais-encoded
_TYPE24_B = "!AIVDM,1,1,,B,H3m62@DT<=Dh1=@5800000000a0,0*1C"  # type 24 part B of the same vessel


def static_rows(sentence: str, n: int) -> pd.DataFrame:
    """``n`` messages of one single-sentence static report, 400 s apart."""
    frame = message_rows([sentence.split(",")[5]] * n, [400.0 * i for i in range(n)])
    frame[messages.FILL] = int(sentence.split(",")[6][0])
    frame[messages.SENTENCES] = [(sentence,)] * n
    return frame


def counted_decodes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The messages pyais is asked to decode from now on, with an empty cache of decodings."""
    calls: list[tuple[str, ...]] = []
    real = messages.decode_message

    def counting(sentences: tuple[str, ...]) -> object:
        calls.append(sentences)
        return real(sentences)

    monkeypatch.setattr(messages, "decode_message", counting)
    monkeypatch.setattr(messages, "_DECODED", {})
    return calls


def test_static_payload_met_in_an_earlier_chunk_is_not_decoded_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = counted_decodes(monkeypatch)
    first = messages.decode(static_rows(_TYPE24_A, 2))
    later = messages.decode(static_rows(_TYPE24_A, 1))
    assert len(calls) == 1
    assert later.statics[c.NAME].tolist() == first.statics[c.NAME].tolist()[:1] == ["NORDIC STAR"]


def test_decodings_kept_are_forgotten_when_the_cache_is_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = counted_decodes(monkeypatch)
    monkeypatch.setattr(messages, "DECODED_CACHE_SIZE", 1)
    for sentence in (_TYPE24_A, _TYPE24_B, _TYPE24_A):
        messages.decode(static_rows(sentence, 1))
    assert len(calls) == 3 and len(messages._DECODED) == 1


def test_repeated_static_payload_is_decoded_once_and_kept_per_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = counted_decodes(monkeypatch)
    decoded = messages.decode(static_rows(_TYPE24_A, 3))
    assert len(calls) == 1
    assert decoded.statics[c.LINE_NO].tolist() == [1, 2, 3]
    assert decoded.statics[c.TIMESTAMP].tolist() == list(
        pd.to_datetime([0, 400, 800], unit="s", utc=True))
    assert decoded.statics[c.MMSI].tolist() == [257000001] * 3
    assert decoded.statics[c.NAME].tolist() == ["NORDIC STAR"] * 3


def test_merge_copies_chains_copies_by_time_when_input_is_not_in_time_order() -> None:
    frame = message_rows(["A", "B", "A", "A"], [500.0, 1.0, 5.0, 0.0])
    kept, dropped = messages.merge_copies(frame, frame[messages.PAYLOAD].to_numpy(), 60.0)
    assert kept[messages.RECEIVED_S].tolist() == [500.0, 1.0, 0.0]
    assert kept[c.RECEIVERS].tolist() == [1, 1, 2]
    assert dropped[messages.RECEIVED_S].tolist() == [5.0]


def test_decode_quarantines_position_report_out_of_range() -> None:
    # A real Kystverket report (row 2) and the same report re-encoded at latitude 95 (row 1).
    frame = message_rows(["13o4g`00000h4;0nG0@83S0L088C", "13o4g`00000I2ENRH4g83S0L088C"],
                         [0.0, 1.0])
    frame[messages.FILL] = 0
    decoded = messages.decode(frame)
    assert decoded.positions[c.LINE_NO].tolist() == [2]
    assert [(source, r.line_no, r.reason, r.received_s) for source, r in decoded.failed] == [
        ("feed.nmea", 1, "position_out_of_range", 0.0)]


def test_find_copies_merges_copies_within_the_window_whatever_the_key_type() -> None:
    # payload hashes (integers) across chunks, payload text within one chunk
    texts = np.array(["a", "b", "a", "c", "a", "b", "a"], dtype=object)
    hashes = np.array([11, 22, 11, 33, 11, 22, 11], dtype=np.uint64)
    received = np.array([0.0, 1.0, 2.0, 3.0, 30.0, 4.0, 31.0])  # "a" at 30 s starts anew
    receivers = np.array([1, 1, 2, 1, 1, 1, 1])
    for key in (texts, hashes):
        keep, totals = messages.find_copies(key, received, receivers, window_s=5.0)
        assert keep.tolist() == [True, True, False, True, True, False, False]
        assert totals[keep].tolist() == [3, 2, 1, 2]


def test_find_copies_of_distinct_keys_keeps_every_row() -> None:
    keep, totals = messages.find_copies(np.arange(5, dtype=np.uint64), np.zeros(5), np.ones(5),
                                        window_s=5.0)
    assert keep.all() and totals.tolist() == [1] * 5
