"""The sample's report opened from disk in headless Chromium, checked from the page itself: every
listed vessel's map has drawn its track and events, nothing was fetched, and it loads in < 2 s."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.report.browser import chromium, ensure_chromium
from vessel_risk import storage
from vessel_risk.common import columns as c
from vessel_risk.features.events import per_vessel_events
from vessel_risk.report.maps import EVENT_COLOURS, TRACK
from vessel_risk.report.words import SPATIAL_EVENT_TYPES

pytestmark = pytest.mark.slow

LOAD_BUDGET_MS = 2000.0
# A drawn element must cover at least this many screen pixels inside its map: a track is
# hundreds, a marker tens; an element drawn outside the frame or at zero size covers none.
MIN_TRACK_PIXELS = 30
MIN_MARK_PIXELS = 4
COLOUR_TOLERANCE = 40  # per channel: anti-aliased edges stray, a marker's core does not

# Runs in the page: where each drawn element of each map lies, and how much of it is inside.
_GEOMETRY_JS = """
const out = [];
for (const section of document.querySelectorAll('section.vessel')) {
  const mmsi = section.dataset.mmsi;
  const svg = section.querySelector('svg.map');
  if (!svg) { out.push([mmsi, null]); continue; }
  const frame = svg.getBoundingClientRect();
  const items = {};
  for (const g of svg.querySelectorAll('[id]')) {
    const r = g.getBoundingClientRect();
    const w = Math.min(r.right, frame.right) - Math.max(r.left, frame.left);
    const h = Math.min(r.bottom, frame.bottom) - Math.max(r.top, frame.top);
    const paths = g.querySelectorAll('path, use');
    let length = 0;
    for (const p of g.querySelectorAll('path')) { try { length += p.getTotalLength(); } catch (e) {} }
    items[g.id] = {inside: Math.max(0, w) * Math.max(0, h), w: r.width, h: r.height,
                   shapes: paths.length, length: length};
  }
  out.push([mmsi, {frame: [frame.width, frame.height], items: items}]);
}
return JSON.stringify(out);
"""


@pytest.fixture(scope="module")
def opened(sample_store: tuple[Path, dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The report loaded once: timings, network log, geometry of every map, the driver."""
    ensure_chromium()
    out, summary = sample_store
    report = Path(summary["report"])
    warm = report.parent / ".warm-up.html"
    warm.write_text("<!DOCTYPE html><title>warm-up</title><p>ready</p>", encoding="utf-8")
    with chromium() as driver:
        # an open browser, as an officer's is: the renderer for file:// pages is up before the
        # report is timed
        driver.get(warm.resolve().as_uri())
        driver.get_log("performance")  # drop what the browser did before the report
        driver.get(report.resolve().as_uri())
        timing = json.loads(driver.execute_script(
            "return JSON.stringify(performance.getEntriesByType('navigation')[0].toJSON())"))
        resources = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        requests = [json.loads(entry["message"])["message"]
                    for entry in driver.get_log("performance")]
        geometry = dict(json.loads(driver.execute_script(_GEOMETRY_JS)))  # in page order
        yield {"driver": driver, "report": report, "out": out, "summary": summary,
               "timing": timing, "resources": resources, "geometry": geometry,
               "requests": [(m["params"].get("documentURL"), m["params"]["request"]["url"])
                            for m in requests if m["method"] == "Network.requestWillBeSent"]}


def listed_events(out: Path, day: date) -> tuple[list[int], dict[int, list[str]]]:
    listed = storage.read_partition(out, storage.RISK_LISTS, day)
    events = per_vessel_events(storage.read_partition(out, storage.EVENTS, day))
    top = [int(m) for m in listed.nsmallest(50, c.RISK_RANK)[c.MMSI]]
    placed = events[events[c.EVENT_TYPE].isin(list(SPATIAL_EVENT_TYPES))
                    & events[c.LAT].notna() & events[c.LON].notna()]
    by_vessel = {m: sorted(g[c.EVENT_ID]) for m, g in placed.groupby(c.MMSI)}
    return top, {m: by_vessel.get(m, []) for m in top}


def test_report_loads_from_disk_in_under_two_seconds(opened: dict[str, Any]) -> None:
    timing = opened["timing"]
    load_ms = timing["loadEventEnd"] - timing["startTime"]
    print(f"report {opened['report'].stat().st_size / 1e6:.2f} MB, load {load_ms:.0f} ms, "
          f"DOM ready {timing['domContentLoadedEventEnd']:.0f} ms")
    assert 0 < load_ms < LOAD_BUDGET_MS


def test_report_makes_no_network_request(opened: dict[str, Any]) -> None:
    assert opened["resources"] == []
    own = opened["report"].resolve().as_uri()
    from_page = {url for document, url in opened["requests"] if document == own}
    assert from_page == {own}, "the CDP log must see the page itself, and nothing else it asked for"
    outside = [url for _, url in opened["requests"]
               if re.match(r"(https?|wss?|ftp)://", url)]
    assert outside == []  # nor did the browser reach out on its own while showing it


def test_every_listed_vessel_map_draws_its_track_and_every_placed_event(
        opened: dict[str, Any]) -> None:
    summary = opened["summary"]
    top, expected = listed_events(opened["out"], date.fromisoformat(summary["date"]))
    geometry = opened["geometry"]
    assert [int(m) for m in geometry] == top
    for mmsi in top:
        drawn = geometry[str(mmsi)]
        assert drawn is not None, f"{mmsi}: no map"
        items = drawn["items"]
        track = items[f"v{mmsi}-track"]
        assert track["length"] > 0 and track["inside"] >= MIN_TRACK_PIXELS, (mmsi, track)
        for event_id in expected[mmsi]:
            mark = items.get(f"v{mmsi}-ev-{event_id}")
            assert mark is not None, f"{mmsi}: event {event_id} not drawn"
            assert mark["shapes"] >= 1 and mark["inside"] >= MIN_MARK_PIXELS, (mmsi, event_id, mark)


def test_every_map_shows_its_track_and_event_colours_on_screen(opened: dict[str, Any]) -> None:
    """Pixels, not just the DOM: each map's screenshot holds the track's colour and the colour of
    each kind of event it draws, and is not a blank frame."""
    from PIL import Image
    from selenium.webdriver.common.by import By

    driver = opened["driver"]
    summary = opened["summary"]
    top, expected = listed_events(opened["out"], date.fromisoformat(summary["date"]))
    events = storage.read_partition(opened["out"], storage.EVENTS, date.fromisoformat(summary["date"]))
    kind = dict(zip(events[c.EVENT_ID], events[c.EVENT_TYPE]))
    for mmsi in top:
        svg = driver.find_element(By.CSS_SELECTOR, f"section#v{mmsi} svg.map")
        driver.execute_script("arguments[0].scrollIntoView()", svg)
        pixels = np.asarray(Image.open(io.BytesIO(svg.screenshot_as_png)).convert("RGB"), dtype=int)
        colours = {kind[e] for e in expected[mmsi]} - {c.GAP}  # black also draws port names
        for name, hex_colour in [("track", TRACK), *((k, EVENT_COLOURS[k]) for k in colours
                                                      if k in EVENT_COLOURS)]:
            rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
            near = (np.abs(pixels - rgb).max(axis=2) <= COLOUR_TOLERANCE).sum()
            assert near >= MIN_MARK_PIXELS, f"{mmsi}: no {name} pixels ({near})"
        assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 20, f"{mmsi}: blank frame"


def test_the_table_of_every_vessel_sorts_by_name_on_a_click(opened: dict[str, Any]) -> None:
    from selenium.webdriver.common.by import By

    driver = opened["driver"]
    listed = storage.read_partition(opened["out"], storage.RISK_LISTS,
                                    date.fromisoformat(opened["summary"]["date"]))

    def shown_order() -> list[int]:
        tops = driver.execute_script(
            "return [...document.querySelectorAll('.sortable tbody tr')]"
            ".map(r => [Number(r.cells[2].textContent), r.getBoundingClientRect().top])")
        return [int(m) for m, _ in sorted(tops, key=lambda x: x[1])]

    assert shown_order() == list(listed.sort_values(c.RISK_RANK)[c.MMSI])
    driver.find_element(By.CSS_SELECTOR, "label.k-name.a").click()
    names = listed.set_index(c.MMSI)[c.NAME]
    by_name = [names[m] for m in shown_order()]
    known = [n for n in by_name if isinstance(n, str)]
    assert known == sorted(known, key=str.upper)
    driver.find_element(By.CSS_SELECTOR, "label.k-name.d").click()
    assert [names[m] for m in shown_order()][-1] == known[0]
