"""Forms across a click, and in pages, for any platform.

``keep``/``take``: the "open the form" fallback. When a form cannot open now (Slack opens a
modal only with a fresh trigger id, Discord only as the first answer to an interaction), the
adapter keeps it and shows a button carrying the token; the click takes it and opens it. Kept
in the database, so it works after a restart and on any replica.

``pages``/``page``/``answer``: a form longer than the platform shows at once (``per_page``
inputs: 5 for a Discord modal) is asked a page at a time; each page's answers are kept with the
form until the last page, which gives back every answer for one ``FormSubmission``.
"""

from __future__ import annotations

from dataclasses import dataclass

from coachbot.composition import Services
from coachbot.conversation.form_pages import form_from_json, form_pages, form_to_json, unasked
from coachbot.conversation.say import Say
from coachbot.conversation.vocabulary import Button, Buttons, Form, Reply, Style, Text
from coachbot.services.record.kept_forms import KeptFormStore

# The adapters' own action (never the registry's): its button's value is ``opening(token,
# page)``, read back by ``opened``. Short, so it fits Discord's 100-character custom ids.
OPEN_FORM = "open_form"
FAMILY = "forms.j2"


def opening(token: str, page: int = 1) -> str:
    return token if page <= 1 else f"{token}:{page}"


def opened(value: str) -> tuple[str, int]:
    """(token, page) from an ``OPEN_FORM`` button's value; page 1 when it names none."""
    token, _, page = value.partition(":")
    return token, int(page) if page.isdigit() and int(page) > 0 else 1


@dataclass(frozen=True)
class PageAnswered:
    """A page submitted: ``done`` with every answer, or the number of the page that is next."""

    form: Form  # the whole form
    done: bool
    values: dict[str, str]  # every answer so far (all of them when done)
    next_page: int  # 1-based; 0 when done
    pages: int


class KeptForms:
    def __init__(self, services: Services, platform: str, per_page: int) -> None:
        self.store = KeptFormStore(services.db, services.clock)
        self.platform, self.per_page = platform, per_page

    # -- the fallback button ----------------------------------------------------------------
    async def keep(self, form: Form, account_id: str) -> str:
        """Keep ``form`` for ``account_id``; the token goes in the button that opens it."""
        return await self.store.keep(self.platform, account_id, form_to_json(form))

    async def offer(self, say: Say, form: Form, account_id: str) -> Reply:
        """Keep ``form`` and say so, with the button (``OPEN_FORM``) that opens it."""
        token = await self.keep(form, account_id)
        button = Button(say.words(FAMILY, "open_form_button"), OPEN_FORM, opening(token),
                        Style.PRIMARY)
        return Reply((Text(say.words(FAMILY, "open_form", title=form.title)), Buttons((button,))),
                     summary=form.title)

    def next_page(self, say: Say, token: str, answered: PageAnswered) -> Reply:
        """After a page that is not the last: the button (``OPEN_FORM``) for the next one."""
        button = Button(
            say.words(FAMILY, "next_page_button", page=answered.next_page, pages=answered.pages),
            OPEN_FORM, opening(token, answered.next_page), Style.PRIMARY)
        return Reply((Text(say.words(FAMILY, "next_page", title=answered.form.title)),
                      Buttons((button,))), summary=answered.form.title)

    async def take(self, token: str, account_id: str) -> Form | None:
        """The kept form (once: a second click reads as a stale button), or None."""
        kept = await self.store.get(token, self.platform, account_id)
        if kept is None or not await self.store.drop(token):  # a double click opens it once
            return None
        return form_from_json(kept[0])

    # -- pages --------------------------------------------------------------------------------
    def pages(self, form: Form) -> tuple[Form, ...]:
        return form_pages(form, self.per_page)

    async def page(self, token: str, number: int, account_id: str) -> Form | None:
        """Page ``number`` (1-based) of a kept form, or None (unknown, someone else's, past the
        end)."""
        kept = await self.store.get(token, self.platform, account_id)
        if kept is None:
            return None
        pages = self.pages(form_from_json(kept[0]))
        return pages[number - 1] if 1 <= number <= len(pages) else None

    async def answer(self, token: str, number: int, values: dict[str, str],
                     account_id: str) -> PageAnswered | None:
        """Keep page ``number``'s answers; on the last page, every answer (the kept form is
        dropped). None when the form is gone."""
        kept = await self.store.get(token, self.platform, account_id)
        if kept is None:
            return None
        form = form_from_json(kept[0])
        pages = self.pages(form)
        answers = {**{str(k): str(v) for k, v in kept[1].items()}, **values}
        if number >= len(pages):
            if not await self.store.drop(token):  # the last page sent twice: one submission
                return None
            return PageAnswered(form, True, {**unasked(form), **answers}, 0, len(pages))
        await self.store.answer(token, answers)
        return PageAnswered(form, False, answers, number + 1, len(pages))
