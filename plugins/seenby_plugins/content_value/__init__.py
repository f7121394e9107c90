"""Content value: which of the eight categories of André, Bernstein & Luther (CSCW 2012) a
post falls in, and how the study's readers rated that category.

``seenby_refresh`` classifies posts into ``content_value_posts`` and the user's own mix
into ``content_value_mix``. It is incremental across runs and restarts: each stored row
keeps a hash of the post's features and the classifier version, and only posts without
a row, with changed features (text, title, kind, reply target …) or classified by
another version are classified again. ``seenby_annotate`` looks rows up by key,
classifying inline only the posts captured since the last refresh.
"""

from __future__ import annotations

import polars as pl

import seenby
from seenby_plugins.content_value.categories import CATEGORIES, STUDY
from seenby_plugins.content_value.classify import VERSION, classify
from seenby_plugins.memo import TableMemo

POSTS_TABLE = "content_value_posts"
MIX_TABLE = "content_value_mix"
_COLUMNS = "platform, post_id, category, confidence, runner_up, cues"
# The LIMIT keeps the platform filter out of the scan, so the post_id index is used.
_STORED = (
    f"SELECT {_COLUMNS} FROM (SELECT * FROM {POSTS_TABLE} WHERE post_id IN $1 "
    "LIMIT 1000000) WHERE platform = $2"
)

_FEATURES = """
SELECT p.platform, p.post_id, p.author_id, p.kind, p.text, p.title, p.reply_to_id,
       p.promoted, parent.author_id AS parent_author_id,
       hash(p.author_id, p.kind, p.text, p.title, p.reply_to_id, p.promoted,
            parent.author_id) AS features_hash
FROM posts p
LEFT JOIN (
    SELECT platform, post_id, author_id FROM posts
    WHERE post_id IN (SELECT reply_to_id FROM posts WHERE reply_to_id IS NOT NULL)
) parent ON parent.platform = p.platform AND parent.post_id = p.reply_to_id
"""
"""Everything :func:`classify` reads, per post, and a hash of it. The parents are narrowed
to posts someone replied to before the join: joining every post with every post held a
hash table of all of them (~0.3 GiB at a million posts)."""

_HAS_BODY = """(coalesce(f.text, '') <> '' OR coalesce(f.title, '') <> '')
    AND NOT (coalesce(f.title, '') = '' AND f.text IN ('[deleted]', '[removed]'))"""
"""Posts :func:`classify` would certainly skip are not fetched (a cheap superset test)."""

_STALE = f"""
WITH f AS ({_FEATURES})
SELECT f.*, c.post_id IS NOT NULL AS _stored
FROM f FULL JOIN {POSTS_TABLE} c ON c.platform = f.platform AND c.post_id = f.post_id
WHERE (c.post_id IS NULL AND {_HAS_BODY})
   OR f.post_id IS NULL
   OR c.version IS DISTINCT FROM ?
   OR c.features_hash IS DISTINCT FROM f.features_hash
"""
"""Posts to classify again: no row yet, changed features, another classifier version; and
rows whose post is gone (``post_id`` NULL)."""


@seenby.hookimpl
def seenby_tables() -> list[seenby.TableSpec]:
    return [
        seenby.TableSpec(
            name=POSTS_TABLE,
            migrations=[
                f"""CREATE TABLE {POSTS_TABLE} (
                    platform TEXT NOT NULL, post_id TEXT NOT NULL, category TEXT NOT NULL,
                    confidence DOUBLE NOT NULL, runner_up TEXT, cues TEXT,
                    PRIMARY KEY (platform, post_id))""",
                f"""ALTER TABLE {POSTS_TABLE} ADD COLUMN features_hash UBIGINT;
                ALTER TABLE {POSTS_TABLE} ADD COLUMN version INTEGER;
                CREATE INDEX {POSTS_TABLE}_post_id ON {POSTS_TABLE} (post_id);""",
            ],
        ),
        seenby.TableSpec(
            name=MIX_TABLE,
            migrations=[
                f"""CREATE TABLE {MIX_TABLE} (
                    platform TEXT NOT NULL, category TEXT NOT NULL, posts BIGINT NOT NULL,
                    share DOUBLE NOT NULL, PRIMARY KEY (platform, category))"""
            ],
        ),
    ]


CHUNK = 100_000
"""Posts classified at a time: the rules' intermediate columns (a flag per cue, a total per
category) for a million posts at once would take ~0.3 GiB."""


def _rows(features: pl.DataFrame) -> pl.DataFrame:
    """Classified rows, with the features' hash and the classifier version."""
    keys = ["platform", "post_id"]
    parts = [
        classify(chunk).join(chunk.select(*keys, "features_hash"), on=keys)
        for chunk in (features.iter_slices(CHUNK) if features.height else [features])
    ]
    return pl.concat(parts).with_columns(version=pl.lit(VERSION, pl.Int32))


@seenby.hookimpl
def seenby_refresh(ctx: seenby.RefreshContext) -> None:
    stale = ctx.query(_STALE, [VERSION])
    empty = ctx.query(f"SELECT count(*) AS n FROM {POSTS_TABLE}")["n"][0] == 0
    if stale.height:
        posts = stale.filter(pl.col("post_id").is_not_null())
        rows = _rows(posts)
        # A stored row whose post is gone or no longer classifiable (its text deleted)
        # must go, and an upsert cannot delete: then everything is classified again.
        gone = (
            stale.height > posts.height
            or (
                posts.filter(pl.col("_stored")).join(rows, on=["platform", "post_id"], how="anti")
            ).height
            > 0
        )
        if gone:
            every = ctx.query(f"SELECT * FROM ({_FEATURES}) f WHERE {_HAS_BODY}")
            ctx.replace_table(POSTS_TABLE, _rows(every))
        elif rows.height and empty:
            ctx.replace_table(POSTS_TABLE, rows)  # the first run: a plain insert
        elif rows.height:  # (posts with blank text are fetched, and classify skips them)
            ctx.upsert(POSTS_TABLE, rows, ["platform", "post_id"])
    mix = ctx.query(
        f"""SELECT platform, category, posts,
                   posts / sum(posts) OVER (PARTITION BY platform) AS share
            FROM (SELECT c.platform, c.category, count(*) AS posts
                  FROM {POSTS_TABLE} c
                  JOIN posts p ON p.platform = c.platform AND p.post_id = c.post_id
                  JOIN viewers v ON v.platform = p.platform AND v.account_id = p.author_id
                  GROUP BY c.platform, c.category)"""
    )
    ctx.replace_table(MIX_TABLE, mix)


def _classified(ctx: seenby.Context, posts: pl.DataFrame, prefetched: object) -> pl.DataFrame:
    platform = posts["platform"][0]
    stored = seenby.RowsById.of_posts(ctx, _STORED, posts, prefetched)
    missing = posts.filter(~pl.col("post_id").is_in(stored["post_id"].implode()))
    if missing.height == 0:
        return stored
    parents = missing["reply_to_id"].drop_nulls().to_list()
    authors = ctx.query(
        "SELECT post_id AS reply_to_id, author_id AS parent_author_id FROM (SELECT * FROM posts "
        "WHERE post_id IN $1 LIMIT 1000000) WHERE platform = $2",
        [parents or [""], platform],
    )
    features = missing.join(authors, on="reply_to_id", how="left")
    return pl.concat([stored, classify(features)], how="diagonal_relaxed")


def _mix_line(mix: pl.DataFrame) -> str | None:
    if mix.height == 0:
        return None
    parts = [
        f"{CATEGORIES[row['category']].label.lower()} {row['share']:.0%}"
        for row in mix.sort(["share", "category"], descending=[True, False]).iter_rows(named=True)
        if row["category"] in CATEGORIES
    ]
    total = int(mix["posts"].sum())
    return f"Your {total} captured posts here: " + ", ".join(parts) + "."


_MIX = TableMemo((MIX_TABLE,), lambda ctx: ctx.query(f"SELECT * FROM {MIX_TABLE}"))
"""The user's own mix per platform, until the next refresh writes it."""


@seenby.hookimpl
def seenby_prefetch(ctx: seenby.Context, platform: str, post_ids: list[str]) -> seenby.RowsById:
    return seenby.RowsById.read(ctx, _STORED, platform, post_ids)


@seenby.hookimpl
def seenby_annotate(
    ctx: seenby.Context, posts: pl.DataFrame, prefetched: object
) -> list[seenby.Annotation]:
    if posts.height == 0:
        return []
    found = _classified(ctx, posts, prefetched)
    own = set(posts.filter(pl.col("is_own").fill_null(False))["post_id"].to_list())
    mix_line = None
    if own:
        mix_line = _mix_line(_MIX.get(ctx).filter(pl.col("platform") == posts["platform"][0]))
    annotations = []
    for row in found.iter_rows(named=True):
        category = CATEGORIES.get(row["category"])
        if category is None:
            continue
        cues = row["cues"] or "no specific cue (the default for plain statements)"
        runner = CATEGORIES.get(row["runner_up"] or "")
        basis = (
            f"Classified as {category.label.lower()} ({category.definition}) by transparent rules, "
            f"confidence {row['confidence']:.2f}"
            + (f" (next: {runner.label.lower()})" if runner else "")
            + f"; cues: {cues}."
        )
        readers = f"Readers in the study: {category.readers}. {STUDY}."
        items = [basis, readers]
        if row["post_id"] in own:
            items.append(f"Tip: {category.tip}")
            if mix_line:
                items.append(mix_line)
        annotations.append(
            seenby.Annotation(
                post_id=row["post_id"],
                badges=[
                    seenby.Badge(
                        text=category.label, title=f"{basis} {readers}", tone=category.tone
                    )
                ],
                sections=[seenby.Section(title="Content value", kind="list", items=items)],
            )
        )
    return annotations
