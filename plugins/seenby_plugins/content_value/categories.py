"""The eight categories of André, Bernstein & Luther (CSCW 2012) and what their readers said.

Figures are the ones in ``research/papers.md`` §2 with their source tags: [P] the
paper, [A] the authors' slides or blog post, [S] a secondary report. Where the
per-category share was not recoverable we say so instead of inventing one.
"""

from __future__ import annotations

from typing import Literal

import msgspec

Tone = Literal["neutral", "info", "good", "warn"]

STUDY = (
    "André, Bernstein & Luther, “Who Gives a Tweet? Evaluating Microblog Content Value”, "
    "CSCW 2012: 1,443 followers rated 43,738 tweets; overall 36% worth reading, "
    "39% neutral, 25% not worth reading [paper abstract]"
)


class Category(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    label: str
    definition: str
    readers: str
    """How readers rated the category, with the source tag."""
    tone: Tone
    tip: str
    """Advice for the user's own posts of this category (from the authors' recommendations)."""


CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in [
        Category(
            key="information_sharing",
            label="Information sharing",
            definition="links, news or facts shared for others",
            readers="among the most valued categories [paper]; the exact worth-reading share "
            "was not recoverable from the available copies",
            tone="good",
            tip="Add your own angle: a bare link is “lame” and old news is no news [S].",
        ),
        Category(
            key="self_promotion",
            label="Self-promotion",
            definition="the author's own work, product, event or offer",
            readers="among the most liked when it points at content the author made [S]; "
            "the exact share was not recoverable",
            tone="neutral",
            tip="Lead with what the reader gets, not with how good it is [S].",
        ),
        Category(
            key="opinion_complaint",
            label="Opinion / complaint",
            definition="opinions, hot takes, complaints",
            readers="disliked unless it adds useful information [S]; the exact share "
            "was not recoverable",
            tone="neutral",
            tip="Back the opinion with a fact or example; readers penalise whining [S].",
        ),
        Category(
            key="random_thought",
            label="Random thought",
            definition="statements and musings, often funny",
            readers="valued above me-oriented and presence updates [paper]; the exact "
            "share was not recoverable",
            tone="good",
            tip="Keep it short and clear, not cryptic [S].",
        ),
        Category(
            key="me_now",
            label="Me now",
            definition="what the author is doing, feeling or where they are",
            readers="27% worth reading, 25% not worth reading [authors' slides]",
            tone="neutral",
            tip="Readers rate “me now” below information; add context others can use [A].",
        ),
        Category(
            key="question_to_followers",
            label="Question to followers",
            definition="asks the readers something",
            readers="18% not worth reading, and 2.83 times as likely as presence maintenance to "
            "be rated worth reading [S, MarketingProfs]",
            tone="good",
            tip="Questions fare well; a hashtag on a question helps it travel [S].",
        ),
        Category(
            key="presence_maintenance",
            label="Presence maintenance",
            definition="content-less greetings (“gm”, “hello twitter”)",
            readers="20% worth reading, 45% not worth reading [authors' slides]",
            tone="warn",
            tip="The least liked category: say something with it [A].",
        ),
        Category(
            key="conversation",
            label="Conversation",
            definition="an @-reply exchange visible to others",
            readers="24% worth reading, 34% not worth reading [authors' slides]",
            tone="neutral",
            tip="Followers outside the exchange feel they are “listening in” [A].",
        ),
    ]
}
