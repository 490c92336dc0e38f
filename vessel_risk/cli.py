"""The ``vessel-risk`` command line: run, train, score, show, report, serve.

The CLI reads options, prepares an offline Prefect workspace, and calls the flows; no computation
lives here.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from vessel_risk import settings as s
from vessel_risk.errors import VesselRiskError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Daily AIS + registry screening: a ranked, explained vessel risk list.")
console = Console()

AisOpt = Annotated[list[Path] | None, typer.Option("--ais", help="AIS files or folders (NMEA or CSV, plain or gzip). Repeatable.")]
RegistryOpt = Annotated[Path | None, typer.Option("--registry", help="Registry folder (vessels.csv required).")]
DateOpt = Annotated[datetime | None, typer.Option("--date", formats=["%Y-%m-%d"], help="Screening day (UTC).")]
OutOpt = Annotated[Path, typer.Option("--out", help="Output folder.")]
ModelOpt = Annotated[Path, typer.Option("--model", help="Model folder (LightGBM text + model card).")]


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def _fail(exc: VesselRiskError) -> None:
    console.print(f"[bold red]error:[/] {exc}")
    raise typer.Exit(code=2)


@app.command()
def run(
    ais: AisOpt = None,
    registry: RegistryOpt = None,
    day: DateOpt = None,
    lookback_days: Annotated[int, typer.Option("--lookback-days")] = s.DEFAULT_LOOKBACK_DAYS,
    model: ModelOpt = s.DEFAULT_MODEL,
    out: OutOpt = s.DEFAULT_OUT,
    top: Annotated[int, typer.Option("--top", help="Rows to print.")] = 10,
    capture_time: Annotated[datetime | None, typer.Option(
        "--capture-time", formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ"],
        help="Receive time (UTC) for AIS lines that carry none, e.g. a capture without tag blocks.",
    )] = None,
    ais_format: Annotated[str | None, typer.Option(
        "--format", help="Force the AIS format: nmea, dma_csv or marinecadastre_csv.")] = None,
    areas: Annotated[Path | None, typer.Option(
        "--areas", help="GeoJSON file of named areas of interest: entries become events.")] = None,
) -> None:
    """Screen a day: ingest, detect, feature, score, write. No options: the bundled sample."""
    if not ais:
        ais = [s.SAMPLE_AIS]
        registry = registry or s.SAMPLE_REGISTRY
        console.print(f"[dim]No --ais given: screening the bundled synthetic sample ({s.SAMPLE_DIR}).[/]")
    s.prefect_environment()
    from ingest import workers

    # The flow runs ingest in a Prefect thread, so its workers come from a fork server: start it
    # now, and it is warm by the time Prefect has started.
    workers.start_fork_server()
    from flows.daily import daily_screening
    from vessel_risk import views

    try:
        summary = daily_screening(
            ais=[str(p) for p in ais], registry=str(registry) if registry else None,
            out=str(out), model=str(model), day=_day(day), lookback_days=lookback_days,
            capture_time=capture_time, ais_format=ais_format,
            areas=str(areas) if areas else None,
        )
        views.print_summary(console, summary)
        for line in [summary.get("model_notice"), *summary.get("warnings", [])]:
            if line:  # registry text is data, never markup
                console.print(Text(line, style="yellow"))
        views.print_risk_list(console, out, date.fromisoformat(summary["date"]), top)
    except VesselRiskError as exc:
        _fail(exc)


@app.command()
def train(
    ais: AisOpt = None,
    registry: RegistryOpt = None,
    outcomes: Annotated[Path | None, typer.Option("--outcomes", help="outcomes.csv (mmsi, imo, date, label).")] = None,
    model_out: Annotated[Path, typer.Option("--model-out")] = Path("data/out/model"),
    lookback_days: Annotated[int, typer.Option("--lookback-days")] = s.DEFAULT_LOOKBACK_DAYS,
    seed: Annotated[int | None, typer.Option("--seed")] = None,
) -> None:
    """Train a model from AIS + registry + labelled outcomes. No options: the bundled sample."""
    notes: list[str] = []
    if not ais:
        ais, registry = [s.SAMPLE_AIS], registry or s.SAMPLE_REGISTRY
        outcomes = outcomes or s.SAMPLE_OUTCOMES
        notes.append(s.SAMPLE_MODEL_NOTE)
    if outcomes is None:
        _fail(VesselRiskError("--outcomes is required with --ais"))
    s.prefect_environment()
    from flows.train import train as train_flow

    try:
        result = train_flow(ais=[str(p) for p in ais], registry=str(registry) if registry else None,
                            outcomes=str(outcomes), model_out=str(model_out),
                            lookback_days=lookback_days, seed=seed, notes=notes,
                            demonstration=bool(notes))
    except VesselRiskError as exc:
        _fail(exc)
    console.print_json(json.dumps(result, default=str))


@app.command()
def score(
    day: DateOpt = None,
    model: ModelOpt = s.DEFAULT_MODEL,
    mmsi: Annotated[list[int] | None, typer.Option("--mmsi", help="Only these vessels. Repeatable.")] = None,
    out: OutOpt = s.DEFAULT_OUT,
) -> None:
    """Rescore a stored day's features with a model, without re-ingesting."""
    from vessel_risk import rescore, views

    try:
        listed, path = rescore.rescore(out, _day(day), model, mmsi or [])
    except VesselRiskError as exc:
        _fail(exc)
    console.print(f"[dim]written to {path}[/]")
    views.print_table(console, listed, len(listed))


@app.command()
def show(
    day: DateOpt = None,
    top: Annotated[int, typer.Option("--top")] = 20,
    out: OutOpt = s.DEFAULT_OUT,
    mmsi: Annotated[int | None, typer.Option(
        "--mmsi", help="Print this vessel's dossier instead of the list.")] = None,
    lookback_days: Annotated[int, typer.Option("--lookback-days")] = s.DEFAULT_LOOKBACK_DAYS,
    registry: RegistryOpt = None,
) -> None:
    """Print a day's risk list (default: the latest), or one vessel's dossier."""
    from vessel_risk import storage, views

    try:
        chosen = _day(day) or views.latest_day(out, storage.RISK_LISTS)
        if mmsi is None:
            views.print_risk_list(console, out, chosen, top)
            return
        from vessel_risk.report import dossier_for

        views.print_dossier(console, dossier_for(out, chosen, mmsi, lookback_days,
                                                 _registry_vessels(registry)))
    except VesselRiskError as exc:
        _fail(exc)


@app.command()
def report(
    day: DateOpt = None,
    out: OutOpt = s.DEFAULT_OUT,
    top: Annotated[int, typer.Option("--top", help="Vessels with a section and a map.")] = 50,
    lookback_days: Annotated[int, typer.Option("--lookback-days")] = s.DEFAULT_LOOKBACK_DAYS,
    model: Annotated[Path, typer.Option(
        "--model", help="Model folder whose card describes the model (if it scored the day).")
    ] = s.DEFAULT_MODEL,
    registry: RegistryOpt = None,
) -> None:
    """Write the day's self-contained HTML report for officers."""
    from vessel_risk import report as report_mod
    from vessel_risk import storage, views

    try:
        chosen = _day(day) or views.latest_day(out, storage.RISK_LISTS)
        written = report_mod.write_report(
            out, chosen, lookback_days, report_mod.card_of_folder(model),
            _registry_vessels(registry), report_mod.ReportParams(map_top=top))
    except VesselRiskError as exc:
        _fail(exc)
    console.print(Text(f"report written to {written.path}"))


def _registry_vessels(registry: Path | None):  # type: ignore[no-untyped-def]
    if registry is None:
        return None
    from ingest.registry import read_registry_or_none

    found = read_registry_or_none(registry)
    return found.vessels if found is not None else None


@app.command()
def serve(
    ais: AisOpt = None,
    registry: RegistryOpt = None,
    cron: Annotated[str, typer.Option("--cron", help="When to run (cron, UTC).")] = "0 5 * * *",
    model: ModelOpt = s.DEFAULT_MODEL,
    out: OutOpt = s.DEFAULT_OUT,
    lookback_days: Annotated[int, typer.Option("--lookback-days")] = s.DEFAULT_LOOKBACK_DAYS,
) -> None:
    """Serve the daily flow as a Prefect deployment on a cron schedule.

    Schedules need a Prefect server: start one with `prefect server start` and set
    PREFECT_API_URL (see the README).
    """
    s.prefect_environment()
    from flows.serve import serve_daily

    serve_daily(ais=[str(p) for p in (ais or [s.SAMPLE_AIS])],
                registry=str(registry) if registry else (None if ais else str(s.SAMPLE_REGISTRY)),
                cron=cron, model=str(model), out=str(out), lookback_days=lookback_days)
