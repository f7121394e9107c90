"""Estimated audience on real fixture data: views where the site shows them, the model
(calibrated on X's views) elsewhere, research priors only when nothing has views."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from seenby_local import (
    BLUESKY_OWN,
    FACEBOOK_STORY,
    HN_NEWS,
    REDDIT_HOT,
    X_USER_TWEETS,
    Local,
    fixture_capture,
)

from conftest import Server, run_cli
from seenby_plugins.audience import model

X_POST = "2019881223666233717"
REDDIT_POST = "t3_1skjxta"
HN_POST = "48350598"
FB_POST = "1053189635634220"
BSKY_OWN_POST = "at://did:plc:7hnv2ixk3ubzw4q5dpmq6yrc/app.bsky.feed.post/3lanm2q5ko22t"


def audience(local: Local, platform: str, post_id: str) -> tuple[str, str, str]:
    overlay = local.overlay(platform, post_id)
    [badge] = [b for b in overlay.badges if b.text.startswith("seen by")]
    [section] = [s for s in overlay.sections if s.title == "Audience"]
    return badge.text, badge.title, section.text


@pytest.fixture
def calibrated(tmp_path: Path) -> Iterator[Local]:
    local = Local(tmp_path)
    captures = [X_USER_TWEETS, REDDIT_HOT, HN_NEWS, FACEBOOK_STORY, BLUESKY_OWN]
    result = local.ingest(*[fixture_capture(c) for c in captures])
    assert set(result.statuses.values()) == {"parsed"}
    local.refresh()
    yield local
    local.close()


def test_x_views_are_the_audience(calibrated: Local) -> None:
    text, title, panel = audience(calibrated, "x", X_POST)
    assert text == "seen by 2.5M · 3.6× followers"
    assert title == "2,525,462 views shown by the site. Basis: views shown by the site."
    assert panel.startswith(
        "2,525,462 views shown by the site, 3.6× followers (the author has 695,695)"
    )


def test_model_is_calibrated_on_the_posts_with_views(calibrated: Local) -> None:
    rows = calibrated.store.frame("SELECT grp, n, n_total FROM audience_model ORDER BY grp")
    counts = {g: (n, total) for g, n, total in rows.iter_rows()}
    assert counts["x"] == (10, 10)  # the 10 UserTweets posts that show views
    assert counts["reddit/no-followers"] == (0, 10)
    basis = "calibrated on 10 posts you have seen with views on other sites"
    # Reddit: score 546 + 495 comments, followers unknown.
    text, title, _ = audience(calibrated, "reddit", REDDIT_POST)
    assert text == "seen by ~160k (13k–1.8M)"
    assert "model from feedback (followers unknown), " + basis in title
    assert "Nielsen's 90-9-1" in title and "Bernstein et al., CHI 2013" in title
    text, _, _ = audience(calibrated, "hackernews", HN_POST)
    assert text == "seen by ~41k (4.3k–380k)"
    # Facebook: 2,100 followers, 2 likes.
    text, title, panel = audience(calibrated, "facebook", FB_POST)
    assert text == "seen by ~600 (160–2.3k) · 28% of followers"
    assert "model from followers and feedback, " + basis in title
    assert "reaches ~29% of friends (Bernstein et al.)" in panel


def test_research_prior_only_without_posts_with_views(tmp_path: Path, calibrated: Local) -> None:
    local = Local(tmp_path / "prior")
    local.ingest(*[fixture_capture(c) for c in (REDDIT_HOT, FACEBOOK_STORY)])
    local.refresh()
    try:
        text, title, _ = audience(local, "facebook", FB_POST)
        assert text == "seen by ~1k (150–7.2k) · 49% of followers"
        assert "Basis: research prior only." in title
        text, _, _ = audience(local, "reddit", REDDIT_POST)
        assert text == "seen by ~140k (12k–1.7M)"
        prior = local.store.frame("SELECT grp, n_total FROM audience_model")
        assert set(prior["n_total"].to_list()) == {0}
        # Intervals are wider without calibration data (log10 spread of the estimate).
        for post in (FB_POST, REDDIT_POST):
            assert spread(local, post) > spread(calibrated, post)
        assert round(spread(local, FB_POST), 2) == 0.66
        assert round(spread(calibrated, FB_POST), 2) == 0.45
    finally:
        local.close()


def spread(local: Local, post_id: str) -> float:
    """The estimate's log10 standard deviation, from the stored model."""
    posts = local.store.frame("SELECT * FROM posts_latest WHERE post_id = ?", [post_id])
    stored = local.store.frame("SELECT * EXCLUDE (fitted_at) FROM audience_model")
    predicted = model.predict(model.features(posts), stored.cast(model.MODEL_SCHEMA))
    return float(predicted["sd"][0])


def test_own_post_shows_what_people_typically_guess(calibrated: Local) -> None:
    text, _, panel = audience(calibrated, "bluesky", BSKY_OWN_POST)
    assert text == "seen by ~6k (660–53k)"
    assert "People typically guess only about 27% of their real audience" in panel
    assert "you'd probably guess ~1,600." in panel


def test_eval_command_on_the_stopped_servers_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    local = Local(data)
    local.ingest(fixture_capture(X_USER_TWEETS), fixture_capture(REDDIT_HOT))
    local.close()
    result = run_cli(data, "eval", "audience", "--folds", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Audience model, 2-fold by post")
    [x_row] = [line for line in lines if line.startswith("x ")]
    assert x_row.split()[:2] == ["x", "10"]


def test_badge_through_a_real_server(make_server: object) -> None:
    server: Server = make_server(plugins="")  # type: ignore[operator]
    response = server.post_captures(fixture_capture(X_USER_TWEETS), fixture_capture(REDDIT_HOT))
    assert response.status_code == 200, response.text
    x_overlay = next(o for o in response.json()["overlays"] if o["post_id"] == X_POST)
    texts = [b["text"] for b in x_overlay["badges"]]
    assert "seen by 2.5M · 3.6× followers" in texts
    refreshed = server.request("POST", "/api/v1/refresh")
    assert refreshed.status_code in (200, 201), refreshed.text
    response = server.request(
        "POST", "/api/v1/overlays", json={"platform": "reddit", "post_ids": [REDDIT_POST]}
    )
    assert response.status_code == 200, response.text
    [overlay] = response.json()["overlays"]
    badge = next(b for b in overlay["badges"] if b["text"].startswith("seen by"))
    assert badge["text"] == "seen by ~160k (13k–1.8M)"
    assert "calibrated on 10 posts you have seen with views" in badge["title"]
    [section] = [s for s in overlay["sections"] if s["title"] == "Audience"]
    assert section["kind"] == "text" and "Basis: model from feedback" in section["text"]
