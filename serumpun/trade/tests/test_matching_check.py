"""System check trade.E001 on data/trade/matching.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from serumpun.trade import matching
from serumpun.trade.setup_matching import check_matching_settings


def test_the_shipped_settings_pass() -> None:
    assert check_matching_settings() == []


def test_a_bad_weight_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "matching.yaml"
    bad.write_text(
        matching.settings_path().read_text().replace("value: 0.15", "value: -3", 1)
    )
    monkeypatch.setattr(matching, "settings_path", lambda: bad)
    errors = check_matching_settings()
    matching.matching_settings.cache_clear()
    assert [error.id for error in errors] == ["trade.E001"]
    assert "weights.price" in errors[0].msg
