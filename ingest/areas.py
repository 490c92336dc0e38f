"""Areas of interest: a GeoJSON file of named polygons drawn by the user.

A FeatureCollection (or a single Feature) whose geometries are Polygons or MultiPolygons in WGS84
longitude/latitude (RFC 7946), each with a ``name`` property: the approaches to a port, a stretch
of coast where landings happen. A file that is not such a collection stops the run with an
:class:`~vessel_risk.common.errors.InputError` naming the file and the feature; a feature without a name
is called "area N" (its 1-based place in the file).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape

from vessel_risk.common.errors import InputError

_POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Area:
    name: str
    geometry: Any  # a valid shapely Polygon or MultiPolygon (lon, lat)


def read_areas(path: Path) -> list[Area]:
    """The named polygons of a GeoJSON file, in file order."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the areas file ({exc.strerror or exc})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a GeoJSON file ({exc})") from exc
    features = _features(doc, path)
    areas = []
    for number, feature in enumerate(features, start=1):
        where = f"{path}, feature {number}"
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") not in _POLYGONAL:
            raise InputError(f"{where}: geometry must be a Polygon or MultiPolygon")
        try:
            polygon = shapely.make_valid(shape(geometry))
        except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException) as exc:
            raise InputError(f"{where}: invalid coordinates ({exc})") from exc
        minx, miny, maxx, maxy = polygon.bounds if not polygon.is_empty else (0, 0, 0, 0)
        if polygon.is_empty or miny < -90 or maxy > 90 or minx < -180 or maxx > 180:
            raise InputError(f"{where}: coordinates must be longitude, latitude in degrees")
        props = feature.get("properties") or {}
        name = props.get("name") if isinstance(props, dict) else None
        areas.append(Area(str(name).strip() if name else f"area {number}", polygon))
    return areas


def _features(doc: Any, path: Path) -> list[Any]:
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features")
        if isinstance(features, list):
            return features
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        return [doc]
    raise InputError(f"{path}: expected a GeoJSON FeatureCollection of named polygons")
