"""The officer's morning report: one self-contained HTML file per screened day.

``write_report`` reads the day from the store and writes ``<out>/reports/risk_report_<day>.html``:
a summary of the day, the top of the list, a section with a map and a timeline for each of the top
``ReportParams.map_top`` vessels, and every vessel in a sortable table. ``day_markdown`` gives the
same summary and top list for the flow run's Prefect artifact. Modules:

- ``day``: what is read from the store; ``model_info``: which model scored the day;
- ``summary``: the day at a glance; ``dossier``: one vessel's facts, reasons and events in words;
- ``layers``/``maps``/``land``: a vessel's map; ``svg_timeline``: its window as a strip;
- ``table``: the sortable table; ``page``: the HTML; ``markdown``: the artifact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from vessel_risk.common import columns as c
from vessel_risk.common.errors import ConfigError
from vessel_risk.models.card import ModelCard
from vessel_risk.report.day import DayData, load_day
from vessel_risk.report.dossier import Dossier, build_dossiers, vessel_names
from vessel_risk.report.markdown import day_markdown
from vessel_risk.report.model_info import ModelInfo, card_of_folder, model_info
from vessel_risk.report.params import ReportParams
from vessel_risk.report.summary import DaySummary, summarise

__all__ = [
    "DayData",
    "Dossier",
    "ModelInfo",
    "ReportParams",
    "WrittenReport",
    "day_markdown",
    "dossier_for",
    "load_day",
    "card_of_folder",
    "model_info",
    "render_report",
    "report_path",
    "write_report",
]

REPORTS = "reports"
# Rows of the top list at the head of the page and in the artifact.
TOP_LIST_ROWS = 10


@dataclass(frozen=True)
class WrittenReport:
    path: Path
    summary: DaySummary
    listed: pd.DataFrame  # the day's risk list, by rank

    def markdown(self, top: int = TOP_LIST_ROWS) -> str:
        return day_markdown(self.summary, self.listed, str(self.path), top)


def report_path(out: Path, day: date) -> Path:
    return Path(out) / REPORTS / f"risk_report_{day.isoformat()}.html"


def render_report(data: DayData, params: ReportParams = ReportParams(),
                  ports: pd.DataFrame | None = None) -> str:
    """The report as an HTML string: the same store gives the same bytes."""
    from vessel_risk.features.geo import load_ports
    from vessel_risk.report.layers import map_layers
    from vessel_risk.report.maps import MapCanvas
    from vessel_risk.report.page import VesselSection, render_page

    ports = load_ports() if ports is None else ports
    top = [int(m) for m in data.listed[c.MMSI].head(params.map_top)]
    dossiers = build_dossiers(data, top, ports, params)
    sections = []
    canvas = MapCanvas() if dossiers else None
    for dossier in dossiers:
        layers = map_layers(dossier, data, params)
        assert canvas is not None
        svg, extent = canvas.render(layers, ports, params)
        sections.append(VesselSection(dossier, svg, extent, layers))
    return render_page(summarise(data), data.listed, sections, vessel_names(data.listed),
                       TOP_LIST_ROWS, params.silent_after_h)


def write_report(out: Path, day: date, lookback_days: int, model_card: ModelCard | None = None,
                 registry_vessels: pd.DataFrame | None = None,
                 params: ReportParams = ReportParams()) -> WrittenReport:
    """Read ``day`` from the store under ``out`` and write its report (atomically).

    ``model_card`` describes the model if it is the one that scored the day (its version is
    checked against the list's); ``registry_vessels`` adds owners.
    """
    data = load_day(Path(out), day, lookback_days, model_card, registry_vessels)
    path = report_path(out, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(render_report(data, params), encoding="utf-8")
    tmp.replace(path)
    return WrittenReport(path, summarise(data), data.listed)


def dossier_for(out: Path, day: date, mmsi: int, lookback_days: int,
                registry_vessels: pd.DataFrame | None = None,
                params: ReportParams = ReportParams()) -> Dossier:
    """One vessel's dossier for ``vessel-risk show --mmsi``: its report section without the map."""
    from vessel_risk.features.geo import load_ports

    data = load_day(Path(out), day, lookback_days, None, registry_vessels)
    if not (data.listed[c.MMSI] == mmsi).any():
        raise ConfigError(f"MMSI {mmsi} is not on the risk list of {day.isoformat()}")
    return build_dossiers(data, [mmsi], load_ports(), params)[0]
