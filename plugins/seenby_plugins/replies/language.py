"""Cheap language detection and the words that carry no topic, per supported language."""

from __future__ import annotations

import re

SUPPORTED = ("en", "es", "pt", "fr", "de")
"""Languages with reply templates."""

_WORDS = {
    "en": (
        "the a an and or but of to in on at for with from by is are was were be been it its "
        "this that these those i you he she we they my your our their me us them what which "
        "who how why when where do does did not no so if as just than then there here have has "
        "had will would can could should about into over more most very all any some one out up "
        "new now get got also like even only after before after being while because"
    ),
    "es": (
        "el la los las un una y o pero de del en con por para es son fue ser que qué como cómo "
        "no sí mi tu su nuestro yo tú él ella nosotros ellos esto esta este muy más al lo le se "
        "ya hay porque cuando donde pues también"
    ),
    "pt": (
        "o a os as um uma e ou mas de do da dos das em no na com por para é são foi ser que "
        "como não sim meu minha seu sua nosso nossa eu você ele ela nós eles isto esta este muito "
        "mais ao lo se já há porque quando onde também"
    ),
    "fr": (
        "le la les un une et ou mais de du des en dans sur avec par pour est sont était être que "
        "qui comme ne pas oui mon ma mes ton ta son sa notre nous vous ils elles je tu il elle "
        "ce cette ces très plus au aux se déjà il y parce quand où aussi"
    ),
    "de": (
        "der die das ein eine und oder aber von zu in im auf an mit für ist sind war sein dass "
        "wie nicht ja mein dein sein unser ich du er sie wir ihr es dies diese dieser sehr mehr "
        "am zum zur sich schon weil wenn wo auch noch nur"
    ),
    "pl": (
        "i w z na do się nie to że jest są był być jak co ale dla od po o ze mój moja nasz nasza "
        "ja ty on ona my wy oni ten ta te bardzo więcej już gdy gdzie też tylko"
    ),
}
STOPWORDS: dict[str, frozenset[str]] = {lang: frozenset(w.split()) for lang, w in _WORDS.items()}
_COMMON = (
    "without within really much make made want need know think going last next every other "
    "something thing things people year years week weeks today back time times first still "
    "good great well here much many never always maybe actually another around because "
    "being doing done says said going gonna could would should which while those these "
    "there their them they what when where your yours just like even only after before "
    "again ever nothing anything everything someone anyone everyone same different "
    "long short real small little high best better post posts thread line lines part parts "
    "kind sure okay welcome service services event events tonight tomorrow yesterday"
)
COMMON = frozenset(_COMMON.split())
"""Frequent words that are too general to count as a shared topic."""
ALL_STOPWORDS = frozenset().union(*STOPWORDS.values(), COMMON)

_MARKS = {
    "es": re.compile(r"[¿¡ñ]|ción\b"),
    "pt": re.compile(r"[ãõ]|ção\b|ções\b"),
    "fr": re.compile(r"[èêœ]|\b(?:qu|c|j|l|d)'|\beaux?\b"),
    "de": re.compile(r"[äöüß]"),
    "pl": re.compile(r"[ąęłśźżćń]"),
}
"""Letters and endings that mark one language (each hit counts two words)."""
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")


def detect(text: str, site_lang: str | None = None) -> str | None:
    """The language of ``text``: the site's own tag when given, else by script and by the
    share of each language's most common words; ``None`` when it cannot tell."""
    if site_lang:
        return site_lang.split("-")[0].lower()
    if _CJK.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    if _HAN.search(text):
        return "zh"
    if _CYRILLIC.search(text):
        return "ru"
    if _ARABIC.search(text):
        return "ar"
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 3:
        return None
    lowered = text.lower()
    counts = {
        lang: sum(w in stop for w in words)
        + (2 * len(_MARKS[lang].findall(lowered)) if lang in _MARKS else 0)
        for lang, stop in STOPWORDS.items()
    }
    best = max(counts, key=lambda lang: counts[lang])
    ranked = sorted(counts.values(), reverse=True)
    if ranked[0] == 0 or ranked[0] == ranked[1]:
        return None
    return best
