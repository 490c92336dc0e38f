"""Settings from a TOML file: every nested ``...Params`` field, checked key by key."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from vessel_risk.common import config
from vessel_risk.common.errors import ConfigError
from vessel_risk.flows.settings import Settings, load_settings, settings_record


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text)
    return path


def every_key(obj: object, where: str = "") -> list[str]:
    keys = []
    for f in dataclasses.fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        name = f"{where}.{f.name}" if where else f.name
        if dataclasses.is_dataclass(value):
            keys += every_key(value, name)
        else:
            keys.append(name)
    return keys


def test_load_settings_gives_the_defaults_without_a_file() -> None:
    assert load_settings() == Settings()


def test_load_settings_sets_nested_thresholds_and_keeps_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path, """
lookback_days = 10
[detection.gaps]
min_gap_h = 8
[scoring]
high_min = 0.6
[ingest.framing]
strict_tag_checksum = true
""")
    settings = load_settings(path)
    assert settings.lookback_days == 10
    assert settings.detection.gaps.min_gap_h == 8.0
    assert isinstance(settings.detection.gaps.min_gap_h, float)
    assert settings.scoring.high_min == 0.6
    assert settings.ingest.framing.strict_tag_checksum is True
    assert settings.detection.loitering == Settings().detection.loitering
    assert settings.scoring.medium_min == Settings().scoring.medium_min


def test_load_settings_reaches_every_field_of_every_params() -> None:
    """Each leaf of the settings tree can be written back with its own value: nothing needs
    listing by hand, so fields added later are covered."""
    defaults = Settings()
    for key in every_key(defaults):
        value = defaults
        for part in key.split("."):
            value = getattr(value, part)
        if value is None:
            continue  # TOML has no null: a field that is None by default can only be set
        if isinstance(value, tuple):
            value = list(value)  # TOML gives arrays as lists
        assert config.apply(defaults, config.unflatten({key: value})) == defaults, key


@pytest.mark.parametrize(("text", "named"), [
    ("[detection.gaps]\nmin_gap_hours = 3", "detection.gaps.min_gap_hours"),
    ("[detection.gapz]\nmin_gap_h = 3", "detection.gapz"),
    ("[detection.gaps]\nmin_gap_h = 'six'", "detection.gaps.min_gap_h"),
    ("[detection.gaps]\nmin_gap_h = -1.0", "detection.gaps.min_gap_h"),
    ("[detection.gaps]\nmin_gap_h = nan", "detection.gaps.min_gap_h"),
    ("[ingest.framing]\nstrict_tag_checksum = 1", "ingest.framing.strict_tag_checksum"),
    ("[training]\nnum_boost_round = 20.5", "training.num_boost_round"),
    ("detection = 3", "detection"),
    ("lookback_days = 0", "lookback days"),
    ("[ingest]\nformat = 'xml'", "ingest"),
    ("[screening_day]\nmin_share_of_busiest = 2.0", "screening_day"),
])
def test_load_settings_names_the_key_of_a_bad_setting(tmp_path: Path, text: str,
                                                       named: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert named in str(caught.value)
    assert str(path) in str(caught.value)


def test_load_settings_names_the_file_of_malformed_toml(tmp_path: Path) -> None:
    path = write(tmp_path, "[detection.gaps\nmin_gap_h = 3")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(path)


def test_load_settings_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")


def test_load_settings_lets_command_line_overrides_win_over_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "lookback_days = 10\n[ingest]\nformat = 'nmea'\n")
    settings = load_settings(path, {"lookback_days": 3, "ingest.format": None})
    assert settings.lookback_days == 3
    assert settings.ingest.format == "nmea"  # None means "not given on the command line"


def test_apply_accepts_negative_values_only_where_a_field_allows_them() -> None:
    @dataclass(frozen=True)
    class Offsets:
        offset_h: float = field(default=0.0, metadata={config.ALLOW_NEGATIVE: True})
        count: int = 1

    assert config.apply(Offsets(), {"offset_h": -2.5}).offset_h == -2.5
    with pytest.raises(ConfigError, match="count"):
        config.apply(Offsets(), {"count": -1})


def test_settings_record_lists_every_value_and_the_changed_ones(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, "[detection.gaps]\nmin_gap_h = 8\n"))
    record = settings_record(settings)
    assert record["changed"] == {"detection.gaps.min_gap_h": 8.0}
    assert record["values"]["detection"]["gaps"]["min_gap_h"] == 8.0
    json.dumps(record)  # recorded with the run as JSON


def test_store_lock_timeout_is_settable_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text("[store]\nlock_timeout_s = 5\n")
    assert load_settings(config).store.lock_timeout_s == 5.0
    config.write_text("[store]\nlock_timeout_s = -1\n")
    with pytest.raises(ConfigError, match="store.lock_timeout_s"):
        load_settings(config)
