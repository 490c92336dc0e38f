"""Tests of ingest.areas.read_areas: a GeoJSON file of named polygons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vessel_risk.common.errors import InputError
from vessel_risk.ingest.areas import read_areas

SQUARE = [[[1.7, 50.9], [1.9, 50.9], [1.9, 51.1], [1.7, 51.1], [1.7, 50.9]]]


def _write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _feature(geometry: dict, name: str | None = "Approaches to Calais") -> dict:
    return {"type": "Feature", "geometry": geometry,
            "properties": {} if name is None else {"name": name}}


def test_read_areas_reads_named_polygons_and_multipolygons(tmp_path: Path) -> None:
    doc = {"type": "FeatureCollection", "features": [
        _feature({"type": "Polygon", "coordinates": SQUARE}),
        _feature({"type": "MultiPolygon", "coordinates": [SQUARE]}, name=None),
    ]}
    areas = read_areas(_write(tmp_path, doc))
    assert [a.name for a in areas] == ["Approaches to Calais", "area 2"]
    assert areas[0].geometry.bounds == pytest.approx((1.7, 50.9, 1.9, 51.1))


def test_read_areas_keeps_a_name_with_markup_as_plain_text(tmp_path: Path) -> None:
    doc = _feature({"type": "Polygon", "coordinates": SQUARE}, name="[/] <b>coast</b>")
    assert read_areas(_write(tmp_path, doc))[0].name == "[/] <b>coast</b>"


@pytest.mark.parametrize(("doc", "message"), [
    ({"type": "Point"}, "FeatureCollection"),
    ({"type": "FeatureCollection", "features": [_feature({"type": "Point",
                                                          "coordinates": [1, 2]})]},
     "feature 1: geometry must be a Polygon"),
    ({"type": "FeatureCollection", "features": [_feature(
        {"type": "Polygon", "coordinates": [[[200, 95], [201, 95], [201, 96], [200, 95]]]})]},
     "feature 1: coordinates must be longitude, latitude"),
])
def test_read_areas_rejects_what_is_not_named_polygons(tmp_path: Path, doc: object,
                                                       message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_areas(_write(tmp_path, doc))


def test_read_areas_names_the_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "areas.geojson"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="areas.geojson: not a GeoJSON file"):
        read_areas(path)
    with pytest.raises(InputError, match="cannot read"):
        read_areas(tmp_path / "missing.geojson")
