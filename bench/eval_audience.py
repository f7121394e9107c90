"""The audience model's held-out accuracy on a seeded synthetic data set.

Generates posts with the documented truth process of ``bench/synthetic.py`` (X shows
views on every post, LinkedIn on the user's own), hides the views fold by fold, and
prints per platform the median absolute log10 error and the 80%-interval coverage of
the model beside the two folk baselines (followers × 0.35, likes × 4).
Targets: better than both baselines, coverage 70–90%.

    .venv/bin/python bench/eval_audience.py [--posts 20000] [--seed 1] [--folds 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from seenby_plugins.audience import evaluate, model
from synthetic import generate


def posts_with_views(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The same columns `seenby eval audience` reads from posts_latest."""
    posts = frames["posts"].join(
        frames["accounts"].select(
            "platform", pl.col("account_id").alias("author_id"), author_followers="followers"
        ),
        on=["platform", "author_id"],
        how="left",
    )
    latest = frames["post_metrics_latest"]
    return (
        posts.join(latest, on=["platform", "post_id"])
        .filter(pl.col("views") > 0)
        .with_columns(
            quotes=pl.lit(None, pl.Int64),
            score=pl.lit(None, pl.Int64),
            reactions=pl.lit(None, pl.Int64),
        )
        .select(model.FEATURE_COLUMNS)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    frame = posts_with_views(generate(args.posts, args.seed))
    for by_platform in (False, True):
        summary = evaluate.summarize(
            evaluate.held_out(model.features(frame), args.folds, by_platform)
        )
        print(evaluate.format_report(summary, args.folds, by_platform))
        print()
    overall = evaluate.summarize(evaluate.held_out(model.features(frame), args.folds)).row(
        -1, named=True
    )
    better = overall["model_mdae"] < min(overall["followers_x0.35_mdae"], overall["likes_x4_mdae"])
    covered = 0.70 <= overall["coverage80"] <= 0.90
    print(
        f"{args.posts} posts generated, {frame.height} with views; "
        f"{time.perf_counter() - started:.1f} s. "
        f"Better than both baselines: {'yes' if better else 'NO'}; "
        f"coverage {overall['coverage80']:.0%} within 70–90%: {'yes' if covered else 'NO'}."
    )


if __name__ == "__main__":
    main()
