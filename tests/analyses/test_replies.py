"""Suggested replies on real fixture posts: ranking, drafts, own-post repliers, and the
optional local-model generator against a fake OpenAI-compatible server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import polars as pl
import pytest
from feed import fixture_captures
from seenby_local import Local

from seenby_plugins.replies import suggest
from seenby_plugins.replies.drafts import Context, drafts
from seenby_plugins.replies.language import detect
from seenby_server.overlays import ReadContext

ASK_HN = "48360123"
ASK_HN_QUESTION = "How do you keep a home lab running without it becoming a second job"
JANE = "urn:li:activity:7396460678427660038"
JANE_TEXT = (
    "We moved our nightly batch to incremental models and cut warehouse spend by 38%. Three "
    "things that mattered more than the tooling: ownership, tests on the contracts, and saying "
    "no to one-off dashboards."
)


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Local]:
    seenby = Local(tmp_path_factory.mktemp("replies"))
    seenby.ingest(*fixture_captures())
    seenby.refresh()
    yield seenby
    seenby.close()


def in_view(local: Local, platform: str) -> pl.DataFrame:
    return local.store.frame("SELECT * FROM posts_latest WHERE platform = ?", [platform])


def test_drafts_quote_the_key_phrase_and_end_with_a_question() -> None:
    made = drafts(Context(text=JANE_TEXT, language="en"))
    assert 2 <= len(made) <= 3
    assert "“We moved our nightly batch to incremental models…”" in made[0].text
    assert all(d.text.endswith("?") for d in made)
    assert "On the 38%: how did you measure it" in made[1].text
    assert made[1].reason.startswith("a question back about their figure 38%")


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("¿Alguien sabe un buen mecánico de bicicletas en Oporto? Busco cuadros antiguos.", "es",
         "Antes de responder a «Alguien sabe un buen mecánico de bicicletas en Oporto»"),
        ("Alguém sabe onde consertar uma bicicleta antiga no Porto? Não encontro ninguém.", "pt",
         "Antes de responder a “Alguém sabe onde consertar uma bicicleta antiga no Porto”"),
        ("Wir haben unseren nächtlichen Batch auf inkrementelle Modelle umgestellt.", "de",
         "„Wir haben unseren nächtlichen Batch auf inkrementelle Modelle umgestellt“: Wie kam"),
        ("Je cherche un bon mécanicien pour les vélos anciens à Lyon, des idées ?", "fr",
         "Avant de répondre à « Je cherche un bon mécanicien pour les vélos anciens à Lyon »"),
    ],
)  # fmt: skip
def test_drafts_in_the_posts_language(text: str, language: str, expected: str) -> None:
    assert detect(text) == language
    made = drafts(Context(text=text, language=language, is_question="?" in text))
    assert made[0].text.startswith(expected), made[0].text
    assert all(d.text.rstrip().endswith("?") for d in made)


def test_top_opportunities_among_hacker_news_posts(local: Local) -> None:
    ctx = ReadContext(local.store, datetime.now(UTC))
    found = suggest(ctx, in_view(local, "hackernews"))
    assert [s.post_id for s in found] == [ASK_HN, "48360610", "48360404"]
    ask = found[0]
    assert ask.reasons == [
        "you and @marlowe have interacted 1 time",
        "a question to followers: questions invite answers",
        "only 7 replies so far: yours stays visible",
        "about upgrade, which you post about",
    ]
    assert all(ASK_HN_QUESTION in d.text and d.text.endswith("?") for d in ask.drafts)
    angle = ask.drafts[2]
    assert "“How do you test the playbook before a real upgrade”" in angle.text  # the user's post
    assert angle.reason.startswith("brings in your own angle: you posted about upgrade")
    # tarn is in the close circle: the draft refers to the user's earlier exchange with tarn.
    history = found[2].drafts[1]
    assert history.reason.startswith("refers to your shared history")
    assert "snapshot the VM" in history.text
    # Posts the user already answered (fjord_runner's 48360201) are never suggested.
    assert "48360201" not in [s.post_id for s in suggest(ctx, in_view(local, "hackernews"), 50)]


def test_posts_in_an_unsupported_language_get_no_english_drafts(local: Local) -> None:
    ctx = ReadContext(local.store, datetime.now(UTC))
    japanese = in_view(local, "x").filter(pl.col("post_id") == "1649225698102636544")
    assert japanese.height == 1 and suggest(ctx, japanese) == []


def test_own_post_lists_repliers_to_answer_first(local: Local) -> None:
    overlay = local.overlay("reddit", "t3_1skq2vd")
    [badge] = [b for b in overlay.badges if b.text == "1 to answer"]
    assert "unanswered first" in (badge.title or "")
    [section] = [s for s in overlay.sections if s.title == "Answer first"]
    assert section.items[0].startswith("@memray_maintainer: not answered yet — “If it turns out")
    assert section.items[1].startswith("@asyncio_ace: answered")
    hn = local.overlay("hackernews", "48360455")
    [section] = [s for s in hn.sections if s.title == "Answer first"]
    assert section.items == [
        "@tarn: not answered yet, in your close circle (#1) — “Not the OP, but I snapshot the "
        "VM with qm snapshot first”"
    ]


# --- the optional local model ---------------------------------------------------------


class FakeModel(BaseHTTPRequestHandler):
    delay = 0.0
    requests: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "body": body})
        time.sleep(self.delay)
        user = body["messages"][1]["content"]
        reply = "1. Which part of the setup took most of your weekends?\n2. Would you drop the NAS first?"
        if "home lab" not in user:
            reply = "How did that change your week?\nWhat would you try next?"
        answer = {"choices": [{"message": {"role": "assistant", "content": reply}}]}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def fake_model() -> Iterator[tuple[str, type[FakeModel]]]:
    handler = type("Handler", (FakeModel,), {"delay": 0.0, "requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


def run_with_model(tmp_path: Any, monkeypatch: pytest.MonkeyPatch, url: str, **env: str) -> Local:
    monkeypatch.setenv("SEENBY_LLM_URL", url)
    monkeypatch.setenv("SEENBY_LLM_MODEL", "fake-7b")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    seenby = Local(tmp_path)
    seenby.ingest(*fixture_captures())
    seenby.refresh()
    return seenby


def test_model_drafts_come_first_when_a_local_model_answers(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, fake_model: tuple[str, type[FakeModel]]
) -> None:
    url, handler = fake_model
    seenby = run_with_model(tmp_path, monkeypatch, url, SEENBY_LLM_POSTS="3")
    try:
        assert handler.requests and all(
            r["path"] == "/v1/chat/completions" for r in handler.requests
        )
        first = handler.requests[0]["body"]
        assert first["model"] == "fake-7b" and ASK_HN_QUESTION in first["messages"][1]["content"]
        [[drafted]] = seenby.store.frame(
            "SELECT drafts FROM replies_llm_drafts WHERE post_id = ?", [ASK_HN]
        ).rows()
        assert json.loads(drafted)[0] == "Which part of the setup took most of your weekends?"
        overlay = seenby.overlay("hackernews", ASK_HN)
        [section] = [s for s in overlay.sections if s.title == "Reply ideas"]
        assert [d.text for d in section.suggestions[:2]] == [
            "Which part of the setup took most of your weekends?",
            "Would you drop the NAS first?",
        ]
        assert section.suggestions[0].reason.startswith("written by your local model")
        assert ASK_HN_QUESTION in section.suggestions[2].text  # then the template draft
    finally:
        seenby.close()


def test_a_slow_or_absent_model_falls_back_to_the_templates(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, fake_model: tuple[str, type[FakeModel]]
) -> None:
    url, handler = fake_model
    handler.delay = 1.0
    seenby = run_with_model(tmp_path / "slow", monkeypatch, url, SEENBY_LLM_TIMEOUT="0.2")
    try:
        [[error, drafted]] = seenby.store.frame(
            "SELECT error, drafted FROM replies_llm_runs"
        ).rows()
        assert error == "no answer within 0.2 s" and drafted == 0
        overlay = seenby.overlay("hackernews", ASK_HN)
        [section] = [s for s in overlay.sections if s.title == "Reply ideas"]
        assert all(ASK_HN_QUESTION in d.text for d in section.suggestions)
    finally:
        seenby.close()
    absent = run_with_model(tmp_path / "absent", monkeypatch, "http://127.0.0.1:9")
    try:
        [[error]] = absent.store.frame("SELECT error FROM replies_llm_runs").rows()
        assert error.startswith("URLError")
        [section] = [
            s for s in absent.overlay("hackernews", ASK_HN).sections if s.title == "Reply ideas"
        ]
        assert section.suggestions[0].reason.startswith("a question back")
    finally:
        absent.close()


def test_only_the_newest_runs_are_kept(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, fake_model: tuple[str, type[FakeModel]]
) -> None:
    monkeypatch.setattr("seenby_plugins.replies_llm.KEPT_RUNS", 2)
    url, _ = fake_model
    # Every refresh asks again (no post gets drafted twice): one run each.
    seenby = run_with_model(tmp_path, monkeypatch, url, SEENBY_LLM_POSTS="1")
    try:
        for _ in range(3):
            seenby.ingest(*fixture_captures())
            seenby.refresh()
        runs = seenby.store.frame("SELECT run_at FROM replies_llm_runs ORDER BY run_at")
        assert runs.height == 2
        [[last]] = seenby.store.frame("SELECT max(run_at) FROM replies_llm_runs").rows()
        assert runs["run_at"][1] == last
    finally:
        seenby.close()


def test_server_merges_suggestions_and_keeps_the_best_three() -> None:
    from seenby import ReplyDraft, ReplySuggestion
    from seenby_server.overlays import suggestion_annotations

    def s(pid: str, score: float, *texts: str) -> ReplySuggestion:
        drafts = [ReplyDraft(text=t, reason=f"because {t}") for t in texts]
        return ReplySuggestion(post_id=pid, score=score, reasons=[f"r{pid}"], drafts=drafts)

    merged = suggestion_annotations(
        [s("a", 0.2, "A1?"), s("b", 0.9, "B1?"), s("c", 0.5, "C1?"), s("d", 0.7, "D1?"),
         s("a", 0.95, "A2?", "A1?", "A3?"), s("e", 0.99)]  # e has no drafts: not shown
    )  # fmt: skip
    assert [a.post_id for a in merged] == ["a", "b", "d"]
    top = merged[0]
    assert top.badges[0].title == "Reply opportunity #1 of the posts in view (score 0.95): ra"
    assert [d.text for d in top.sections[0].suggestions] == ["A1?", "A2?", "A3?"]


def test_model_endpoint_must_be_on_this_machine() -> None:
    """Post texts go to the model: a remote endpoint is refused, so data stays local."""
    from seenby_plugins.replies_llm.client import LLMError, chat

    with pytest.raises(LLMError, match="must be on this machine"):
        chat("https://api.example.com", "m", "system", "user", timeout=0.1)
