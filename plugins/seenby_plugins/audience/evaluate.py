"""``seenby eval audience``: how well the model predicts views it did not see.

The views of posts that have them are hidden fold by fold (k-fold by post, or one
platform at a time), the model is fitted on the rest and predicts the hidden ones.
Reported per platform: the median absolute log10 error, the share of true values
inside the 80% interval (should be near 80%), and two folk baselines from the
research on the same posts: followers × 0.35 ("a third of my friends saw it") and
likes × 4 ("number of people who liked it times 4").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from seenby_plugins.audience import model

QUERY = f"SELECT {', '.join(model.FEATURE_COLUMNS)} FROM posts_latest WHERE views > 0"


def held_out(feats: pl.DataFrame, folds: int = 5, by_platform: bool = False) -> pl.DataFrame:
    """Every post with views, predicted by a model that never saw its views."""
    rows = feats.filter(pl.col("y").is_not_null())
    fold = (
        pl.col("platform") if by_platform else (pl.col("post_id").hash(7) % folds).cast(pl.String)
    )
    rows = rows.with_columns(fold=fold)
    per_fold = model.stats(rows, by=("grp", "fold"))
    groups = rows["grp"].unique().to_list()
    parts = []
    for name in sorted(rows["fold"].unique().to_list()):
        train = per_fold.filter(pl.col("fold") != name).drop("fold").group_by("grp").sum()
        fitted = model.fit(train, groups)
        parts.append(model.predict(rows.filter(pl.col("fold") == name), fitted))
    return pl.concat(parts)


def summarize(predicted: pl.DataFrame) -> pl.DataFrame:
    """Per platform (and overall): error and coverage of the model and of the baselines."""
    y = pl.col("y")
    followers = pl.col("author_followers")
    frame = predicted.with_columns(
        err=(pl.col("mu") - y).abs(),
        covered=(pl.col("lo").log10() <= y) & (y <= pl.col("hi").log10()),
        err_followers=pl.when(followers > 0).then(
            ((followers.cast(pl.Float64) * 0.35).log10() - y).abs()
        ),
        err_likes=pl.when(pl.col("likes").is_not_null()).then(
            ((pl.col("likes").cast(pl.Float64) * 4).clip(lower_bound=1).log10() - y).abs()
        ),
    )
    aggs = [
        pl.len().alias("posts"),
        pl.col("err").median().alias("model_mdae"),
        pl.col("covered").mean().alias("coverage80"),
        pl.col("err_followers").median().alias("followers_x0.35_mdae"),
        pl.col("err_followers").count().alias("followers_n"),
        pl.col("err_likes").median().alias("likes_x4_mdae"),
        pl.col("err_likes").count().alias("likes_n"),
    ]
    per_platform = frame.group_by("platform").agg(aggs).sort("platform")
    overall = frame.select(aggs).with_columns(platform=pl.lit("all")).select(per_platform.columns)
    return pl.concat([per_platform, overall])


def format_report(summary: pl.DataFrame, folds: int, by_platform: bool) -> str:
    scheme = "leave-one-platform-out" if by_platform else f"{folds}-fold by post"
    lines = [
        f"Audience model, {scheme}: views hidden, predicted from followers, feedback and age.",
        "MdAE = median |log10(predicted / true)| (0.30 = off by a factor of 2).",
        f"{'platform':<12}{'posts':>7}{'model':>8}{'cover80':>9}"
        f"{'followers×0.35':>16}{'likes×4':>9}",
    ]
    for row in summary.iter_rows(named=True):

        def cell(value: Any, n: int) -> str:
            return "—" if value is None or not n else f"{value:.2f}"

        lines.append(
            f"{row['platform']:<12}{row['posts']:>7}{row['model_mdae']:>8.2f}"
            f"{row['coverage80'] * 100:>8.0f}%"
            f"{cell(row['followers_x0.35_mdae'], row['followers_n']):>16}"
            f"{cell(row['likes_x4_mdae'], row['likes_n']):>9}"
        )
    return "\n".join(lines)


def load(data_dir: Path | None) -> pl.DataFrame:
    """Posts with views from the data directory: via the running server, or the file."""
    from seenby_server.cli import paths_for, running_server
    from seenby_server.store import open_database

    paths = paths_for(data_dir)
    client = running_server(paths)
    if client is not None:
        result = client.call("POST", "/api/v1/sql", {"sql": QUERY, "max_rows": 1_000_000})
        names = [c["name"] if isinstance(c, dict) else c for c in result["columns"]]
        frame = pl.DataFrame(result["rows"], schema=names, orient="row", infer_schema_length=None)
        return frame.with_columns(
            pl.col("created_at", "observed_at").str.to_datetime(time_zone="UTC", strict=False)
        )
    if not paths.database.exists():
        raise FileNotFoundError(f"no database at {paths.database}")
    con = open_database(paths.database, read_only=True)
    try:
        result = pl.from_arrow(con.execute(QUERY).to_arrow_table())
    finally:
        con.close()
    assert isinstance(result, pl.DataFrame)
    return result


def register(cli: Any) -> None:
    import click

    group = cli.commands.get("eval")
    if group is None:

        @cli.group(name="eval")
        def eval_group() -> None:
            """Evaluate the analyses against your own data."""

        group = eval_group

    @group.command(name="audience")
    @click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
    @click.option("--folds", type=click.IntRange(2, 50), default=5, show_default=True)
    @click.option("--by-platform", is_flag=True, help="Hold out one platform at a time.")
    def audience(data_dir: Path | None, folds: int, by_platform: bool) -> None:
        """Hide the views of posts that have them and check the audience estimates."""
        try:
            frame = load(data_dir)
        except FileNotFoundError as exc:
            raise click.ClickException(str(exc)) from exc
        feats = model.features(frame)
        if feats.filter(pl.col("y").is_not_null()).height < folds:
            raise click.ClickException(
                f"only {feats.height} posts with views: too few to evaluate (need {folds})"
            )
        summary = summarize(held_out(feats, folds, by_platform))
        click.echo(format_report(summary, folds, by_platform))
