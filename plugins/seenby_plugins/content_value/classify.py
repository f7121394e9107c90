"""Rules that put a post in one of the eight categories, vectorised over a polars frame.

Every rule is a named cue with a weight for one category; a post's category is
the one with the highest total, and the cues that fired are kept so the user
sees why. Word lists cover English plus cheap equivalents in Spanish,
Portuguese, French, German and Polish.
"""

from __future__ import annotations

import polars as pl

from seenby_plugins.content_value.categories import CATEGORIES

VERSION = 1
"""Bump whenever a rule, weight or word list changes: the next refresh then reclassifies
every post (stored rows carry the version that classified them)."""

URL = r"https?://|\bt\.co/|www\."
QUESTION_ASK = (
    r"(?i)^ask hn\b|what(?:'s| is| are)? your\b|what do you\b|\bdo you (?:use|know|think)\b"
    r"|\banyone (?:know|recommend|tried|else)\b|recommendations? welcome|suggestions? welcome"
    r"|\bwhat(?:'s| is) one\b|\byou'd\b|\bwould you\b|\bhave you (?:ever|tried)\b"
    r"|\bany (?:tips|ideas|recommendations|advice)\b|looking for (?:a|an|some)\b"
    r"|how do (?:you|people)\b|which (?:one|do you)\b|\bwhat would you\b"
    r"|¿|alguém (?:sabe|recomenda)|quelqu'un (?:sait|conna)|kennt jemand|czy ktoś"
)
GREETING = (
    r"(?i)^\W*(?:good (?:morning|night|evening|afternoon)|gm|gn|hello|hullo|hi|hey|morning"
    r"|toot|test|testing|nice|bwooh|yo|bom dia|boa noite|buenos d[ií]as|buenas noches|hola"
    r"|bonjour|bonsoir|salut|guten (?:morgen|tag|abend)|hallo|dzień dobry|cześć)\b"
)
PROMO = (
    r"(?i)\b(?:launch(?:es|ed|ing)?|announcing|introducing|now (?:available|live|open)"
    r"|(?:are|is) (?:now )?live|try (?:it|us|\w+ )?(?:free|now|out)|free trial|\d+-day trial"
    r"|start (?:a|your) (?:free )?\w*\s?trial|sign up|apply (?:here|now|today)|are open until"
    r"|applications? (?:for|are)|we(?:'re| are) hiring|is hiring|join us|get started"
    r"|learn more|check (?:it )?out|out now|pre-?order|tickets|discount|subscribe"
    r"|open an account|first \w+ (?:is )?on us|tonight at|opens at|watch how"
    r"|nowość|nuevo|nueva|novidade|nouveau|nouvelle|jetzt (?:neu|verfügbar))"
)
WE = r"(?i)\b(?:we|our|we're|we've|us|nasz[aey]?|nosso|nossa|nuestro|nuestra|notre|unser\w*)\b"
MADE_IT = (
    r"(?i)\bi (?:built|made|wrote|created|shipped|launched)\b|\bmy (?:new|latest)\b|^show hn\b"
)
OPINION = (
    r"(?i)hot take|unpopular opinion|counterpoint|\bimo\b|\bimho\b|\bi think\b|in my opinion"
    r"|\bshould(?:n't)?\b|overrated|underrated|\bthe best\b|\bbest [\w-]+ (?:i|on)\b|\bworst\b"
    r"|terrible|awful|ridiculous|bullshit|\bhonestly\b|wonderful|\bi hate\b|\bsucks\b"
    r"|\bwreck|annoying|everyone skips|are vibes|\bis wrong\b|na minha opinião|creo que"
    r"|je pense|ich finde|moim zdaniem"
)
ME_NOW = (
    r"(?i)^(?:just|finally|finished|currently|tonight i|today i|reading|watching|heading|off to)"
    r"\b|\bi'?m (?:at|in|on|off|reading|watching|working|going|so|tired|heading|back)\b"
    r"|\battempt #|no filter|\bfinally\b|\bjust (?:got|finished|arrived|woke)|\bprinting this\b"
    r"|\bmy (?:morning|day|weekend|cat|dog|coffee|kid|daughter|son)\b|this little (?:girl|boy)"
)
NEWSY = (
    r"(?i)\b(?:announced|report|study|research|released|schedules?|update[ds]?|how to"
    r"|guide|thread|lessons|tips|deprecat\w+|postmortem|still in use|in use|history of"
    r"|one year in|cut \w+ (?:spend|time)|from \d+ ?\w* to \d+)\b"
)
NUMBERED = r"(?m)(?:^|\s)[1-3][.)] \S"
FIRST_PERSON = r"(?i)\b(?:i|i'm|i've|my|me)\b"


def _cues() -> list[tuple[str, str, float, pl.Expr]]:
    """(category, cue shown to the user, weight, boolean expression)."""
    body = pl.col("_body")
    words = pl.col("_words")
    reply_to_other = pl.col("reply_to_id").is_not_null() & (
        pl.col("parent_author_id").is_null() | (pl.col("parent_author_id") != pl.col("author_id"))
    )
    has_url = body.str.contains(URL)
    link_post = pl.col("kind") == "link"
    ends_q = body.str.strip_chars().str.contains(r"\?\W*$")
    promoted = pl.col("promoted").fill_null(False)
    return [
        ("conversation", "replies to someone else", 6.0, reply_to_other),
        ("conversation", "starts with an @-mention", 5.0, body.str.contains(r"^\s*@\w")),
        (
            "presence_maintenance",
            "greeting or test",
            2.5,
            body.str.contains(GREETING) & (words <= 4),
        ),
        (
            "presence_maintenance",
            "one or two words, no content",
            2.5,
            (words <= 2) & ~has_url & ~link_post,
        ),
        ("question_to_followers", "ends with a question mark", 2.5, ends_q & ~link_post),
        (
            "question_to_followers",
            "asks readers for something",
            3.0,
            body.str.contains(QUESTION_ASK),
        ),
        ("information_sharing", "a link post", 3.0, link_post),
        ("information_sharing", "contains a link", 1.5, has_url),
        ("information_sharing", "a repost of someone's post", 2.0, pl.col("kind") == "repost"),
        ("information_sharing", "news or facts wording", 1.5, body.str.contains(NEWSY)),
        ("information_sharing", "a numbered list", 1.5, body.str.contains(NUMBERED)),
        (
            "information_sharing",
            "figures",
            0.75,
            body.str.contains(r"\d[\d,.]*\s?(?:%|km|minutes|words|years?|lines)"),
        ),
        ("self_promotion", "an ad", 5.0, promoted),
        ("self_promotion", "a call to action or launch", 2.5, body.str.contains(PROMO)),
        ("self_promotion", "“we/our” voice", 1.0, body.str.contains(WE)),
        ("self_promotion", "presents the author's own work", 3.0, body.str.contains(MADE_IT)),
        ("opinion_complaint", "opinion or judgement words", 3.0, body.str.contains(OPINION)),
        ("me_now", "what the author is doing now", 3.0, body.str.contains(ME_NOW)),
        ("me_now", "first person", 0.5, body.str.contains(FIRST_PERSON)),
        ("random_thought", "a plain statement", 1.25, (words >= 2) & ~has_url),
        (
            "random_thought",
            "short, no link",
            0.75,
            (words <= 12) & (words >= 3) & ~has_url & ~link_post,
        ),
    ]


def classify(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per post with text: ``category``, ``confidence`` (0-1), ``runner_up`` and ``cues``.

    ``frame`` needs ``platform``, ``post_id``, ``author_id``, ``kind``, ``text``,
    ``title``, ``reply_to_id``, ``parent_author_id`` and ``promoted``.
    """
    keys = list(CATEGORIES)
    body = pl.concat_str(
        [pl.col("title").fill_null(""), pl.col("text").fill_null("")], separator="\n\n"
    ).str.strip_chars()
    prepared = frame.with_columns(_body=body).filter(
        (pl.col("_body") != "")
        & (pl.col("_body") != "[deleted]")
        & (pl.col("_body") != "[removed]")
    )
    prepared = prepared.with_columns(_words=pl.col("_body").str.count_matches(r"\S+"))
    cues = _cues()
    hits = prepared.select(
        "platform",
        "post_id",
        *[expr.fill_null(False).alias(f"_cue{i}") for i, (*_, expr) in enumerate(cues)],
    )
    scores = [
        pl.sum_horizontal(
            [
                pl.col(f"_cue{i}").cast(pl.Float64) * w
                for i, (c, _, w, _) in enumerate(cues)
                if c == key
            ]
        ).alias(key)
        for key in keys
    ]
    scored = hits.with_columns(scores)
    # The order of (score, key) pairs sorted descending: the highest total first, ties to
    # the greater key. Written as row-wise max and first-match chains (a per-row sort of
    # eight structs costs seconds at a million posts).
    by_key = sorted(keys, reverse=True)
    top = pl.max_horizontal([pl.col(k) for k in keys])
    category = pl.coalesce([pl.when(pl.col(k) == pl.col("top")).then(pl.lit(k)) for k in by_key])
    others = [pl.when(pl.col("category") != k).then(pl.col(k)) for k in keys]
    runner_up = pl.coalesce(
        [
            pl.when((pl.col("category") != k) & (pl.col(k) == pl.col("second"))).then(pl.lit(k))
            for k in by_key
        ]
    )
    scored = (
        scored.with_columns(top=top)
        .with_columns(category=category)
        .with_columns(second=pl.max_horizontal(others))
        .with_columns(runner_up=runner_up)
    )
    fired = pl.concat_list(
        [
            pl.when(pl.col(f"_cue{i}") & (pl.col("category") == c)).then(pl.lit(name))
            for i, (c, name, _, _) in enumerate(cues)
        ]
    ).list.drop_nulls()
    return scored.select(
        "platform",
        "post_id",
        "category",
        # Share of the two leading totals won by the first: 0.5 is a tie, 1.0 no contest.
        confidence=(pl.col("top") / (pl.col("top") + pl.col("second")).clip(lower_bound=1e-9))
        .clip(0.0, 1.0)
        .round(2),
        runner_up="runner_up",
        cues=fired.list.join(", "),
    )
