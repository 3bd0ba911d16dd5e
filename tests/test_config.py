"""Model constants: a user config is validated (types, ranges, order) with the key named, and
retired keys of earlier versions are read and ignored (issue 17, point 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.config import load_config
from analyzer.errors import ConfigError
from tests.common import GENERIC as SAMPLE


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[acwr]\nacute_days = 0", "acute_days must be between 1 and 365"),
        ("[acwr]\nacute_days = -3", "acute_days must be between"),
        ("[effort]\nper_rir = nan", "per_rir must be a finite number"),
        ("[flags]\nacwr_watch = inf", "acwr_watch must be a finite number"),
        ("[flags]\nconsecutive_days = true", "consecutive_days must be a whole number"),
        ("[flags]\nconsecutive_days = 3.5", "consecutive_days must be a whole number"),
        ("[recovery]\nmin_loaded_dose = nan", "min_loaded_dose must be a finite number"),
        ("[swaps]\nswap_max_edits = -1", "swap_max_edits must be between 1 and 10"),
        ("[acwr]\nband_low = 2.0", "band_low (2) must not be above band_high (1.3)"),
        ("[flags]\nspacing_overuse_hours = 70.0", "spacing_overuse_hours (70) must not be above"),
        ('[swaps]\nsport = "curling"', "sport must be one of"),
        ('[effort]\nper_rir = "high"', "per_rir must be a finite number"),
    ],
)
def test_bad_values_are_refused_with_the_key_named(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "model.toml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=says.replace("(", r"\(").replace(")", r"\)")):
        load_config(path)
    result = CliRunner().invoke(app, ["analyze", str(SAMPLE), "-q", "--config", str(path)])
    assert result.exit_code == 2 and says.split(" must")[0] in result.output
    assert "Traceback" not in result.output


def test_retired_keys_are_read_and_ignored(tmp_path: Path) -> None:
    path = tmp_path / "old.toml"
    path.write_text(
        "[flags]\nshort_recovery_fraction = 0.5\nmonotony_watch = 2.0\n"
        "acwr_overuse = 1.5\nacwr_watch = 1.6\n",
        encoding="utf-8",
    )
    assert load_config(path).acwr_watch == 1.6


def test_the_packaged_values_pass_their_own_checks() -> None:
    config = load_config()
    assert config.spacing_overuse_hours < config.spacing_watch_hours
    assert config.consecutive_days < config.consecutive_overuse_days
