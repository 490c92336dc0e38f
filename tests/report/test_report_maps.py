"""A vessel's map: what its layers hold, what its SVG draws, and the land behind it."""

from __future__ import annotations

import dataclasses
import re
import tracemalloc

import numpy as np
import pytest

from tests.report import report_builders as rb
from vessel_risk.common import columns as c
from vessel_risk.features.geo import load_ports
from vessel_risk.report import ReportParams, load_day
from vessel_risk.report.day import DayData
from vessel_risk.report.dossier import build_dossiers
from vessel_risk.report.land import land_grid
from vessel_risk.report.layers import map_layers
from vessel_risk.report.maps import MapCanvas, extent_of, inline_svg, render_map

PARAMS = ReportParams()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> rb.Scenario:
    return rb.build_store(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def data(scenario: rb.Scenario) -> DayData:
    return load_day(scenario.out, rb.DAY, rb.LOOKBACK_DAYS)


def layers_of(data: DayData, mmsi: int):  # type: ignore[no-untyped-def]
    dossier = build_dossiers(data, [mmsi], rb.ports(), PARAMS)[0]
    return map_layers(dossier, data, PARAMS)


def test_map_layers_break_the_track_where_the_vessel_fell_silent(data: DayData,
                                                                 scenario: rb.Scenario) -> None:
    layers = layers_of(data, rb.A)
    gap = scenario.event(rb.A, c.GAP)
    assert len(layers.silent) == 1
    (lon0, lat0), (lon1, lat1) = layers.silent[0]
    assert (lat0, lon0) == pytest.approx((gap[c.LAT], gap[c.LON]))
    assert np.isnan(layers.track_lon).sum() == 1  # one pen-up, at the silence
    mark = next(m for m in layers.marks if m.event.event_type == c.GAP)
    assert mark.other == pytest.approx((lon1, lat1))  # where it reappeared


def test_map_layers_draw_a_jump_apart_from_the_track(data: DayData, scenario: rb.Scenario) -> None:
    layers = layers_of(data, rb.B)
    jump = scenario.event(rb.B, c.SPOOFING)
    assert len(layers.jumps) == 2  # out to the stray fix and back
    assert layers.jumps[0][1] == pytest.approx((jump[c.LON], jump[c.LAT]))
    mark = next(m for m in layers.marks if m.event.event_type == c.SPOOFING)
    assert mark.other == pytest.approx(layers.jumps[0][0])  # the fix before the jump


def test_map_layers_give_the_other_vessel_of_an_encounter_and_a_loitering_area(
        data: DayData) -> None:
    a = layers_of(data, rb.A)
    assert [p.mmsi for p in a.partners] == [rb.C]
    assert len(a.partners[0].lat) > 10
    c_side = layers_of(data, rb.C)  # the mirrored event brings A's track onto C's map
    assert [p.mmsi for p in c_side.partners] == [rb.A]
    loiter = next(m for m in layers_of(data, rb.D).marks if m.event.event_type == c.LOITERING)
    assert 0.3 <= loiter.radius_nm <= 1.0  # jitter of 0.3 nm each way


def test_extent_of_holds_every_drawn_point_with_a_margin(data: DayData) -> None:
    layers = layers_of(data, rb.B)
    extent = extent_of(layers, PARAMS)
    lon, lat = layers.points()
    assert extent.lon_min < lon.min() and lon.max() < extent.lon_max
    assert extent.lat_min < lat.min() and lat.max() < extent.lat_max


def test_render_map_marks_the_track_and_every_placed_event_with_ids(data: DayData,
                                                                    scenario: rb.Scenario) -> None:
    svg, _ = render_map(layers_of(data, rb.A), rb.ports(), PARAMS)
    ids = set(re.findall(r'id="([^"]+)"', svg))
    gap, meeting = scenario.event(rb.A, c.GAP), scenario.event(rb.A, c.ENCOUNTER)
    for wanted in ("track", "silent", "first-fix", "last-fix", "sea", "scale",
                   f"ev-{gap[c.EVENT_ID]}", f"ev-{gap[c.EVENT_ID]}-back",
                   f"ev-{meeting[c.EVENT_ID]}", f"partner-{rb.C}-{meeting[c.EVENT_ID]}"):
        assert f"v{rb.A}-{wanted}" in ids, wanted
    identity = scenario.event(rb.A, c.IDENTITY_CHANGE)
    assert not any(identity[c.EVENT_ID] in i for i in ids)  # not a place: listed, not drawn
    assert all(i.startswith(f"v{rb.A}-") for i in ids)
    assert all(ref.startswith(f"v{rb.A}-") for ref in re.findall(r'(?:url\(#|href="#)([^)"]+)', svg))


def test_render_map_writes_names_as_plain_escaped_text(data: DayData) -> None:
    svg, _ = render_map(layers_of(data, rb.A), rb.ports(), PARAMS)
    assert "&lt;b&gt;Port&lt;/b&gt; &amp; $x$ [/]" in svg
    assert "<b>" not in svg and "xmlns" not in svg and "http" not in svg and "<style" not in svg


def test_map_canvas_draws_the_same_bytes_again_and_forgets_the_last_map(data: DayData) -> None:
    canvas = MapCanvas()
    first, _ = canvas.render(layers_of(data, rb.A), rb.ports(), PARAMS)
    canvas.render(layers_of(data, rb.B), rb.ports(), PARAMS)
    again, _ = canvas.render(layers_of(data, rb.A), rb.ports(), PARAMS)
    assert again == first
    assert first == render_map(layers_of(data, rb.A), rb.ports(), PARAMS)[0]


def test_land_grid_finds_jutland_and_open_sea() -> None:
    grid = land_grid(55.0, 57.0, 7.0, 11.0, 120)
    def at(lat: float, lon: float) -> float:
        return float(grid.land[np.abs(grid.lat - lat).argmin(), np.abs(grid.lon - lon).argmin()])
    assert at(56.2, 9.2) == 1.0  # inland Jutland
    assert at(56.0, 7.3) == 0.0  # North Sea
    assert grid.land.shape[1] <= 120 and np.all(np.diff(grid.lat) < 0)


def test_land_grid_wraps_across_the_antimeridian() -> None:
    grid = land_grid(-17.0, -16.0, 178.0, 182.0, 100)  # Fiji's Vanua Levu lies across 180
    assert grid.lon.max() > 180.0
    east = grid.land[:, grid.lon > 180.0]
    west = grid.land[:, grid.lon < 180.0]
    assert east.max() > 0.5 and west.max() > 0.5


def test_inline_svg_strips_the_document_shell_and_prefixes_ids() -> None:
    doc = ('<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://x">\n'
           '<svg width="10pt" height="5pt" viewBox="0 0 10 5" xmlns="http://www.w3.org/2000/svg" '
           'xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1"><metadata>http://m</metadata>'
           '<defs><style type="text/css">*{stroke:red}</style><path id="m1" d="M 0.123456 1.98 '
           'L 2.04 3"/></defs><use xlink:href="#m1" clip-path="url(#c1)"/></svg>')
    out = inline_svg(doc, "v1-")
    assert out.startswith('<svg class="map" viewBox="0 0 10 5">')
    assert 'id="v1-m1"' in out and 'href="#v1-m1"' in out and "url(#v1-c1)" in out
    assert 'd="M 0.1 2 L 2 3"' in out
    assert "http" not in out and "style" not in out and "metadata" not in out


def test_real_ports_list_gives_every_map_named_ports() -> None:
    ports = load_ports()
    assert {c.NAME, c.LAT, c.LON} <= set(ports.columns) and len(ports) > 1000


def test_land_grid_gives_each_block_the_share_of_land_among_its_cells() -> None:
    cells = land_grid(55.0, 57.0, 7.0, 11.0, 480)  # one cell per 1/120 degree: 240 x 480
    blocks = land_grid(55.0, 57.0, 7.0, 11.0, 120)  # blocks of 4 x 4 cells
    assert cells.land.shape == (240, 480) and set(np.unique(cells.land)) == {0.0, 1.0}
    expected = cells.land.reshape(60, 4, 120, 4).mean(axis=(1, 3))
    assert np.array_equal(blocks.land, expected)


def test_land_grid_of_the_whole_globe_holds_a_band_of_cells_not_the_globe() -> None:
    land_grid(0.0, 1.0, 0.0, 1.0, 10)  # the packed mask itself (~120 MB) is kept for the process
    tracemalloc.start()
    try:
        grid = land_grid(-90.0, 90.0, -180.0, 180.0, 240)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert grid.land.shape == (120, 240)
    assert 0.2 < grid.land.mean() < 0.4  # land is ~29% of the Earth's surface, more of a grid's
    assert peak < 100 * 2**20  # a boolean per cell of the globe would be ~930 MB


def test_render_map_draws_all_jumps_as_one_path_of_pieces(data: DayData) -> None:
    layers = layers_of(data, rb.B)
    many = dataclasses.replace(layers, jumps=layers.jumps * 500)  # as many as a shared MMSI has
    svg, _ = render_map(many, rb.ports(), PARAMS)
    group = svg[svg.index(f'id="v{rb.B}-jumps"'):]
    group = group[:group.index("</g>")]
    assert group.count("<path") == 1
    assert group.count("M") == len(many.jumps)  # each piece starts with the pen up
