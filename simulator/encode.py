"""AIS reports -> NMEA 0183 sentences with IEC 61162-450 tag blocks, as a receiver archive writes.

Positions and statics are encoded with pyais (talker ``AI``, sentence ``VDM``). Each sentence gets
``\\s:STATION,c:UNIX_SECONDS*hh\\`` where STATION is the nearest coastal receiver; a few messages are
also heard by a second station (duplicates). A small, counted number of broken lines is added.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

import numpy as np
import pandas as pd
from pyais.encode import encode_dict

from vessel_risk.simulator import ports as pt
from vessel_risk.simulator.geo import haversine_nm

BROKEN_KINDS = ("bad_checksum", "truncated", "no_tag_block", "lone_fragment")


@dataclass(frozen=True)
class ArchiveParams:
    """Receiver-network details of the archive."""

    duplicate_share: float = 0.05  # overlapping coverage: some messages heard by two stations
    broken_per_day: tuple[int, int, int, int] = (3, 2, 2, 2)  # per BROKEN_KINDS: a few, countable


def checksum(body: str) -> str:
    """NMEA/IEC checksum: XOR of the characters, two upper-case hex digits."""
    return f"{reduce(lambda a, ch: a ^ ord(ch), body, 0):02X}"


def tag_block(station: str, t_s: int) -> str:
    r"""``\s:STATION,c:SECONDS*hh\`` with hh the checksum of the text between ``\`` and ``*``."""
    body = f"s:{station},c:{int(t_s)}"
    return f"\\{body}*{checksum(body)}\\"


def nearest_stations(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Names of the nearest and the second-nearest receiving station for each point."""
    names = np.array([s[0] for s in pt.STATIONS], dtype=object)
    slat = np.array([s[1] for s in pt.STATIONS])
    slon = np.array([s[2] for s in pt.STATIONS])
    d = haversine_nm(
        np.asarray(lat)[:, None], np.asarray(lon)[:, None], slat[None, :], slon[None, :]
    )
    order = np.argsort(d, axis=1, kind="stable")
    return names[order[:, 0]], names[order[:, 1]]


def position_sentences(reports: pd.DataFrame) -> list[list[str]]:
    """Encode position reports (types 1, 3 and 18) to one sentence each.

    Needs mmsi, t_s, lat, lon, sog_knots, cog_deg, heading_deg, nav_status, msg_type, channel.
    """
    out: list[list[str]] = []
    for r in reports.itertuples(index=False):  # pyais encodes one message at a time
        msg: dict[str, str | int | float | bytes | bool] = {
            "type": int(r.msg_type),
            "mmsi": int(r.mmsi),
            "lat": round(float(r.lat), 6),
            "lon": round(float(r.lon), 6),
            "speed": float(r.sog_knots),
            "course": float(r.cog_deg),
            "heading": int(r.heading_deg),
            "second": int(r.t_s) % 60,
            "accuracy": 1,
        }
        if int(r.msg_type) == 18:
            msg["cs"] = 1
        else:
            msg["status"] = int(r.nav_status)
            msg["turn"] = -128  # rate of turn not available, as on most archive reports
        out.append(
            encode_dict(msg, talker_id="AI", sentence_type="VDM", radio_channel=str(r.channel))
        )
    return out


def static_sentences(statics: pd.DataFrame) -> list[list[str]]:
    """Encode statics: type 5 (two fragments) and type 24 parts A and B (one sentence each).

    Needs mmsi, t_s, msg_type, part_num, imo, name, callsign, ship_type, destination, draught_m,
    length_m, beam_m, channel, seq_id.
    """
    out: list[list[str]] = []
    for r in statics.itertuples(index=False):
        bow = int(round(float(r.length_m) * 0.85))
        port_m = int(round(float(r.beam_m) / 2))
        dims = {
            "to_bow": bow,
            "to_stern": int(round(float(r.length_m))) - bow,
            "to_port": port_m,
            "to_starboard": int(round(float(r.beam_m))) - port_m,
        }
        if int(r.msg_type) == 5:
            msg: dict[str, str | int | float | bytes | bool] = {
                "type": 5,
                "mmsi": int(r.mmsi),
                "imo": int(r.imo) if pd.notna(r.imo) else 0,
                "callsign": str(r.callsign),
                "shipname": str(r.name),
                "ship_type": int(r.ship_type),
                "destination": str(r.destination),
                "draught": float(r.draught_m),
                "epfd": 1,
                "month": 0,
                "day": 0,
                "hour": 24,
                "minute": 60,
                **dims,
            }
        elif int(r.part_num) == 0:
            msg = {"type": 24, "mmsi": int(r.mmsi), "partno": 0, "shipname": str(r.name)}
        else:
            msg = {
                "type": 24,
                "mmsi": int(r.mmsi),
                "partno": 1,
                "ship_type": int(r.ship_type),
                "callsign": str(r.callsign),
                **dims,
            }
        out.append(
            encode_dict(
                msg,
                talker_id="AI",
                sentence_type="VDM",
                radio_channel=str(r.channel),
                seq_id=int(r.seq_id),
            )
        )
    return out


def records(
    messages: pd.DataFrame,
    sentences: list[list[str]],
    rng: np.random.Generator,
    params: ArchiveParams = ArchiveParams(),
) -> pd.DataFrame:
    """One row per received message: t_s, station, order, text (tag-blocked lines, newline-joined).

    ``messages`` needs t_s, lat, lon (where the transmitter was) and order (a stable tie-breaker).
    """
    first, second = nearest_stations(messages["lat"].to_numpy(), messages["lon"].to_numpy())
    t = messages["t_s"].to_numpy().astype("int64")
    dup = rng.random(len(messages)) < params.duplicate_share
    delay = rng.integers(0, 2, len(messages))
    rows_t = np.concatenate([t, t[dup] + delay[dup]])
    rows_st = np.concatenate([first, second[dup]])
    idx = np.concatenate([np.arange(len(messages)), np.flatnonzero(dup)])
    text = [
        "\n".join(tag_block(st, tt) + s for s in sentences[i])
        for st, tt, i in zip(rows_st, rows_t, idx)
    ]
    return pd.DataFrame(
        {
            "t_s": rows_t,
            "station": rows_st.astype(str),
            "order": messages["order"].to_numpy()[idx],
            "text": text,
        }
    )


def inject_broken(
    recs: pd.DataFrame,
    day_start_s: int,
    rng: np.random.Generator,
    params: ArchiveParams = ArchiveParams(),
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Add broken copies of some of the day's messages; returns (records, count per kind)."""
    day = recs[(recs["t_s"] >= day_start_s) & (recs["t_s"] < day_start_s + 86400)]
    single = day[~day["text"].str.contains("\n")]
    multi = day[day["text"].str.contains("\n")]
    extra, counts = [], {k: 0 for k in BROKEN_KINDS}
    for kind, n in zip(BROKEN_KINDS, params.broken_per_day):
        src = multi if kind == "lone_fragment" else single
        if src.empty:
            continue
        for i in np.sort(rng.choice(len(src), size=min(n, len(src)), replace=False)):
            row = src.iloc[int(i)]
            line = str(row["text"]).split("\n")[0]
            tag, sentence = line[: line.rindex("\\") + 1], line[line.rindex("\\") + 1 :]
            if kind == "bad_checksum":
                good = sentence[-2:]
                bad = f"{(int(good, 16) + 1 + int(rng.integers(0, 200))) % 256:02X}"
                text = tag + sentence[:-2] + bad
            elif kind == "truncated":
                text = tag + sentence[: int(rng.integers(20, len(sentence) - 8))]
            elif kind == "no_tag_block":
                text = sentence
            else:  # first fragment of a two-part message, its second part lost
                text = line
            extra.append(
                {
                    "t_s": int(row["t_s"]),
                    "station": str(row["station"]),
                    "order": int(row["order"]),
                    "text": text,
                }
            )
            counts[kind] += 1
    if extra:
        recs = pd.concat([recs, pd.DataFrame(extra)], ignore_index=True)
    return recs, counts


def day_lines(recs: pd.DataFrame, day_start_s: int) -> list[str]:
    """The day's lines, sorted by receive time, station and message order (deterministic)."""
    day = recs[(recs["t_s"] >= day_start_s) & (recs["t_s"] < day_start_s + 86400)]
    day = day.sort_values(["t_s", "station", "order", "text"], kind="mergesort")
    return [line for text in day["text"] for line in str(text).split("\n")]
