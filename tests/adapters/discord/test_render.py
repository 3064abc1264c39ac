"""What Discord shows of the core's replies and what the core hears of Discord's text."""

from __future__ import annotations

from adapters.discord.inbound import plain
from adapters.discord.render import CONTENT_CHARS, inert, markdown, messages
from coachbot.conversation.vocabulary import Button, Buttons, Reply, Style, Text


def test_mentions_masked_links_and_bidi_are_inert() -> None:
    shown = inert("@everyone @here <@&1> <@123> <#7> [x](https://a.example) \u202eabc")
    assert "@everyone" not in shown and "@here" not in shown
    assert "<@&" not in shown and "<@1" not in shown and "<#" not in shown
    assert "\\[x\\](https://a.example)" in shown
    assert "\u202e" not in shown


def test_the_cores_markup_as_discord_markdown() -> None:
    assert markdown("*Saved*\n- one") == "**Saved**\n• one"


def test_a_long_reply_is_several_messages_with_the_buttons_under_the_last() -> None:
    reply = Reply((Text("line of words\n" * 400), Buttons((Button("Go", "choose", "C-1",
                                                                  Style.PRIMARY),))))
    sent = messages(reply)
    assert len(sent) > 1
    assert all(len(m.content) <= CONTENT_CHARS for m in sent)
    assert [bool(m.items) for m in sent] == [False] * (len(sent) - 1) + [True]
    assert sent[-1].items[0].custom_id == "cb|1|choose|C-1"  # type: ignore[attr-defined]


def test_plain_reads_links_as_their_real_address_and_mentions_as_words() -> None:
    assert plain("see [my video](https://v.example/1) <https://v.example/2> <@42> <#7>") == (
        "see https://v.example/1 https://v.example/2 @42 #7")
