"""Fleet identities: valid and unique numbers, roles in proportion."""

from __future__ import annotations

import numpy as np

from vessel_risk.simulator.fleet import (
    FLAGS,
    imo_check_digit,
    is_valid_imo,
    make_fleet,
    make_imo,
    role_counts,
)


def test_imo_check_digit_of_a_known_number() -> None:
    assert imo_check_digit(907472) == 9  # IMO 9074729 is the textbook example
    assert is_valid_imo(9074729)


def test_is_valid_imo_rejects_a_wrong_check_digit_or_length() -> None:
    assert not is_valid_imo(9074728)
    assert not is_valid_imo(907472)


def test_make_imo_gives_valid_numbers_lower_for_older_ships() -> None:
    rng = np.random.default_rng(0)
    old = [make_imo(rng, 1980) for _ in range(50)]
    new = [make_imo(rng, 2020) for _ in range(50)]
    assert all(is_valid_imo(i) for i in old + new)
    assert max(old) < min(new)


def test_role_counts_add_up_with_ferries_in_pairs() -> None:
    for n in (12, 24, 200, 333):
        counts = role_counts(n)
        assert sum(counts.values()) == n and counts["ferry"] % 2 == 0


def test_make_fleet_has_unique_valid_mmsis_matching_the_flag() -> None:
    fleet = make_fleet(200, np.random.default_rng(5))
    mmsis = [v.mmsi for v in fleet]
    assert len(set(mmsis)) == 200
    assert all(100_000_000 <= m <= 999_999_999 for m in mmsis)
    assert all(m // 1_000_000 in FLAGS[v.flag][0] for m, v in zip(mmsis, fleet))
    imos = [v.imo for v in fleet if v.imo is not None]
    assert len(set(imos)) == len(imos) and all(is_valid_imo(i) for i in imos)


def test_fishing_boats_are_mostly_class_b_without_imo() -> None:
    fishing = [v for v in make_fleet(200, np.random.default_rng(5)) if v.role == "fishing"]
    class_b = [v for v in fishing if v.ais_class == "B"]
    assert len(class_b) > len(fishing) / 3
    assert all(v.imo is None for v in class_b)


def test_make_fleet_is_deterministic() -> None:
    assert make_fleet(30, np.random.default_rng(9)) == make_fleet(30, np.random.default_rng(9))
