"""Small talk: "hi", "thanks!", "ok", "bye" recognised wherever a person may type it.

The home answers it in a few words; a form's question (the time zone at onboarding) takes it
as what it is, a greeting, and asks its question again, never reading "hi" as an answer.
"""

from __future__ import annotations

import re

# What people say that is not a request: answered kindly, in a word or two. Keys are the
# words as typed, lower case, joined by "_".
SMALL_TALK = {
    "hi": "hello", "hello": "hello", "hey": "hello", "hiya": "hello", "howdy": "hello",
    "good_morning": "hello", "good_afternoon": "hello", "good_evening": "hello",
    "thanks": "thanks", "thank_you": "thanks", "thx": "thanks", "ty": "thanks",
    "thanks_a_lot": "thanks", "cheers": "thanks",
    "great": "ok", "ok": "ok", "okay": "ok", "k": "ok", "cool": "ok", "got_it": "ok",
    "sounds_good": "ok", "perfect": "ok", "nice": "ok", "great_thanks": "thanks",
    "ok_thanks": "thanks", "okay_thanks": "thanks", "bye": "bye", "goodbye": "bye",
    "see_you": "bye", "see_ya": "bye", "later": "bye", "good_night": "bye",
}  # fmt: skip
_NOT_WORDS = re.compile(r"[^a-z ]+")
_TO_BOT = {"coachbot", "bot", "there", "again", "everyone", "so", "much", "very"}


def small_talk_kind(text: str) -> str | None:
    """ "hello", "thanks", "ok" or "bye" when ``text`` is only that; None otherwise."""
    words = "_".join(w for w in _NOT_WORDS.sub(" ", text.lower()).split() if w not in _TO_BOT)
    return SMALL_TALK.get(words) if words else None
