"""The ``vessel-risk`` command line: run, backfill, train, score, show, report, serve.

The CLI reads options, checks paths and values before Prefect starts (a mistake is one line and
exit code 2; ``--verbose`` adds the traceback), prepares an offline Prefect workspace, and calls
the flows; no computation lives here.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from vessel_risk import early_server, preflight
from vessel_risk.common import watchdog
from vessel_risk.common import workspace as w
from vessel_risk.common.errors import ConfigError, VesselRiskError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Daily AIS + registry screening: a ranked, explained vessel risk list.")
console = Console()
_state = {"verbose": False, "exit_promptly": False}

EXIT_USER_ERROR = 2
EXIT_FAILED = 1

AisOpt = Annotated[list[Path] | None, typer.Option("--ais", help="AIS files or folders (NMEA or CSV, plain or gzip). Repeatable.")]
RegistryOpt = Annotated[Path | None, typer.Option("--registry", help="Registry folder (vessels.csv required).")]
DateOpt = Annotated[datetime | None, typer.Option("--date", formats=["%Y-%m-%d"], help="Screening day (UTC).")]
OutOpt = Annotated[Path, typer.Option("--out", help="Output folder.")]
ModelOpt = Annotated[Path, typer.Option("--model", help="Model folder (LightGBM text + model card).")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="TOML file of settings (thresholds of ingest, detectors, scoring, training); see the README.")]
LookbackOpt = Annotated[int | None, typer.Option("--lookback-days", help=f"Days of AIS the features look at (default {w.DEFAULT_LOOKBACK_DAYS}, or the config's).")]
FormatOpt = Annotated[str | None, typer.Option("--format", help="Force the AIS format: nmea, dma_csv or marinecadastre_csv.")]
CaptureOpt = Annotated[datetime | None, typer.Option(
    "--capture-time", formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ"],
    help="Receive time (UTC) for AIS lines that carry none, e.g. a capture without tag blocks.")]
DaskOpt = Annotated[bool, typer.Option("--dask", help="Run the days (or training dates) in parallel on Dask: a LocalCluster unless --dask-address is given.")]
DaskAddressOpt = Annotated[str | None, typer.Option("--dask-address", help="Address of a running Dask scheduler (implies --dask).")]
DaskWorkersOpt = Annotated[int, typer.Option("--dask-workers", help="Worker processes of the LocalCluster.")]


def main() -> None:
    """The ``vessel-risk`` command (the console script): the CLI, which after a successful run
    exits without waiting for Prefect's and the interpreter's clean-up (see
    :func:`_exit_promptly`). In-process callers (tests) call ``app`` and keep their process."""
    _state["exit_promptly"] = True
    app()


@app.callback()
def callback(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's log and the traceback of an error.")] = False) -> None:
    _state["verbose"] = verbose


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def _fail(exc: BaseException, code: int = EXIT_USER_ERROR) -> NoReturn:
    if _state["verbose"]:
        console.print_exception()
    hint = "" if _state["verbose"] else " [dim](--verbose for the traceback)[/]"
    if isinstance(exc, VesselRiskError):
        console.print(f"[bold red]error:[/] {escape(str(exc))}")
    else:
        console.print(f"[bold red]error:[/] {escape(type(exc).__name__)}: {escape(str(exc))}{hint}")
    raise typer.Exit(code=code)


@contextmanager
def _user_errors() -> Iterator[None]:
    """A product error is the user's: one line, exit 2. Anything else: one line, exit 1."""
    try:
        yield
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except VesselRiskError as exc:
        _fail(exc, EXIT_USER_ERROR)
    except Exception as exc:
        _fail(exc, EXIT_FAILED)


class _HideRunFailures(logging.Filter):
    """Prefect logs a failed flow or task run with its traceback; the CLI prints the error once
    itself, so those records stay off the console (they still reach the Prefect API)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno >= logging.ERROR
                    and record.name.startswith(("prefect.flow_runs", "prefect.task_runs")))


def _early_server() -> early_server.EarlyServer | None:
    """Prefect's temporary server, started now if Prefect would start one at the first flow
    call (vessel_risk.early_server): it imports on the other core while this process works."""
    _prefect_environment()
    return early_server.start()


def _prefect_environment(console_level: str = "WARNING") -> None:
    """INFO logs go to the API (and the UI); the console shows ``console_level`` and up (INFO
    under ``--verbose``); the offline workspace. Before Prefect is imported."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL",
                          "INFO" if _state["verbose"] else console_level)
    w.prefect_environment()


def _start_prefect(console_level: str = "WARNING", warm_server: bool = True,
                   early: early_server.EarlyServer | None = None) -> Callable[[], None]:
    """Offline Prefect in the project's workspace; INFO logs go to the API (and the UI), the
    console shows ``console_level`` and up (INFO under ``--verbose``).

    With no Prefect server configured, the temporary server Prefect would start at the first
    flow call (8-13 s) is started ahead: ``early`` (from :func:`_early_server`), or else now in
    the background, so that it starts while the flow's modules are imported. Returns the
    function to call before the first flow: it waits for the server.
    """
    _prefect_environment(console_level)
    import prefect.main  # noqa: F401  (sets up Prefect's logging handlers)
    from prefect.settings import PREFECT_API_URL

    if not _state["verbose"]:
        for handler in logging.getLogger().handlers:
            handler.addFilter(_HideRunFailures())
    if early is not None:
        return early.wait_ready
    if not warm_server or PREFECT_API_URL.value():
        return lambda: None
    from prefect.server.api.server import SubprocessASGIServer

    def start() -> None:
        # the same (per-process) instance the first flow call would start; if it fails here,
        # that call tries again and raises Prefect's own message
        try:
            SubprocessASGIServer().start()
        except Exception:
            pass

    starting = threading.Thread(target=start, daemon=True, name="prefect-temporary-server")
    starting.start()
    return starting.join


def _reporting() -> Any:
    from vessel_risk.common import progress
    from vessel_risk.console_progress import RichReporter

    @contextmanager
    def both() -> Iterator[None]:
        with RichReporter(console) as reporter, progress.reporting(reporter):
            yield

    return both()


def _settings_checked(config: Path | None, lookback_days: int | None = None,
                      ais_format: str | None = None) -> None:
    from vessel_risk.flows.settings import load_settings

    preflight.existing_file(config, "--config")
    load_settings(config, {"lookback_days": lookback_days, "ingest.format": ais_format})


def _print_run_extras(summary: dict[str, Any]) -> None:
    quarantined = summary["ingest"]["quarantined"]
    if quarantined:
        console.print("Quarantined by reason: " + ", ".join(
            f"{escape(str(k))} {v:,}" for k, v in quarantined.items()))
    if summary.get("settings_changed"):
        console.print("Settings changed from the defaults: " + ", ".join(
            f"{escape(k)}={escape(str(v))}" for k, v in summary["settings_changed"].items()))
    for line in [summary.get("model_notice"), *summary.get("warnings", [])]:
        if line:  # registry text is data, never markup
            console.print(Text(line, style="yellow"))


@app.command()
def run(
    ais: AisOpt = None,
    registry: RegistryOpt = None,
    day: DateOpt = None,
    lookback_days: LookbackOpt = None,
    model: ModelOpt = w.DEFAULT_MODEL,
    out: OutOpt = w.DEFAULT_OUT,
    top: Annotated[int, typer.Option("--top", min=0, help="Rows to print.")] = 10,
    capture_time: CaptureOpt = None,
    ais_format: FormatOpt = None,
    config: ConfigOpt = None,
    areas: Annotated[Path | None, typer.Option(
        "--areas", help="GeoJSON file of named areas of interest: entries become events.")] = None,
) -> None:
    """Screen a day: ingest, detect, feature, score, write. No options: the bundled sample."""
    with _user_errors():
        if not ais:
            ais = [w.SAMPLE_AIS]
            registry = registry or w.SAMPLE_REGISTRY
            console.print(f"[dim]No --ais given: screening the bundled synthetic sample ({escape(str(w.SAMPLE_DIR))}).[/]")
        preflight.ais_paths(ais)
        preflight.registry_dir(registry)
        preflight.out_dir(out)
        if areas is not None:
            preflight.existing_file(areas, "--areas")
        watchdog.start()  # before any thread: every process the run starts dies with it
        early = _early_server()  # before the checks that import the product's modules
        preflight.model_dir(model)
        _settings_checked(config, lookback_days, ais_format)
        server_ready = _start_prefect(early=early)
        from vessel_risk.ingest import workers

        # The flow runs ingest in a Prefect thread, so its workers come from a fork server: start
        # it now, and it is warm by the time Prefect has started.
        workers.start_fork_server()
        from vessel_risk import views
        from vessel_risk.flows import daily

        with _reporting():
            # read the input while Prefect's server finishes starting; the flow picks it up
            # with a server starting, ingest runs at a lower priority: the server comes first
            daily.ingest_ahead([str(p) for p in ais], str(out),
                               daily.run_settings(str(config) if config else None, lookback_days,
                                                  capture_time, ais_format),
                               background=early is not None)
            from vessel_risk.report import maps

            maps.preload()  # the report's drawing modules, while the server may still start
            try:
                server_ready()
                summary = daily.daily_screening(
                    ais=[str(p) for p in ais], registry=str(registry) if registry else None,
                    out=str(out), model=str(model), day=_day(day), lookback_days=lookback_days,
                    capture_time=capture_time, ais_format=ais_format,
                    config=str(config) if config else None,
                    areas=str(areas) if areas else None,
                )
            finally:
                daily.drop_ingest_ahead()
        views.print_summary(console, summary)
        _print_run_extras(summary)
        views.print_risk_list(console, out, date.fromisoformat(summary["date"]), top)
    _exit_promptly(early)


def _exit_promptly(early: early_server.EarlyServer | None) -> None:
    """After a successful run of the console script, exit now: every output is written and
    printed, Prefect's log handler has sent what it holds and the temporary server is stopped.
    What is skipped is Prefect's exit hooks (they wait on idle worker threads), freeing the
    day's tables object by object and the interpreter's tear-down: 1-3 s on a large day."""
    if not _state["exit_promptly"]:
        return
    console.file.flush()
    logging.shutdown()  # flushes every handler: Prefect's sends its logs to the API
    if early is not None:
        early.stop()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


@app.command()
def backfill(
    first: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day to screen (UTC).")],
    last: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day to screen (UTC), inclusive.")],
    ais: AisOpt = None,
    registry: RegistryOpt = None,
    lookback_days: LookbackOpt = None,
    model: ModelOpt = w.DEFAULT_MODEL,
    out: OutOpt = w.DEFAULT_OUT,
    capture_time: CaptureOpt = None,
    ais_format: FormatOpt = None,
    config: ConfigOpt = None,
    dask: DaskOpt = False,
    dask_address: DaskAddressOpt = None,
    dask_workers: DaskWorkersOpt = 2,
) -> None:
    """Screen every day of a range: ingest once, then each day (in parallel with --dask)."""
    with _user_errors():
        if not ais:
            ais = [w.SAMPLE_AIS]
            registry = registry or w.SAMPLE_REGISTRY
        from vessel_risk.common.days import day_range  # pandas: not before the server starts

        days = day_range(first.date(), last.date())
        preflight.ais_paths(ais)
        preflight.registry_dir(registry)
        preflight.out_dir(out)
        if dask_workers < 1:
            raise ConfigError(f"--dask-workers must be at least 1, got {dask_workers}")
        watchdog.start()  # before any thread: every process the run starts dies with it
        early = _early_server()  # before the checks that import the product's modules
        preflight.model_dir(model)
        _settings_checked(config, lookback_days, ais_format)
        server_ready = _start_prefect(early=early)
        from vessel_risk.ingest import workers

        workers.start_fork_server()
        from vessel_risk.flows import engine
        from vessel_risk.flows.backfill import backfill as backfill_flow

        server_ready()
        flow_ = backfill_flow
        parallel = dask or dask_address is not None
        with _reporting(), _maybe(parallel, engine.api_for_workers):
            if parallel:
                flow_ = backfill_flow.with_options(
                    task_runner=engine.dask_runner(dask_address, dask_workers))
            result = flow_(
                ais=[str(p) for p in ais], registry=str(registry) if registry else None,
                out=str(out), model=str(model), first_day=days[0], last_day=days[-1],
                lookback_days=lookback_days, capture_time=capture_time, ais_format=ais_format,
                config=str(config) if config else None,
            )
        for summary in result["days"]:
            console.print(f"{summary['date']}: {summary['vessels']} vessels, bands "
                          + ", ".join(f"{k} {v}" for k, v in summary["bands"].items())
                          + f" [dim]{escape(summary['risk_list'])}[/]")
        quarantined = result["ingest"]["quarantined"]
        if quarantined:
            console.print("Quarantined by reason: " + ", ".join(
                f"{escape(str(k))} {v:,}" for k, v in quarantined.items()))


@contextmanager
def _maybe(condition: bool, factory: Callable[[], Any]) -> Iterator[None]:
    if condition:
        with factory():
            yield
    else:
        yield


@app.command()
def train(
    ais: AisOpt = None,
    registry: RegistryOpt = None,
    outcomes: Annotated[Path | None, typer.Option("--outcomes", help="outcomes.csv (mmsi, imo, date, label).")] = None,
    model_out: Annotated[Path, typer.Option("--model-out")] = Path("data/out/model"),
    lookback_days: LookbackOpt = None,
    seed: Annotated[int | None, typer.Option("--seed")] = None,
    config: ConfigOpt = None,
    dask: DaskOpt = False,
    dask_address: DaskAddressOpt = None,
    dask_workers: DaskWorkersOpt = 2,
) -> None:
    """Train a model from AIS + registry + labelled outcomes. No options: the bundled sample."""
    with _user_errors():
        notes: list[str] = []
        if not ais:
            ais, registry = [w.SAMPLE_AIS], registry or w.SAMPLE_REGISTRY
            outcomes = outcomes or w.SAMPLE_OUTCOMES
            notes.append(w.SAMPLE_MODEL_NOTE)
        if outcomes is None:
            raise ConfigError("--outcomes is required with --ais")
        preflight.ais_paths(ais)
        preflight.registry_dir(registry)
        preflight.existing_file(outcomes, "--outcomes")
        preflight.out_dir(model_out)
        watchdog.start()  # before any thread: every process the run starts dies with it
        early = _early_server()
        _settings_checked(config, lookback_days)
        server_ready = _start_prefect(early=early)
        from vessel_risk.ingest import workers

        workers.start_fork_server()
        from vessel_risk.flows import engine
        from vessel_risk.flows.train import train as train_flow

        server_ready()
        flow_ = train_flow
        parallel = dask or dask_address is not None
        with _maybe(parallel, engine.api_for_workers):
            if parallel:
                flow_ = train_flow.with_options(
                    task_runner=engine.dask_runner(dask_address, dask_workers))
            result = flow_(ais=[str(p) for p in ais],
                           registry=str(registry) if registry else None,
                           outcomes=str(outcomes), model_out=str(model_out),
                           lookback_days=lookback_days, seed=seed, notes=notes,
                           config=str(config) if config else None, per_date_tasks=parallel,
                           demonstration=bool(notes))
        console.print_json(json.dumps(result, default=str))


@app.command()
def score(
    day: DateOpt = None,
    model: ModelOpt = w.DEFAULT_MODEL,
    mmsi: Annotated[list[int] | None, typer.Option("--mmsi", help="Only these vessels. Repeatable.")] = None,
    out: OutOpt = w.DEFAULT_OUT,
) -> None:
    """Rescore a stored day's features with a model, without re-ingesting."""
    with _user_errors():
        preflight.model_dir(model)
        from vessel_risk import rescore, views

        listed, path = rescore.rescore(out, _day(day), model, mmsi or [])
        console.print(f"[dim]written to {escape(str(path))}[/]")
        views.print_table(console, listed, len(listed))


@app.command()
def show(
    day: DateOpt = None,
    top: Annotated[int, typer.Option("--top", min=0)] = 20,
    out: OutOpt = w.DEFAULT_OUT,
    mmsi: Annotated[int | None, typer.Option(
        "--mmsi", help="Print this vessel's dossier instead of the list.")] = None,
    lookback_days: Annotated[int, typer.Option("--lookback-days", min=1)] = w.DEFAULT_LOOKBACK_DAYS,
    registry: RegistryOpt = None,
) -> None:
    """Print a day's risk list (default: the latest), or one vessel's dossier."""
    with _user_errors():
        from vessel_risk import storage, views

        with storage.reading(out):  # never half of a run's commit
            chosen = _day(day) or views.latest_day(out, storage.RISK_LISTS)
            if mmsi is None:
                views.print_risk_list(console, out, chosen, top)
                return
            from vessel_risk.report import dossier_for

            dossier = dossier_for(out, chosen, mmsi, lookback_days, _registry_vessels(registry))
        views.print_dossier(console, dossier)


@app.command()
def report(
    day: DateOpt = None,
    out: OutOpt = w.DEFAULT_OUT,
    top: Annotated[int, typer.Option("--top", min=0, help="Vessels with a section and a map.")] = 50,
    lookback_days: Annotated[int, typer.Option("--lookback-days", min=1)] = w.DEFAULT_LOOKBACK_DAYS,
    model: Annotated[Path, typer.Option(
        "--model", help="Model folder whose card describes the model (if it scored the day).")
    ] = w.DEFAULT_MODEL,
    registry: RegistryOpt = None,
) -> None:
    """Write the day's self-contained HTML report for officers."""
    with _user_errors():
        from vessel_risk import report as report_mod
        from vessel_risk import storage, views

        with storage.reading(out):  # never half of a run's commit
            chosen = _day(day) or views.latest_day(out, storage.RISK_LISTS)
            written = report_mod.write_report(
                out, chosen, lookback_days, report_mod.card_of_folder(model),
                _registry_vessels(registry), report_mod.ReportParams(map_top=top))
        console.print(Text(f"report written to {written.path}"))


def _registry_vessels(registry: Path | None):  # type: ignore[no-untyped-def]
    if registry is None:
        return None
    from vessel_risk.ingest.registry import read_registry_or_none

    found = read_registry_or_none(registry)
    return found.vessels if found is not None else None


@app.command()
def serve(
    ais: AisOpt = None,
    registry: RegistryOpt = None,
    cron: Annotated[str, typer.Option("--cron", help="When to run (cron, in --time-zone).")] = "0 5 * * *",
    time_zone: Annotated[str, typer.Option("--time-zone", help="IANA time zone of the cron and of the day a run screens (the day that ended before the run's scheduled start).")] = "UTC",
    name: Annotated[str, typer.Option("--name", help="Deployment name.")] = "daily-screening",
    model: ModelOpt = w.DEFAULT_MODEL,
    out: OutOpt = w.DEFAULT_OUT,
    lookback_days: LookbackOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Serve the daily flow as a Prefect deployment on a cron schedule (until SIGTERM/Ctrl-C).

    Schedules need a running Prefect server: start one with `prefect server start` and set
    PREFECT_API_URL (see the README).
    """
    with _user_errors():
        if not ais:
            ais = [w.SAMPLE_AIS]
            registry = registry or w.SAMPLE_REGISTRY
        preflight.ais_paths(ais)
        preflight.registry_dir(registry)
        preflight.model_dir(model)
        preflight.out_dir(out)
        preflight.cron(cron)
        from vessel_risk.common.days import time_zone as check_zone

        check_zone(time_zone)
        if not name.strip():
            raise ConfigError("--name must not be empty")
        _settings_checked(config, lookback_days)
        preflight.prefect_server(os.environ.get("PREFECT_API_URL"))
        _start_prefect(console_level="INFO", warm_server=False)
        from vessel_risk.flows.serve import serve_daily

        console.print(f"Serving deployment {escape(name)!r} on cron {escape(cron)!r} "
                      f"({escape(time_zone)}) at {escape(os.environ['PREFECT_API_URL'])}")
        serve_daily(cron=cron, name=name, time_zone=time_zone, ais=[str(p) for p in ais],
                    registry=str(registry) if registry else None, model=str(model),
                    out=str(out), config=str(config) if config else None,
                    lookback_days=lookback_days)
