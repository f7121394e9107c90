"""Optional reply drafts from a local language model (any OpenAI-compatible endpoint).

Disabled unless ``SEENBY_LLM_URL`` and ``SEENBY_LLM_MODEL`` are set. Overlay requests
have a 250 ms budget, far less than a local model needs, so drafts are made here, in
``seenby_refresh``, for the best reply opportunities among recently seen posts, and
cached in ``replies_llm_drafts``; the ``replies`` plugin shows cached drafts first and
its own template drafts otherwise. A call that fails or takes longer than
``SEENBY_LLM_TIMEOUT`` seconds (default 20) is recorded in ``replies_llm_runs`` and
the templates are used.
"""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta

import polars as pl

import seenby
from seenby_plugins.memo import TableMemo
from seenby_plugins.replies.language import detect
from seenby_plugins.replies.rank import has_table, rank
from seenby_plugins.replies_llm.client import SYSTEM, LLMError, chat, split_drafts

DRAFTS = "replies_llm_drafts"
RUNS = "replies_llm_runs"
RECENT = timedelta(days=1)
DRAFTS_PER_POST = 2
KEPT_RUNS = 500
"""Runs kept in ``replies_llm_runs`` (the newest): enough to see what went wrong lately."""


def settings() -> tuple[str, str, float, int, float] | None:
    """(url, model, per-call timeout s, posts per refresh, total budget s), or None if off."""
    url, model = os.environ.get("SEENBY_LLM_URL", ""), os.environ.get("SEENBY_LLM_MODEL", "")
    if not url or not model:
        return None
    timeout = float(os.environ.get("SEENBY_LLM_TIMEOUT", "20"))
    posts = int(os.environ.get("SEENBY_LLM_POSTS", "3"))
    budget = float(os.environ.get("SEENBY_LLM_BUDGET", "60"))
    return url, model, timeout, posts, budget


@seenby.hookimpl
def seenby_tables() -> list[seenby.TableSpec]:
    return [
        seenby.TableSpec(
            name=DRAFTS,
            migrations=[
                f"""CREATE TABLE {DRAFTS} (
                    platform TEXT NOT NULL, post_id TEXT NOT NULL, model TEXT NOT NULL,
                    drafts TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL,
                    PRIMARY KEY (platform, post_id, model))"""
            ],
        ),
        seenby.TableSpec(
            name=RUNS,
            migrations=[
                f"""CREATE TABLE {RUNS} (
                    run_at TIMESTAMPTZ PRIMARY KEY, model TEXT, url TEXT, requested BIGINT,
                    drafted BIGINT, error TEXT)"""
            ],
        ),
    ]


def _prompt(row: dict, language: str) -> str:
    lines = [f"Post by @{row['author_handle'] or 'someone'}:", row["_text"][:1500]]
    if row["reasons"]:
        lines.append("Why it is worth answering: " + "; ".join(row["reasons"]))
    return "\n".join(lines) + f"\nWrite the replies in language code '{language}'."


@seenby.hookimpl
def seenby_refresh(ctx: seenby.RefreshContext) -> None:
    config = settings()
    if config is None:
        return
    url, model, timeout, limit, budget = config
    recent = ctx.query(
        f"""SELECT * FROM posts_latest p WHERE last_seen_at >= ? AND NOT is_own
            AND NOT EXISTS (SELECT 1 FROM {DRAFTS} d WHERE d.platform = p.platform
                            AND d.post_id = p.post_id AND d.model = ?)""",
        [ctx.now - RECENT, model],
    )
    ranked = [rank(ctx, group, ctx.now) for _, group in recent.group_by("platform") if group.height]
    if not ranked:
        return
    best = pl.concat(ranked, how="diagonal_relaxed").sort("score", descending=True).head(limit)
    started = time.monotonic()
    drafted, error = [], None
    for row in best.iter_rows(named=True):
        if time.monotonic() - started > budget:
            error = f"stopped after the {budget:g} s budget"
            break
        language = detect(row["_text"], row["lang"]) or "en"
        try:
            content = chat(
                url, model, SYSTEM.format(n=3, language=language), _prompt(row, language), timeout
            )
        except LLMError as exc:
            error = str(exc)
            break  # an absent or slow endpoint will not do better for the next post
        texts = split_drafts(content, DRAFTS_PER_POST)
        if texts:
            drafted.append(
                {
                    "platform": row["platform"],
                    "post_id": row["post_id"],
                    "model": model,
                    "drafts": json.dumps(texts, ensure_ascii=False),
                    "created_at": ctx.now,
                }
            )
    if drafted:
        ctx.upsert(DRAFTS, pl.DataFrame(drafted), ["platform", "post_id", "model"])
    run = {"run_at": [ctx.now], "model": [model], "url": [url], "requested": [best.height]}
    run |= {"drafted": [len(drafted)], "error": [error]}
    ctx.upsert(RUNS, pl.DataFrame(run, schema_overrides={"error": pl.String}), ["run_at"])
    if ctx.query(f"SELECT count(*) AS n FROM {RUNS}")["n"][0] > KEPT_RUNS:
        newest = ctx.query(f"SELECT * FROM {RUNS} ORDER BY run_at DESC LIMIT {KEPT_RUNS}")
        ctx.replace_table(RUNS, newest)


def _load_drafts(ctx: seenby.Context) -> pl.DataFrame:
    if not has_table(ctx, DRAFTS):  # this plugin's tables were not applied
        schema = {"platform": pl.String, "post_id": pl.String, "model": pl.String}
        return pl.DataFrame(schema=schema | {"drafts": pl.String})
    return ctx.query(f"SELECT platform, post_id, model, drafts FROM {DRAFTS}")


_DRAFTS = TableMemo((DRAFTS,), _load_drafts)
"""Every cached draft (a few per refresh), read again only after a refresh adds some."""


def cached(ctx: seenby.Context, platform: str, post_ids: list[str]) -> dict[str, list[str]]:
    """Cached model drafts for these posts, when a model is configured (else nothing)."""
    config = settings()
    if config is None or not post_ids:
        return {}
    found = _DRAFTS.get(ctx).filter(
        (pl.col("platform") == platform)
        & (pl.col("model") == config[1])
        & pl.col("post_id").is_in(post_ids)
    )
    return {r["post_id"]: json.loads(r["drafts"]) for r in found.iter_rows(named=True)}
