"""The simulated fleet: who each vessel is (MMSI, IMO, name, flag, type, size, age, owner).

Identities are drawn from a numpy Generator in a fixed order, so one seed gives one fleet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import numpy as np

from vessel_risk.simulator import ports as pt

T = TypeVar("T")

# role: registry ship type text, AIS ship-type code, AIS class, speed range (kn), length range (m)
ROLES: dict[str, tuple[str, int, str, tuple[float, float], tuple[float, float]]] = {
    "container": ("Container Ship", 71, "A", (14.0, 20.0), (140.0, 300.0)),
    "cargo": ("General Cargo", 70, "A", (11.0, 14.0), (80.0, 140.0)),
    "bulk": ("Bulk Carrier", 70, "A", (12.0, 15.0), (150.0, 230.0)),
    "crude": ("Crude Oil Tanker", 80, "A", (10.0, 14.0), (180.0, 250.0)),
    "chemical": ("Chemical Tanker", 82, "A", (10.0, 14.0), (100.0, 180.0)),
    "ferry": ("Ro-Ro Passenger", 60, "A", (18.0, 22.0), (120.0, 200.0)),
    "fishing": ("Fishing", 30, "B", (8.0, 10.0), (15.0, 45.0)),
    "tug": ("Tug", 52, "A", (10.0, 12.0), (25.0, 40.0)),
}
# Share of the fleet per role (sums to 1).
ROLE_SHARE = {
    "container": 0.19,
    "cargo": 0.17,
    "bulk": 0.10,
    "crude": 0.06,
    "chemical": 0.09,
    "ferry": 0.08,
    "fishing": 0.23,
    "tug": 0.08,
}
MERCHANT_ROLES = ("container", "cargo", "bulk", "crude", "chemical")
TANKER_ROLES = ("crude", "chemical")
LARGE_FISHING_CLASS_A_SHARE = 0.4  # bigger trawlers carry class A transponders and an IMO number

# ISO 3166-1 alpha-2 flag -> (MIDs, call-sign prefixes)
FLAGS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "NL": ((244, 245, 246), ("PB", "PC", "PD")),
    "DE": ((211, 218), ("DA", "DC")),
    "DK": ((219, 220), ("OU", "OX", "OZ")),
    "NO": ((257, 258, 259), ("LA", "LN")),
    "SE": ((265, 266), ("SB", "SC")),
    "GB": ((232, 233, 235), ("MZ", "2E")),
    "FR": ((226, 227, 228), ("FM", "FN")),
    "BE": ((205,), ("ON", "OR")),
    "PL": ((261,), ("SP", "SQ")),
    "PA": ((351, 352, 353, 354, 355, 356, 357, 370, 371, 372, 373), ("3E", "3F", "HP")),
    "LR": ((636, 637), ("A8", "D5")),
    "MH": ((538,), ("V7",)),
    "MT": ((215, 229, 248, 249, 256), ("9H",)),
    "CY": ((209, 210, 212), ("5B", "P3")),
    "BS": ((308, 309, 311), ("C6",)),
    "AG": ((304, 305), ("V2",)),
    "KM": ((616,), ("D6",)),
    "TG": ((671,), ("5V",)),
    "SL": ((667,), ("9L",)),
    "CM": ((613,), ("TJ",)),
    "MD": ((214,), ("ER",)),
    "PW": ((511,), ("T8",)),
}
# Flags of poor port-state-control performance (a synthetic stand-in for Paris MoU black/grey lists).
POOR_FLAGS = ("KM", "TG", "SL", "CM", "MD", "PW")
MERCHANT_FLAG_WEIGHTS = {
    "PA": 10,
    "LR": 10,
    "MH": 10,
    "MT": 12,
    "CY": 6,
    "BS": 5,
    "AG": 4,
    "NL": 8,
    "DE": 5,
    "DK": 6,
    "NO": 6,
    "SE": 3,
    "GB": 5,
    "FR": 2,
    "BE": 2,
    "PL": 2,
    "KM": 1.5,
    "TG": 1.5,
    "SL": 1,
    "CM": 1,
    "MD": 1,
    "PW": 1,
}
PORT_COUNTRY = {
    "NL": "NL",
    "BE": "BE",
    "DE": "DE",
    "DK": "DK",
    "NO": "NO",
    "SE": "SE",
    "GB": "GB",
    "FR": "FR",
    "PL": "PL",
}
CLASS_SOCIETIES = (
    "DNV",
    "Lloyd's Register",
    "Bureau Veritas",
    "American Bureau of Shipping",
    "ClassNK",
    "RINA",
    "Korean Register",
    "Polish Register of Shipping",
)

_WORDS_A = (
    "NORDIC",
    "BALTIC",
    "NORTHERN",
    "ATLANTIC",
    "SILVER",
    "BLUE",
    "OCEAN",
    "POLAR",
    "GOLDEN",
    "EAST",
    "WEST",
    "GRAND",
    "STAR",
    "CORAL",
    "IRON",
    "CELTIC",
    "HANSA",
    "VIKING",
    "ARCTIC",
    "AMBER",
    "JADE",
    "RAPID",
    "ROYAL",
    "EMERALD",
)
_WORDS_B = (
    "TRADER",
    "SPIRIT",
    "EXPRESS",
    "CARRIER",
    "PIONEER",
    "VOYAGER",
    "FALCON",
    "HARMONY",
    "FORTUNE",
    "GLORY",
    "HORIZON",
    "BREEZE",
    "STAR",
    "WAVE",
    "PRIDE",
    "QUEEN",
    "DAWN",
    "ENDEAVOUR",
    "MARINER",
    "ARROW",
    "LIGHT",
    "COURAGE",
)
_FISH_NAMES = (
    "ANNA",
    "MARIA",
    "JOHANNA",
    "HOOP",
    "ZEEVALK",
    "MORGENSTER",
    "KAREN",
    "SOFIE",
    "ELISABETH",
    "ALBATROS",
    "STORMVOGEL",
    "NORDLYS",
    "HAVGULL",
    "JACOBA",
    "TRITON",
)
_OWNER_A = (
    "Nordsee",
    "Baltic",
    "Skagen",
    "Oceanic",
    "Hanse",
    "Meridian",
    "Trident",
    "Polar",
    "Atlas",
    "Neptune",
    "Seaway",
    "Harbour",
    "Kestrel",
    "Orion",
    "Anchor",
)
_OWNER_B = ("Shipping", "Maritime", "Tankers", "Navigation", "Marine", "Bulk", "Lines", "Fishing")
_OWNER_C = ("AS", "Ltd", "GmbH", "BV", "A/S", "SA", "Inc", "AB", "Sp. z o.o.")


@dataclass(frozen=True)
class Vessel:
    """One simulated vessel's true identity and particulars."""

    index: int
    role: str
    mmsi: int
    imo: int | None
    name: str
    callsign: str
    flag: str  # the flag of the MMSI's country (registry may disagree when injected)
    ais_class: str  # "A" or "B"
    ais_type: int  # AIS ship-and-cargo type code
    speed_knots: float  # service speed
    length_m: float
    beam_m: float
    draught_m: float
    build_year: int
    gross_tonnage: int
    class_society: str  # "" = unclassed
    owner: str
    home: str  # home / first port LOCODE
    trade: tuple[str, ...]  # ports it trades between (merchants), or its ferry link / base

    @property
    def ship_type_text(self) -> str:
        return ROLES[self.role][0]


def imo_check_digit(first_six: int) -> int:
    """The IMO number's check digit: digits weighted 7..2, sum modulo 10."""
    digits = [int(ch) for ch in f"{first_six:06d}"]
    return sum(d * w for d, w in zip(digits, range(7, 1, -1))) % 10


def is_valid_imo(imo: int) -> bool:
    """True when ``imo`` has seven digits and a correct check digit."""
    return 1_000_000 <= imo <= 9_999_999 and imo_check_digit(imo // 10) == imo % 10


def make_imo(rng: np.random.Generator, build_year: int) -> int:
    """A valid IMO number, in the range real ships of that age carry (older ships: lower numbers)."""
    frac = float(np.clip((build_year - 1970) / 56.0, 0.0, 1.0))
    first = int(700_000 + frac * 299_000 + rng.integers(-4000, 4000))
    first = int(np.clip(first, 700_000, 999_999))
    return first * 10 + imo_check_digit(first)


def role_counts(n: int) -> dict[str, int]:
    """Vessels per role for a fleet of n (largest remainder; ferries come in pairs)."""
    raw = {r: ROLE_SHARE[r] * n for r in ROLES}
    counts = {r: int(np.floor(v)) for r, v in raw.items()}
    rest = sorted(ROLES, key=lambda r: (-(raw[r] - counts[r]), r))
    for r in rest[: n - sum(counts.values())]:
        counts[r] += 1
    if counts["ferry"] % 2:
        counts["ferry"] -= 1
        counts["container"] += 1
    return counts


def make_fleet(n: int, rng: np.random.Generator) -> list[Vessel]:
    """n vessels with unique MMSIs, IMOs and names, roles in ROLE_SHARE proportions."""
    counts = role_counts(n)
    roles = [r for r in ROLES for _ in range(counts[r])]
    used_mmsi: set[int] = set()
    used_imo: set[int] = set()
    used_name: set[str] = set()
    fleet: list[Vessel] = []
    ferry_links = [pt.FERRY_LINKS[i % len(pt.FERRY_LINKS)] for i in range(counts["ferry"] // 2)]
    ferry_i = 0
    for i, role in enumerate(roles):
        text, ais_type, ais_class, speed_rng, len_rng = ROLES[role]
        if role in MERCHANT_ROLES:
            ports = pt.TANKER_PORTS if role in TANKER_ROLES else pt.CARGO_PORTS
            k = int(rng.integers(3, 6))
            trade = tuple(str(p) for p in rng.choice(ports, size=k, replace=False))
            home = trade[0]
            flags = list(MERCHANT_FLAG_WEIGHTS)
            w = np.array([MERCHANT_FLAG_WEIGHTS[f] for f in flags])
            flag = str(rng.choice(flags, p=w / w.sum()))
        elif role == "ferry":
            trade = ferry_links[ferry_i // 2]
            home = trade[ferry_i % 2]
            ferry_i += 1
            flag = PORT_COUNTRY[home[:2]]
        else:
            base = pt.FISHING_PORTS if role == "fishing" else pt.TUG_PORTS
            home = str(rng.choice(base))
            trade = (home,)
            flag = PORT_COUNTRY[home[:2]]
        if role == "fishing" and rng.random() < LARGE_FISHING_CLASS_A_SHARE:
            ais_class = "A"
        length = float(np.round(rng.uniform(*len_rng), 1))
        poor = flag in POOR_FLAGS
        oldest = 1978 if poor else 1988
        build_year = (
            int(rng.integers(oldest, 2025)) if role != "fishing" else int(rng.integers(1975, 2023))
        )
        if poor:
            build_year = min(build_year, int(rng.integers(1980, 2006)))
        mmsi = _unique(used_mmsi, partial(_mmsi, rng, flag))
        has_imo = role != "fishing" or ais_class == "A"
        imo = _unique(used_imo, partial(make_imo, rng, build_year)) if has_imo else None
        name = _unique(used_name, partial(_name, rng, role))
        callsign = str(rng.choice(FLAGS[flag][1])) + "".join(
            str(x) for x in rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"), size=3)
        )
        unclassed_p = 0.02 + 0.01 * max(0, 2005 - build_year) + (0.35 if poor else 0.0)
        society = (
            ""
            if rng.random() < min(unclassed_p, 0.9) or role == "fishing" and ais_class == "B"
            else str(rng.choice(CLASS_SOCIETIES))
        )
        beam = float(np.round(length / rng.uniform(5.5, 7.5), 1))
        gt = int(round(0.27 * length * beam * length / 11))  # ~0.27 x L x B x depth (depth ~ L/11)
        fleet.append(
            Vessel(
                index=i,
                role=role,
                mmsi=mmsi,
                imo=imo,
                name=name,
                callsign=callsign,
                flag=flag,
                ais_class=ais_class,
                ais_type=ais_type,
                speed_knots=float(np.round(rng.uniform(*speed_rng), 1)),
                length_m=length,
                beam_m=beam,
                draught_m=float(np.round(max(2.0, length / rng.uniform(16, 22)), 1)),
                build_year=build_year,
                gross_tonnage=max(gt, 20),
                class_society=society,
                owner=_owner(rng),
                home=home,
                trade=trade,
            )
        )
    return fleet


def _unique(used: set[T], draw: Callable[[], T]) -> T:
    """Draw until the value is new (membership only: nothing iterates the set)."""
    while True:
        v = draw()
        if v not in used:
            used.add(v)
            return v


def _mmsi(rng: np.random.Generator, flag: str) -> int:
    return int(rng.choice(FLAGS[flag][0])) * 1_000_000 + int(rng.integers(0, 1_000_000))


def _name(rng: np.random.Generator, role: str) -> str:
    if role == "fishing":
        return f"{rng.choice(_FISH_NAMES)} {int(rng.integers(1, 400))}"
    return f"{rng.choice(_WORDS_A)} {rng.choice(_WORDS_B)}"


def _owner(rng: np.random.Generator) -> str:
    return f"{rng.choice(_OWNER_A)} {rng.choice(_OWNER_B)} {rng.choice(_OWNER_C)}"
