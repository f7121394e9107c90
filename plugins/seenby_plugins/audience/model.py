"""The audience model: features, a Bayesian log-linear fit from sufficient statistics,
and vectorised predictions with 80% intervals.

``log10(audience) = a_group + b·lf + c_group·lfb + d·la + ε``, ``ε ~ N(0, σ²)``, where
``lf = log10(followers+1)``, ``lfb = log10(feedback+1)``,
``la = log10(min(age_h, 168)+1) − log10(25)``.
Groups are platforms, split by whether the author's follower count is known. The
coefficients have normal priors from the research (:mod:`.priors`); posts with views
(any platform) update them. The fit only needs per-group sums of ``x·xᵀ``, ``x·y`` and
``y²`` — aggregated by polars — and a solve of a (groups + 4)-sized system.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import polars as pl

from seenby_plugins.audience import linalg
from seenby_plugins.audience.priors import (
    NO_FOLLOWERS,
    RESIDUAL_SD,
    RESIDUAL_WEIGHT,
    SLOPES,
    level_prior,
)

Z80 = 1.2815515655446004
"""Standard normal quantile of 0.9: ±Z80·sd is a central 80% interval."""
FEATURES = ("one", "lf", "lfb", "la")
PAIRS = [(i, j) for i in range(4) for j in range(i, 4)]
DAY = math.log10(25.0)
MAX_AGE_H = 168.0
"""Ages are capped at a week: a post's audience accrues over its first days."""

FEATURE_COLUMNS = [
    "platform",
    "post_id",
    "author_followers",
    "likes",
    "replies",
    "reposts",
    "quotes",
    "score",
    "reactions",
    "views",
    "created_at",
    "observed_at",
]


def feedback_expr() -> pl.Expr:
    """Feedback: the larger of likes/reactions/score, plus replies, reposts and quotes."""
    first = pl.max_horizontal(
        pl.col("likes"), pl.col("reactions"), pl.col("score").clip(lower_bound=0)
    )
    parts = [first, pl.col("replies"), pl.col("reposts"), pl.col("quotes")]
    return pl.sum_horizontal([p.fill_null(0) for p in parts]).cast(pl.Float64)


def features(posts: pl.DataFrame) -> pl.DataFrame:
    """Add ``grp``, ``lf``, ``lfb``, ``la``, ``feedback``, ``y`` (log10 views, if shown)."""
    age_h = (pl.col("observed_at") - pl.col("created_at")).dt.total_seconds() / 3600.0
    known = pl.col("author_followers").is_not_null()
    return posts.with_columns(
        followers_known=known,
        grp=pl.when(known).then(pl.col("platform")).otherwise(pl.col("platform") + NO_FOLLOWERS),
        lf=(pl.col("author_followers").clip(lower_bound=0).cast(pl.Float64) + 1).log10(),
        feedback=feedback_expr(),
        la=(age_h.clip(0.05, MAX_AGE_H).fill_null(24.0) + 1).log10() - DAY,
        y=pl.when(pl.col("views") > 0).then(pl.col("views").cast(pl.Float64).log10()),
    ).with_columns(
        lf=pl.col("lf").fill_null(0.0),
        lfb=(pl.col("feedback") + 1).log10(),
        one=pl.lit(1.0),
    )


def stats(feats: pl.DataFrame, by: Sequence[str] = ("grp",)) -> pl.DataFrame:
    """Sufficient statistics of the posts with views, per group (and fold)."""
    rows = feats.filter(pl.col("y").is_not_null())
    aggs = [pl.len().alias("n"), (pl.col("y") ** 2).sum().alias("yy")]
    aggs += [(pl.col(FEATURES[i]) * pl.col(FEATURES[j])).sum().alias(f"s{i}{j}") for i, j in PAIRS]
    aggs += [(pl.col(FEATURES[i]) * pl.col("y")).sum().alias(f"xy{i}") for i in range(4)]
    return rows.group_by(list(by)).agg(aggs)


def _slope_index(group: str) -> int:
    return 2 if group.endswith(NO_FOLLOWERS) else 1


def fit(group_stats: pl.DataFrame, groups: Sequence[str], iterations: int = 3) -> pl.DataFrame:
    """Posterior of the coefficients given per-group statistics (possibly none).

    Returns one row per group with ``a``, ``b``, ``c``, ``d``, the 4×4 posterior
    covariance of those (``cov``, row-major), the residual ``sigma``, ``n`` (posts
    with views in that group) and ``n_total`` (in all groups).
    """
    groups = sorted(set(groups) | set(group_stats["grp"].to_list() if group_stats.height else []))
    g = len(groups)
    index = {name: k for k, name in enumerate(groups)}
    p = g + 4  # group levels, then b, c (with followers), c (feedback alone), d
    slots = {name: [index[name], g, g + _slope_index(name), g + 3] for name in groups}
    mean0 = [level_prior(name).mean for name in groups] + [
        SLOPES.followers[0],
        SLOPES.feedback_with_followers[0],
        SLOPES.feedback_alone[0],
        SLOPES.age[0],
    ]
    sds = [level_prior(name).sd for name in groups] + [
        SLOPES.followers[1],
        SLOPES.feedback_with_followers[1],
        SLOPES.feedback_alone[1],
        SLOPES.age[1],
    ]
    precision0 = [1.0 / (s * s) for s in sds]
    local: dict[str, tuple[list[list[float]], list[float], float, int]] = {}
    for row in group_stats.iter_rows(named=True):
        s_local = [[0.0] * 4 for _ in range(4)]
        for i, j in PAIRS:
            s_local[i][j] = s_local[j][i] = row[f"s{i}{j}"]
        xy_local = [row[f"xy{i}"] for i in range(4)]
        local[row["grp"]] = (s_local, xy_local, row["yy"], int(row["n"]))
    n_by_group = {name: local[name][3] if name in local else 0 for name in groups}
    # Each group has its own residual spread (platforms differ): the prior's where
    # there is no data, moving to the group's own residuals as posts with views arrive.
    sigma2 = dict.fromkeys(groups, RESIDUAL_SD**2)
    mean: list[float] = mean0
    cov: list[list[float]] = []
    for _ in range(iterations if local else 1):
        a = [[(precision0[i] if i == j else 0.0) for j in range(p)] for i in range(p)]
        rhs = [precision0[i] * mean0[i] for i in range(p)]
        for name, (s_local, xy_local, _, _) in local.items():
            slot, w = slots[name], 1.0 / sigma2[name]
            for i in range(4):
                rhs[slot[i]] += xy_local[i] * w
                for j in range(4):
                    a[slot[i]][slot[j]] += s_local[i][j] * w
        cov = linalg.inverse(a)
        mean = linalg.matvec(cov, rhs)
        for name, (s_local, xy_local, yy, n) in local.items():
            beta = [mean[k] for k in slots[name]]
            ssr = (
                yy - 2 * linalg.dot(beta, xy_local) + linalg.dot(beta, linalg.matvec(s_local, beta))
            )
            prior_ss = RESIDUAL_WEIGHT * RESIDUAL_SD**2
            sigma2[name] = (prior_ss + max(ssr, 0.0)) / (RESIDUAL_WEIGHT + n)
    n = sum(n_by_group.values())
    rows: list[dict[str, Any]] = []
    for name in groups:
        slot = slots[name]
        rows.append(
            {
                "grp": name,
                "a": mean[slot[0]],
                "b": mean[slot[1]] if not name.endswith(NO_FOLLOWERS) else 0.0,
                "c": mean[slot[2]],
                "d": mean[slot[3]],
                "cov": [cov[slot[i]][slot[j]] for i in range(4) for j in range(4)],
                "sigma": math.sqrt(sigma2[name]),
                "n": n_by_group[name],
                "n_total": n,
            }
        )
    return pl.DataFrame(rows, schema=MODEL_SCHEMA)


MODEL_SCHEMA = pl.Schema(
    {
        "grp": pl.String(),
        "a": pl.Float64(),
        "b": pl.Float64(),
        "c": pl.Float64(),
        "d": pl.Float64(),
        "cov": pl.List(pl.Float64),
        "sigma": pl.Float64(),
        "n": pl.Int64(),
        "n_total": pl.Int64(),
    }
)


def predict(feats: pl.DataFrame, model: pl.DataFrame) -> pl.DataFrame:
    """Add ``mu``, ``sd`` (log10) and ``est``, ``lo``, ``hi`` (people) to featured posts.

    Groups missing from ``model`` get research-prior-only coefficients.
    """
    missing = set(feats["grp"].unique().to_list()) - set(model["grp"].to_list())
    if missing:
        model = pl.concat([model, fit(pl.DataFrame(), sorted(missing))])
    joined = feats.join(model, on="grp", how="left")
    x = [pl.lit(1.0), pl.col("lf"), pl.col("lfb"), pl.col("la")]
    quad = pl.sum_horizontal(
        [x[i] * x[j] * pl.col("cov").list.get(4 * i + j) for i in range(4) for j in range(4)]
    )
    mu = pl.col("a") + pl.col("b") * x[1] + pl.col("c") * x[2] + pl.col("d") * x[3]
    sd = (pl.col("sigma") ** 2 + quad).sqrt()
    return joined.with_columns(mu=mu, sd=sd).with_columns(
        est=10 ** pl.col("mu"),
        lo=10 ** (pl.col("mu") - Z80 * pl.col("sd")),
        hi=10 ** (pl.col("mu") + Z80 * pl.col("sd")),
    )
