from __future__ import annotations

import numpy as np

from vessel_risk.ingest.keys import payload_keys, span_keys

TYPE1 = "13o4g`00000I2ENRH4g83S0L088C"
TYPE5_PART = "55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8"


def test_same_payload_gets_same_key_and_others_differ() -> None:
    keys = payload_keys([TYPE1, TYPE5_PART, TYPE1, TYPE1[:-1] + "D", ""])
    assert keys[0] == keys[2]
    assert len({keys[0], keys[1], keys[3], keys[4]}) == 4


def test_keys_of_spans_equal_keys_of_strings() -> None:
    payloads = [TYPE1, "B3MP?v@00?uv2d`>Qpai<f6T0000", TYPE5_PART, TYPE1]
    data = np.frombuffer(("xx" + "".join(payloads) + "yy").encode(), dtype=np.uint8)
    lengths = np.array([len(p) for p in payloads], dtype=np.int64)
    starts = 2 + np.cumsum(lengths) - lengths
    np.testing.assert_array_equal(span_keys(data, starts, lengths), payload_keys(payloads))


def test_key_is_the_same_in_every_process() -> None:
    # FNV-1a style over 64-bit words, no per-process hash seed: workers and parent agree
    h = 0xCBF29CE484222325 ^ 1  # offset basis, then the length
    h = ((h ^ ord("A")) * 0x100000001B3) % 2**64
    h ^= h >> 29
    assert int(payload_keys(["A"])[0]) == h
