"""Estimated audience: how many people saw a post, with an 80% interval and its basis.

Where the site shows views (X for every post, some sites for your own posts) they are
the audience. Elsewhere a log-linear model of followers, feedback and age, fitted in
``seenby_refresh`` on the posts you have seen with views and shrunk toward research
priors (Bernstein et al., "Quantifying the Invisible Audience", CHI 2013), gives an
estimate; ``seenby_annotate`` only applies the stored coefficients, and so does the
dashboard panel of the user's recent posts.
"""

from __future__ import annotations

from typing import Any

import polars as pl

import seenby
from seenby_plugins.audience import model, present
from seenby_plugins.audience.panels import recent_posts
from seenby_plugins.audience.priors import KNOWN_GROUPS, group_of
from seenby_plugins.memo import TableMemo

TABLE = "audience_model"

_COLUMNS = ", ".join(model.FEATURE_COLUMNS)


@seenby.hookimpl
def seenby_tables() -> list[seenby.TableSpec]:
    return [
        seenby.TableSpec(
            name=TABLE,
            migrations=[
                f"""CREATE TABLE {TABLE} (
                    grp VARCHAR PRIMARY KEY,
                    a DOUBLE, b DOUBLE, c DOUBLE, d DOUBLE,
                    cov DOUBLE[],
                    sigma DOUBLE,
                    n BIGINT,
                    n_total BIGINT,
                    fitted_at TIMESTAMPTZ
                )"""
            ],
        )
    ]


def load_calibration(ctx: seenby.Context) -> pl.DataFrame:
    """Posts with views, featured: the calibration data."""
    return model.features(ctx.query(f"SELECT {_COLUMNS} FROM posts_latest WHERE views > 0"))


def present_groups(ctx: seenby.Context) -> list[str]:
    seen = ctx.query(
        "SELECT DISTINCT platform, author_followers IS NOT NULL AS known FROM posts_latest"
    )
    return [group_of(p, k) for p, k in seen.iter_rows()]


@seenby.hookimpl
def seenby_refresh(ctx: seenby.RefreshContext) -> None:
    fitted = model.fit(model.stats(load_calibration(ctx)), [*KNOWN_GROUPS, *present_groups(ctx)])
    ctx.replace_table(TABLE, fitted.with_columns(fitted_at=pl.lit(ctx.now)))


_MODEL = TableMemo(
    (TABLE,),
    lambda ctx: ctx.query(f"SELECT {', '.join(model.MODEL_SCHEMA)} FROM {TABLE}").cast(
        model.MODEL_SCHEMA
    ),
)
"""The fitted model, read again only after a refresh has written it."""


@seenby.hookimpl
def seenby_annotate(ctx: seenby.Context, posts: pl.DataFrame) -> list[seenby.Annotation]:
    predicted = model.predict(model.features(posts), _MODEL.get(ctx))
    columns = ["post_id", "grp", "views", "author_followers", "is_own", "est", "lo", "hi", "sd"]
    rows: list[dict[str, Any]] = predicted.select([*columns, "n", "n_total"]).to_dicts()
    return [present.annotation(row) for row in rows]


@seenby.hookimpl
def seenby_dashboard_panels(ctx: seenby.Context) -> list[seenby.Panel]:
    return [recent_posts(ctx, _MODEL.get(ctx))]


@seenby.hookimpl
def seenby_register_commands(cli: Any) -> None:
    from seenby_plugins.audience.evaluate import register

    register(cli)
