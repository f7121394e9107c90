"""Default reply drafts: built from the post's own words, in its language, each ending in a
question so that it invites an answer. No model, no download."""

from __future__ import annotations

import re

import msgspec

import seenby
from seenby_plugins.replies.phrases import figure, key_phrase, named_things

QUOTES = {"en": "“{}”", "es": "«{}»", "pt": "“{}”", "fr": "« {} »", "de": "„{}“"}

TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "ask": "What's your own answer to {phrase}, and what made you ask now?",
        "tried": "Before I answer {phrase}: what have you already tried, and what ruled it out?",
        "figure": "On the {figure}: how did you measure it, and what surprised you most?",
        "lead": "{phrase} — what led you there, and what would you tell someone starting out?",
        "wrong": "What's the part of {phrase} that most people get wrong?",
        "angle": "I posted about {topic} recently: {snippet}. "
        "How does that compare with your experience of {phrase}?",
        "entity": "I'd like to compare notes on {entity}: where does it fit in {phrase} for you?",
        "history": "Since your post {history} I've been curious: how does {phrase} connect to it?",
    },
    "es": {
        "ask": "¿Cuál es tu propia respuesta a {phrase}, y por qué lo preguntas ahora?",
        "tried": "Antes de responder a {phrase}: ¿qué has probado ya y qué descartaste?",
        "figure": "Sobre el {figure}: ¿cómo lo mediste y qué te sorprendió más?",
        "lead": "{phrase}: ¿qué te llevó a eso y qué le dirías a quien empieza?",
        "wrong": "¿Qué parte de {phrase} suele entender mal la mayoría?",
        "angle": "Hace poco publiqué sobre {topic}: {snippet}. "
        "¿Cómo se compara con tu experiencia de {phrase}?",
        "entity": "Me gustaría comparar notas sobre {entity}: ¿dónde encaja en {phrase} para ti?",
        "history": "Desde tu publicación {history} me pregunto: ¿qué relación tiene con {phrase}?",
    },
    "pt": {
        "ask": "Qual é a sua própria resposta para {phrase}, e por que perguntar agora?",
        "tried": "Antes de responder a {phrase}: o que você já tentou e o que descartou?",
        "figure": "Sobre o {figure}: como você mediu isso e o que mais surpreendeu?",
        "lead": "{phrase}: o que levou você a isso e o que diria a quem está começando?",
        "wrong": "Qual parte de {phrase} a maioria das pessoas entende errado?",
        "angle": "Publiquei sobre {topic} há pouco: {snippet}. "
        "Como isso se compara com a sua experiência de {phrase}?",
        "entity": "Queria comparar notas sobre {entity}: onde isso entra em {phrase} para você?",
        "history": "Desde o seu post {history} fiquei curioso: como {phrase} se liga a ele?",
    },
    "fr": {
        "ask": "Quelle est votre propre réponse à {phrase}, et pourquoi la poser maintenant ?",
        "tried": "Avant de répondre à {phrase} : qu'avez-vous déjà essayé, et écarté ?",
        "figure": "Sur les {figure} : comment l'avez-vous mesuré, et qu'est-ce qui a surpris ?",
        "lead": "{phrase} : qu'est-ce qui vous y a mené, et que diriez-vous à un débutant ?",
        "wrong": "Quelle partie de {phrase} la plupart des gens comprennent-ils mal ?",
        "angle": "J'ai publié récemment sur {topic} : {snippet}. "
        "Comment cela se compare-t-il à votre expérience de {phrase} ?",
        "entity": "Comparons nos notes sur {entity} : quelle place a-t-il dans {phrase} ?",
        "history": "Depuis votre message {history}, je me demande : quel lien avec {phrase} ?",
    },
    "de": {
        "ask": "Was ist deine eigene Antwort auf {phrase}, und warum fragst du gerade jetzt?",
        "tried": "Bevor ich auf {phrase} antworte: Was hast du schon versucht, und was fiel weg?",
        "figure": "Zu den {figure}: Wie hast du das gemessen, und was hat dich überrascht?",
        "lead": "{phrase}: Wie kam es dazu, und was würdest du Einsteigern raten?",
        "wrong": "Welchen Teil von {phrase} verstehen die meisten falsch?",
        "angle": "Ich habe neulich über {topic} gepostet: {snippet}. "
        "Wie passt das zu deiner Erfahrung mit {phrase}?",
        "entity": "Lass uns Notizen zu {entity} vergleichen: Wo passt es für dich in {phrase}?",
        "history": "Seit deinem Post {history} frage ich mich: Wie hängt {phrase} damit zusammen?",
    },
}

HELP_WANTED = re.compile(
    r"(?i)looking for|recommend|suggest|anyone (?:know|tried)|how do (?:i|you)|help"
    r"|alguien sabe|alguém sabe|quelqu'un|kennt jemand|busco|procuro|cherche|suche"
)

REASONS = {
    "ask": "a question back: they asked “{raw}”; asking for their own answer keeps it going",
    "tried": "a question back: they asked “{raw}”, and asking what they tried starts a thread",
    "figure": "a question back about their figure {figure}: specifics invite a specific answer",
    "lead": "a question back about their key point “{raw}”",
    "wrong": "invites discussion of their key point “{raw}” rather than agreement",
    "angle": "brings in your own angle: you posted about {topic} (“{snippet_raw}”)",
    "entity": "picks up {entity}, named in their post, to compare experience",
    "history": "refers to your shared history: you engaged with their post “{history_raw}”",
}


class Context(msgspec.Struct, kw_only=True):
    """What is known about one post when drafting for it."""

    text: str
    language: str
    is_question: bool = False
    topic: str | None = None
    snippet: str | None = None
    """The user's own earlier post about ``topic``."""
    history: str | None = None
    """Their earlier post the user liked or answered."""


def _short(text: str) -> str:
    return key_phrase(text)


def drafts(post: Context, limit: int = 3) -> list[seenby.ReplyDraft]:
    """Two or three drafts for ``post``, best first, each with its reason."""
    lang = post.language if post.language in TEMPLATES else "en"
    quote = QUOTES[lang].format
    raw = key_phrase(post.text)
    fields = {"raw": raw, "phrase": quote(raw)}
    order: list[str] = ["lead"]
    if post.is_question:
        order = ["tried", "ask"] if HELP_WANTED.search(post.text) else ["ask"]
    fig = figure(post.text)
    if fig and not post.is_question:
        order.append("figure")
        fields["figure"] = fig
    if post.history and len(_short(post.history).split()) >= 3:
        order.append("history")
        fields["history_raw"] = _short(post.history)
        fields["history"] = quote(fields["history_raw"])
    if post.topic and post.snippet:
        order.append("angle")
        fields.update(topic=post.topic, snippet_raw=_short(post.snippet))
        fields["snippet"] = quote(fields["snippet_raw"])
    things = [t for t in named_things(post.text) if t.lower() not in raw.lower()]
    if things:
        order.append("entity")
        fields["entity"] = things[0]
    if not post.is_question:
        order.append("wrong")
    result = []
    for kind in dict.fromkeys(order):
        text = TEMPLATES[lang][kind].format(**fields)
        result.append(
            seenby.ReplyDraft(text=_capitalise(text), reason=REASONS[kind].format(**fields))
        )
    return result[:limit]


def _capitalise(text: str) -> str:
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
    return text
