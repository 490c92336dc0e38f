"""A vessel's map as an inline SVG drawn by matplotlib: sea, land and coastline from the land mask,
nearby ports, the track, and each event where it happened.

Every drawn element carries an id (``v<mmsi>-track``, ``v<mmsi>-ev-<event id>``, ...) so the page
can be checked for what it shows. Text from the feed or the registry (port and vessel names) is
drawn as plain text: matplotlib's math parsing is off, and its SVG writer escapes XML.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.features.geo import haversine_nm
from vessel_risk.report import land
from vessel_risk.report.layers import EventMark, Line, MapLayers
from vessel_risk.report.params import ReportParams

# Figure size (inches at 72 points each): a 640 x 440 px map when shown at its natural size.
FIG_W_IN, FIG_H_IN = 6.4, 4.4
ASPECT = FIG_H_IN / FIG_W_IN
# Margin around the drawn points, as a share of their span.
PAD_SHARE = 0.08

SEA = "#dcebf5"
LAND = "#ece6d6"
COAST = "#8f8267"
TRACK = "#1f5fa8"
SILENT = "#6b6b6b"
JUMP = "#c0392b"
PARTNER = "#e67e22"
PORT = "#333333"
# Colour of each kind of event mark (the page's legend uses the same).
EVENT_COLOURS = {
    c.GAP: "#111111",
    c.ENCOUNTER: "#e67e22",
    c.LOITERING: "#8e44ad",
    c.SPOOFING: "#c0392b",
    c.IDENTITY_SHARED: "#c0392b",
    c.PORT_VISIT: "#2c3e50",
}
OTHER_EVENT_COLOUR = "#16a085"

_RC: dict[str, Any] = {
    "svg.fonttype": "none",  # text stays text (selectable, small), not glyph outlines
    "svg.hashsalt": "vessel-risk",  # ids from content, not random: the same store, the same bytes
    "text.parse_math": False,  # a name with $...$ is a name, not a formula
    "path.simplify": True,
    "font.family": "sans-serif",
    "font.size": 7.0,
}


@dataclass(frozen=True)
class Extent:
    lon_min: float
    lon_max: float
    lat_min: float
    lat_max: float

    @property
    def width_nm(self) -> float:
        mid = math.radians((self.lat_min + self.lat_max) / 2.0)
        return (self.lon_max - self.lon_min) * 60.0 * math.cos(mid)

    def caption(self) -> str:
        def lat(v: float) -> str:
            return f"{abs(v):.2f}{'N' if v >= 0 else 'S'}"

        def lon(v: float) -> str:
            v = (v + 180.0) % 360.0 - 180.0
            return f"{abs(v):.2f}{'E' if v >= 0 else 'W'}"

        return (f"{lat(self.lat_min)} to {lat(self.lat_max)}, "
                f"{lon(self.lon_min)} to {lon(self.lon_max)}")


def extent_of(layers: MapLayers, params: ReportParams) -> Extent:
    """A box around every drawn point, padded, at least ``min_half_span_deg`` high, shaped like
    the figure (longitudes shrink by cos(latitude))."""
    lon, lat = layers.points()
    if len(lon) == 0:
        lon, lat = np.array([0.0]), np.array([0.0])
    lat_lo, lat_hi = float(lat.min()), float(lat.max())
    lon_lo, lon_hi = float(lon.min()), float(lon.max())
    mid_lat, mid_lon = (lat_lo + lat_hi) / 2.0, (lon_lo + lon_hi) / 2.0
    cos_lat = max(math.cos(math.radians(mid_lat)), 0.05)
    half_h = max((lat_hi - lat_lo) / 2.0 * (1 + 2 * PAD_SHARE), params.min_half_span_deg)
    half_w = max((lon_hi - lon_lo) / 2.0 * (1 + 2 * PAD_SHARE), half_h / ASPECT / cos_lat)
    half_h = max(half_h, half_w * cos_lat * ASPECT)
    half_h = min(half_h, 89.0)
    mid_lat = float(np.clip(mid_lat, -90.0 + half_h, 90.0 - half_h))
    return Extent(mid_lon - half_w, mid_lon + half_w, mid_lat - half_h, mid_lat + half_h)


def ports_in(extent: Extent, layers: MapLayers, ports: pd.DataFrame, count: int) -> pd.DataFrame:
    """Up to ``count`` ports inside the map, nearest to the vessel's track first."""
    if ports.empty or count <= 0:
        return ports.iloc[:0]
    lon = ports[c.LON].to_numpy(dtype="float64")
    lon = np.where(lon < 0.0, lon + layers.lon_offset, lon) if layers.lon_offset else lon
    lat = ports[c.LAT].to_numpy(dtype="float64")
    inside = ((lon >= extent.lon_min) & (lon <= extent.lon_max)
              & (lat >= extent.lat_min) & (lat <= extent.lat_max))
    if not inside.any():
        return ports.iloc[:0]
    t_lon, t_lat = layers.points()
    step = max(1, len(t_lon) // 400)
    t_lon, t_lat = t_lon[::step], t_lat[::step]
    cand = np.flatnonzero(inside)
    dist = haversine_nm(lat[cand][:, None], lon[cand][:, None], t_lat[None, :], t_lon[None, :])
    nearest = dist.min(axis=1) if dist.size else np.zeros(len(cand))
    order = cand[np.argsort(nearest, kind="stable")[:count]]
    chosen = ports.iloc[order].copy()
    chosen[c.LON] = lon[order]
    return chosen


def preload() -> None:
    """Import what drawing maps needs (matplotlib, about a second), for a caller with time to
    spare before the report is written (the CLI, while Prefect's server starts)."""
    import matplotlib.backends.backend_svg
    import matplotlib.contour
    import matplotlib.figure
    import matplotlib.patches  # noqa: F401


class MapCanvas:
    """One matplotlib figure reused for every map of a report (a new figure and axes cost more
    than the drawing)."""

    def __init__(self) -> None:
        import matplotlib
        from matplotlib.backends.backend_svg import FigureCanvasSVG
        from matplotlib.figure import Figure

        with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
            self._fig = Figure(figsize=(FIG_W_IN, FIG_H_IN), dpi=72)
            FigureCanvasSVG(self._fig)
            self._ax = self._fig.add_axes((0.0, 0.0, 1.0, 1.0))
            self._ax.set_axis_off()

    def render(self, layers: MapLayers, ports: pd.DataFrame,
               params: ReportParams) -> tuple[str, Extent]:
        """The map as an SVG element for inline use in HTML, and the box it shows."""
        import matplotlib

        extent = extent_of(layers, params)
        ax = self._ax
        with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
            for artist in [*ax.lines, *ax.patches, *ax.collections, *ax.texts]:
                artist.remove()
            ax.set_prop_cycle(None)  # every colour is given, but never let one depend on history
            ax.set_xlim(extent.lon_min, extent.lon_max)
            ax.set_ylim(extent.lat_min, extent.lat_max)
            ax.set_aspect("auto")
            ax.add_patch(_rect(extent, SEA, "sea"))
            _draw_land(ax, extent, params)
            _draw_ports(ax, ports_in(extent, layers, ports, params.ports_on_map))
            _draw_track(ax, layers)
            for partner in layers.partners:
                ax.plot(partner.lon, partner.lat, color=PARTNER, lw=1.2, alpha=0.9,
                        gid=f"partner-{partner.mmsi}-{partner.event_id}", zorder=4)
            for mark in layers.marks:
                _draw_mark(ax, mark)
            _draw_scale(ax, extent)
            buf = io.StringIO()
            self._fig.savefig(buf, format="svg", metadata={
                "Date": None, "Creator": None, "Format": None, "Type": None})
        return inline_svg(buf.getvalue(), f"v{layers.mmsi}-"), extent


def render_map(layers: MapLayers, ports: pd.DataFrame, params: ReportParams) -> tuple[str, Extent]:
    """One map on a canvas of its own (see :class:`MapCanvas` to draw many)."""
    return MapCanvas().render(layers, ports, params)


def _rect(extent: Extent, colour: str, gid: str):  # type: ignore[no-untyped-def]
    from matplotlib.patches import Rectangle

    return Rectangle((extent.lon_min, extent.lat_min), extent.lon_max - extent.lon_min,
                     extent.lat_max - extent.lat_min, facecolor=colour, edgecolor="none",
                     gid=gid, zorder=0)


def _draw_land(ax, extent: Extent, params: ReportParams) -> None:  # type: ignore[no-untyped-def]
    grid = land.land_grid(extent.lat_min, extent.lat_max, extent.lon_min, extent.lon_max,
                          params.land_cells)
    if grid.land.size == 0 or grid.land.max() < 0.5:
        return
    if grid.land.min() >= 0.5:
        ax.add_patch(_rect(extent, LAND, "land"))
        return
    # one outline serves as both the land's fill and, stroked, its coastline
    filled = ax.contourf(grid.lon, grid.lat, grid.land, levels=[0.5, 1.5], colors=[LAND],
                         zorder=1)
    filled.set_edgecolor(COAST)
    filled.set_linewidth(0.6)
    filled.set_gid("land")


def _draw_ports(ax, ports: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    for i, (name, lon, lat) in enumerate(zip(ports[c.NAME], ports[c.LON], ports[c.LAT])):
        ax.plot([lon], [lat], marker="s", ms=3.5, color=PORT, ls="none", gid=f"port-{i}",
                zorder=3)
        ax.annotate("" if pd.isna(name) else str(name), (lon, lat), xytext=(4, 3),
                    textcoords="offset points", fontsize=6.5, color=PORT, zorder=3,
                    gid=f"port-label-{i}", annotation_clip=True, parse_math=False)


def _draw_track(ax, layers: MapLayers) -> None:  # type: ignore[no-untyped-def]
    # each kind of link is one path of two-point pieces: a vessel whose MMSI many transmitters
    # share has tens of thousands of jumps, and a path apiece cost ~0.3 ms and ~150 bytes each
    if layers.silent:
        ax.plot(*_pieces(layers.silent), color=SILENT, lw=1.0, ls=(0, (4, 3)), gid="silent",
                zorder=5)
    if layers.jumps:
        ax.plot(*_pieces(layers.jumps), color=JUMP, lw=1.0, ls=(0, (1, 2)), gid="jumps",
                zorder=5)
    ax.plot(layers.track_lon, layers.track_lat, color=TRACK, lw=1.6, gid="track", zorder=6,
            solid_joinstyle="round")
    if layers.first is not None:
        ax.plot(*layers.first, marker="o", ms=5, color=TRACK, mfc="white", mec=TRACK, mew=1.5,
                gid="first-fix", zorder=7)
    if layers.last is not None:
        ax.plot(*layers.last, marker="o", ms=6, color=TRACK, gid="last-fix", zorder=7)


def _pieces(links: tuple[Line, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Lines as one polyline's (lon, lat), a NaN (pen up) after each."""
    ends = np.array(links, dtype="float64")  # (link, end, lon/lat)
    apart = np.full((len(links), 1, 2), np.nan)
    points = np.concatenate([ends, apart], axis=1).reshape(-1, 2)[:-1]
    return points[:, 0], points[:, 1]


def _draw_mark(ax, mark: EventMark) -> None:  # type: ignore[no-untyped-def]
    from matplotlib.patches import Ellipse

    event = mark.event
    colour = EVENT_COLOURS.get(event.event_type, OTHER_EVENT_COLOUR)
    gid = f"ev-{event.event_id}"
    lon, lat = mark.at
    if event.event_type == c.GAP:
        if mark.other is not None:
            ax.plot([lon, mark.other[0]], [lat, mark.other[1]], ls="none", marker="o", ms=6,
                    color=colour, mfc="white", mec=colour, mew=1.5, gid=f"{gid}-back", zorder=8)
        ax.plot([lon], [lat], marker="o", ms=7, color=colour, gid=gid, zorder=9)
    elif event.event_type == c.SPOOFING:
        if mark.other is not None:
            ax.plot([mark.other[0], lon], [mark.other[1], lat], color=colour, lw=1.4,
                    ls=(0, (2, 2)), gid=f"{gid}-line", zorder=8)
        ax.plot([lon], [lat], marker="X", ms=8, color=colour, mec="white", mew=0.6, gid=gid,
                zorder=9)
    elif event.event_type == c.LOITERING:
        cos_lat = max(math.cos(math.radians(lat)), 0.05)
        r_deg = mark.radius_nm / 60.0
        ax.add_patch(Ellipse((lon, lat), 2 * r_deg / cos_lat, 2 * r_deg, facecolor=colour,
                             alpha=0.25, edgecolor=colour, lw=1.2, gid=f"{gid}-area", zorder=7))
        ax.plot([lon], [lat], marker="o", ms=5, color=colour, gid=gid, zorder=9)
    elif event.event_type == c.ENCOUNTER:
        ax.plot([lon], [lat], marker="*", ms=13, color=colour, mec="#7a3d00", mew=0.6, gid=gid,
                zorder=9)
    elif event.event_type == c.IDENTITY_SHARED:
        ax.plot([lon], [lat], marker="D", ms=6, color=colour, mec="white", mew=0.6, gid=gid,
                zorder=9)
    elif event.event_type == c.PORT_VISIT:
        ax.plot([lon], [lat], marker="s", ms=7, color=colour, mfc="none", mec=colour, mew=1.4,
                gid=gid, zorder=8)
    else:
        ax.plot([lon], [lat], marker="P", ms=7, color=colour, gid=gid, zorder=9)


def _draw_scale(ax, extent: Extent) -> None:  # type: ignore[no-untyped-def]
    target = extent.width_nm / 4.0
    nice = [n for n in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000) if n <= target]
    length_nm = nice[-1] if nice else 0.5
    mid = math.radians((extent.lat_min + extent.lat_max) / 2.0)
    length_deg = length_nm / 60.0 / max(math.cos(mid), 0.05)
    x0 = extent.lon_min + 0.04 * (extent.lon_max - extent.lon_min)
    y0 = extent.lat_min + 0.05 * (extent.lat_max - extent.lat_min)
    ax.plot([x0, x0 + length_deg], [y0, y0], color="#222222", lw=2, gid="scale", zorder=10,
            solid_capstyle="butt")
    label = f"{length_nm:g} nm"
    ax.annotate(label, (x0, y0), xytext=(0, 4), textcoords="offset points", fontsize=7,
                color="#222222", zorder=10, parse_math=False)


_ID = re.compile(r'\bid="([^"]+)"')
_PATH_DATA = re.compile(r'\bd="([^"]*)"')
_DECIMAL = re.compile(r"-?\d+\.\d+")
_REF = re.compile(r'(url\(#|href="#)([^)"]+)')


def inline_svg(svg: str, prefix: str) -> str:
    """matplotlib's SVG document made fit to sit inside an HTML page: no XML prologue, DOCTYPE,
    metadata, namespace URLs or global style; ids prefixed so that several maps share a page."""
    start = svg.index("<svg")
    body = svg[start:]
    body = re.sub(r"<metadata>.*?</metadata>\s*", "", body, flags=re.S)
    body = re.sub(r'<style type="text/css">.*?</style>\s*', "", body, flags=re.S)
    body = re.sub(r'\s(?:xmlns(?::\w+)?|version)="[^"]*"', "", body)
    body = re.sub(r'<svg\s+width="[^"]*"\s+height="[^"]*"', '<svg class="map"', body, count=1)
    body = _PATH_DATA.sub(lambda m: f'd="{_round_path(m.group(1))}"', body)
    body = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', body)
    body = _REF.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", body)
    return body.strip()


def _round_path(data: str) -> str:
    """Path coordinates to 0.1 pt (0.1 px on screen): a third of matplotlib's digits."""
    def one(m: re.Match[str]) -> str:
        text = f"{float(m.group()):.1f}"
        return "0" if text in ("0.0", "-0.0") else text.removesuffix(".0")

    return re.sub(r"\s+", " ", _DECIMAL.sub(one, data)).strip()
