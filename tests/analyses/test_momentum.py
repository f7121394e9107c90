"""Feedback momentum on the real X UserTweets payload seen three times as a post grows.

The snapshots are the recorded payload with its counts scaled (the way a profile
re-read hours later shows the same posts with larger figures).
"""

from __future__ import annotations

import copy
import json
import math
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from seenby_local import FIXTURES, REDDIT_HOT, X_USER_TWEETS, Local, fixture_capture

from conftest import Server
from seenby_plugins.momentum import fit

SNOWBALL = "2082640276389249363"  # 4,346 views, 45 likes in the recording
SETTLING = "2083289084567724316"  # 104,358 views, 674 likes
POSTED = datetime(2026, 7, 31, 20, 29, 58, tzinfo=UTC)  # SETTLING's created_at
HOURS = [3.0, 4.0, 6.0]
SETTLING_AGES = [
    h + (POSTED - datetime(2026, 7, 31, 20, 29, 58, tzinfo=UTC)).total_seconds() / 3600
    for h in HOURS
]


def settle(age: float) -> float:
    """A saturating curve with τ = 2 h, as a share of the last snapshot's value."""
    return (1 - math.exp(-age / 2)) / (1 - math.exp(-SETTLING_AGES[-1] / 2))


def scaled(factors: dict[str, float]) -> Any:
    """The recorded UserTweets payload with each listed post's figures multiplied."""
    body = copy.deepcopy(json.loads((FIXTURES / X_USER_TWEETS[0]).read_text()))

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            factor = factors.get(node.get("rest_id", ""))
            if factor is not None and "legacy" in node and "views" in node:
                legacy = node["legacy"]
                for key in ("favorite_count", "reply_count", "retweet_count", "quote_count"):
                    legacy[key] = round(legacy[key] * factor)
                node["views"]["count"] = str(round(int(node["views"]["count"]) * factor))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(body)
    return body


def snapshots() -> list[dict[str, Any]]:
    return [
        fixture_capture(
            X_USER_TWEETS,
            scaled({SNOWBALL: snow, SETTLING: settle(age)}),
            captured_at=POSTED + timedelta(hours=hours),
        )
        for hours, age, snow in zip(HOURS, SETTLING_AGES, [0.05, 0.1, 0.4], strict=True)
    ]


@pytest.fixture
def grown(tmp_path: Path) -> Iterator[Local]:
    local = Local(tmp_path)
    local.ingest(*snapshots())
    local.refresh()
    yield local
    local.close()


def momentum(local: Local, post_id: str) -> tuple[list[Any], Any]:
    overlay = local.overlay("x", post_id)
    [section] = [s for s in overlay.sections if s.title == "Views over time"]
    return [b for b in overlay.badges if "snowballing" in b.text], section


def test_snowballing_post_gets_the_badge(grown: Local) -> None:
    badges, section = momentum(grown, SNOWBALL)
    assert [b.text for b in badges] == ["▲ snowballing"]
    assert badges[0].tone == "good"
    assert "(+650/h) than in the one before (+220/h)" in badges[0].title
    assert "Bernstein et al., CHI 2013" in badges[0].title
    assert section.kind == "sparkline"
    assert section.values == [217.0, 435.0, 1738.0]


def test_settling_post_forecast_from_a_fitted_curve(grown: Local) -> None:
    badges, section = momentum(grown, SETTLING)
    assert badges == []
    row = grown.store.frame(
        "SELECT method, tau_h, round(forecast) AS forecast, n_points FROM momentum_posts "
        "WHERE post_id = ?",
        [SETTLING],
    ).row(0, named=True)
    assert row == {"method": "fit", "tau_h": 2.0, "forecast": 109826.0, "n_points": 3}
    assert "Forecast final views: ≈ 110,000 (95% reached so far)" in section.text
    assert "a saturating curve fitted to the snapshots (time constant ≈ 2 h)" in section.text


def test_two_snapshots_use_the_half_life_assumption(tmp_path: Path) -> None:
    local = Local(tmp_path)
    try:
        local.ingest(*snapshots()[1:])
        local.refresh()
        _, section = momentum(local, SETTLING)
        # 104,358 views 6 h after posting; X's assumed half-life of 2 h: 104,358 / (1 - 2^-3).
        assert "Forecast final views: ≈ 120,000 (88% reached so far)" in section.text
        assert "an assumed half-life of 2 h for this site" in section.text
    finally:
        local.close()


def test_refresh_is_incremental(tmp_path: Path) -> None:
    local = Local(tmp_path)
    try:
        local.ingest(*snapshots())
        time.sleep(fit.MARGIN_S + 0.1)  # a refresh looks back this far for new captures
        local.refresh()
        query = "SELECT post_id, updated_at FROM momentum_posts WHERE platform = 'x'"
        before = local.store.frame(query).sort("post_id")
        later = datetime.now(UTC)
        local.ingest(
            fixture_capture(REDDIT_HOT, captured_at=later),
            fixture_capture(REDDIT_HOT, captured_at=later + timedelta(hours=1)),
        )
        local.refresh()
        assert local.store.frame(query).sort("post_id").equals(before)  # untouched
        reddit = local.store.frame("SELECT series FROM momentum_posts WHERE platform = 'reddit'")
        assert reddit.height == 12 and set(reddit["series"]) == {"feedback"}
    finally:
        local.close()


def test_snowballing_badge_through_a_real_server(make_server: object) -> None:
    server: Server = make_server(plugins="")  # type: ignore[operator]
    assert server.post_captures(*snapshots()).status_code == 200
    assert server.request("POST", "/api/v1/refresh").status_code in (200, 201)
    response = server.request(
        "POST", "/api/v1/overlays", json={"platform": "x", "post_ids": [SNOWBALL, SETTLING]}
    )
    assert response.status_code == 200, response.text
    snow, settling = response.json()["overlays"]
    assert "▲ snowballing" in [b["text"] for b in snow["badges"]]
    assert "▲ snowballing" not in [b["text"] for b in settling["badges"]]
    [spark] = [s for s in snow["sections"] if s["kind"] == "sparkline"]
    assert spark["values"] == [217.0, 435.0, 1738.0]


def test_a_full_refresh_in_parts_equals_one_pass(tmp_path: Path) -> None:
    local = Local(tmp_path)
    try:
        local.ingest(*snapshots(), fixture_capture(REDDIT_HOT), fixture_capture(REDDIT_HOT))
        series = []
        for parts in (1, 4):
            frames = [local.store.frame(*fit.query(None, (k, parts))) for k in range(parts)]
            series.append(fit.derive(pl.concat(frames)).sort("platform", "post_id"))
        assert series[0].height > 10
        assert series[0].equals(series[1])
    finally:
        local.close()


def test_a_restart_carries_on_from_the_stored_rows(tmp_path: Path) -> None:
    """The first refresh after a start only recomputes posts with snapshots received since
    the refresh that wrote the stored rows; a new version of the fit recomputes them all."""
    query = "SELECT platform, post_id, updated_at, version FROM momentum_posts"
    local = Local(tmp_path)
    try:
        local.ingest(*snapshots())
        time.sleep(fit.MARGIN_S + 0.1)
        local.refresh()
        before = local.store.frame(query).sort("post_id")
        assert before.height > 0 and set(before["version"]) == {fit.VERSION}
    finally:
        local.close()
    local = Local(tmp_path)  # a restart: no previous refresh known
    try:
        later = datetime.now(UTC)
        local.ingest(
            fixture_capture(REDDIT_HOT, captured_at=later),
            fixture_capture(REDDIT_HOT, captured_at=later + timedelta(hours=1)),
        )
        local.refresh()
        after = local.store.frame(query)
        x = pl.col("platform") == "x"
        assert after.filter(x).sort("post_id").equals(before)  # not computed again
        assert after.filter(pl.col("platform") == "reddit").height == 12  # the new snapshots
    finally:
        local.close()


def test_a_new_fit_version_recomputes_every_post(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = Local(tmp_path)
    try:
        local.ingest(*snapshots())
        local.refresh()
        columns = "platform, post_id, method, tau_h, forecast, spark"
        before = local.store.frame(f"SELECT {columns} FROM momentum_posts ORDER BY post_id")
    finally:
        local.close()
    monkeypatch.setattr(fit, "VERSION", fit.VERSION + 1)
    local = Local(tmp_path)
    try:
        local.refresh()
        after = local.store.frame(f"SELECT {columns}, version FROM momentum_posts ORDER BY post_id")
        assert set(after["version"]) == {fit.VERSION}
        assert after.drop("version").equals(before)
    finally:
        local.close()


def test_the_first_run_on_an_empty_table_writes_part_by_part(tmp_path: Path) -> None:
    """What a first run writes part by part equals what one replace of every part writes."""
    local = Local(tmp_path)
    try:
        local.ingest(*snapshots(), fixture_capture(REDDIT_HOT), fixture_capture(REDDIT_HOT))
        local.refresh()
        columns = "platform, post_id, series, n_points, forecast, tau_h, method, spark, version"
        parts = local.store.frame(
            f"SELECT {columns} FROM momentum_posts ORDER BY platform, post_id"
        )
        expected = pl.concat(
            [
                fit.derive(local.store.frame(*fit.query(None, (k, fit.PARTITIONS))))
                for k in range(fit.PARTITIONS)
            ]
        ).with_columns(version=pl.lit(fit.VERSION, pl.Int32))
        assert parts.height > 20
        assert parts.equals(expected.select(parts.columns).sort("platform", "post_id"))
    finally:
        local.close()
