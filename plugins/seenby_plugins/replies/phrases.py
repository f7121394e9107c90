"""What a draft quotes: a post's key phrase, its named things, its figures; topic words."""

from __future__ import annotations

import re

import polars as pl

from seenby_plugins.replies.language import ALL_STOPWORDS

_URL = re.compile(r"https?://\S+|\bt\.co/\S+|www\.\S+")
_LEAD_MENTIONS = re.compile(r"^(?:\s*@[\w.@-]+)+\s*")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_CLAUSE = re.compile(r"\s*(?:[:;|]|\u2014|\u2013|\s-\s|,\s)\s*")
_WORD = re.compile(r"[^\W_][\w'\u2019-]*", re.UNICODE)
_FIGURE = re.compile(r"(?<![\w.])(?:\$\s?)?\d[\d,.]*\s?(?:%|k\b|km\b|ms\b|x\b|minutes\b|hours\b)")
TOPIC_WORD = r"[^\W\d_]{4,}"
MAX_WORDS = 10
MAX_QUESTION_WORDS = 14
_JOINTS = "and but so because which that while y pero e mas et mais und aber"
JOINTS = frozenset(_JOINTS.split())


def clean(text: str) -> str:
    text = _URL.sub("", text)
    text = _LEAD_MENTIONS.sub("", text).replace("\u00bf", "").replace("\u00a1", "")
    return re.sub(r"[ \t]+", " ", text).strip()


def _content_words(part: str) -> int:
    return sum(
        w.lower() not in ALL_STOPWORDS and sum(c.isalpha() for c in w) >= 3
        for w in _WORD.findall(part)
    )


def key_phrase(text: str) -> str:
    """The part of the post a reply should quote: its question if it asks one, else the
    richest clause of its first sentences, cut to about nine words."""
    sentences = [s.strip() for s in _SENTENCE.split(clean(text)) if len(s.split()) >= 2]
    if not sentences:
        return clean(text).rstrip(".!?…").strip()
    questions = [s for s in sentences if s.rstrip().endswith("?")]
    rich = [s for s in sentences if _content_words(s) >= 3]
    chosen = questions[0] if questions else (rich or sentences)[0]
    clauses = [c for c in _CLAUSE.split(chosen) if len(c.split()) >= 2] or [chosen]
    if questions:  # the asking clause: "Ask HN: How do you …?" asks in its last clause
        clauses = [c for c in clauses if _content_words(c) >= 2][-1:] or clauses
    rich_clauses = [c for c in clauses if _content_words(c) >= 2]
    clause = (rich_clauses or [max(clauses, key=_content_words)])[0]
    words = clause.split()
    limit = MAX_QUESTION_WORDS if questions else MAX_WORDS
    if len(words) > limit:
        words = words[:limit]
        joints = [i for i, w in enumerate(words) if i >= 4 and w.lower() in JOINTS]
        if joints:  # end at a conjunction rather than mid-clause
            words = words[: joints[-1]]
        while words and words[-1].lower().strip(",.;:") in ALL_STOPWORDS:
            words.pop()
        return " ".join(words).rstrip(",.;:!?") + "…"
    return " ".join(words).rstrip(",.;:!?…")


def figure(text: str) -> str | None:
    """The first figure with a unit (38%, 6 minutes, $40k) in the post, if any."""
    match = _FIGURE.search(clean(text))
    return match.group(0).strip() if match else None


def named_things(text: str) -> list[str]:
    """Capitalised words that do not start a sentence (products, places, people), in order."""
    found: list[str] = []
    for sentence in _SENTENCE.split(clean(text)):
        words = _WORD.findall(sentence)
        for word in words[1:]:
            if (
                word[0].isupper()
                and len(word) >= 3
                and word.lower() not in ALL_STOPWORDS
                and word not in found
            ):
                found.append(word)
    return found


def topic_words(frame: pl.DataFrame, text: str = "_text") -> pl.DataFrame:
    """(platform, post_id, term): each post's topic words, lower case, stopwords removed."""
    return (
        frame.select(
            "platform",
            "post_id",
            term=pl.col(text).fill_null("").str.to_lowercase().str.extract_all(TOPIC_WORD),
        )
        .explode("term")
        .drop_nulls("term")
        .filter(~pl.col("term").is_in(list(ALL_STOPWORDS)))
        .unique()
    )
