"""The core's replies and forms as Block Kit: within Slack's limits, split or shortened
meaningfully, and escaped so that no text can become a mention or a disguised link."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from adapters.slack.blocks import core_action_id, messages
from adapters.slack.inbound import plain
from adapters.slack.modals import checked_form, modal, submitted
from coachbot.conversation.vocabulary import (
    Button,
    Buttons,
    Context,
    FieldKind,
    Fields,
    Form,
    FormField,
    Menu,
    Option,
    Reply,
    Text,
)

HOSTILE = (
    "<!channel> <!here> <!everyone> <@U0DEE0001> <!subteam^S0TEACH|@teachers> "
    "<#C0GENERAL|general> <https://evil.example/steal|https://district.example/login> "
    "&lt;!channel&gt; invoice\u202egnp.exe \u2066hidden\u2069"
)
LIVE = ("<!", "<@", "<#", "<http", "<mailto", "\u202e", "\u2066", "\u2069")


def all_text(payloads: list[dict[str, object]]) -> str:
    return repr(payloads)


def test_hostile_text_renders_inert() -> None:
    sent = messages(Reply((Text(HOSTILE), Fields((("Reflection", HOSTILE),)),
                           Context(HOSTILE)), summary=HOSTILE))
    rendered = all_text(sent)
    assert not any(live in rendered for live in LIVE)
    # The words are all still there for the reader, only inert.
    assert "&lt;!channel&gt;" in rendered
    assert "https://evil.example/steal|https://district.example/login" in rendered


def test_slack_encoded_text_reaches_the_core_as_plain_words() -> None:
    said = plain(HOSTILE)
    assert "<" not in said.replace("<!channel>", "")  # the decoded &lt; stays text
    assert "@channel @here @everyone @U0DEE0001 @teachers #general" in said
    # A disguised link becomes its real target: the label cannot hide where it goes.
    assert "https://evil.example/steal" in said
    assert "https://district.example/login" not in said
    # Decoded text sent back out is escaped again.
    assert not any(live in all_text(messages(Reply((Text(said),)))) for live in LIVE)


def test_forty_kilobytes_split_into_valid_messages_in_order() -> None:
    words = " ".join(f"word{i}" for i in range(8000))  # about 70 KB, one line
    long = "\n".join([words[:20_000], words[20_000:40_000]])
    sent = messages(Reply((Text(long),), summary="long"))
    blocks = [b for m in sent for b in m["blocks"]]  # type: ignore[union-attr]
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks)
    assert all(len(m["blocks"]) <= 50 for m in sent)  # type: ignore[arg-type]
    rebuilt = " ".join(b["text"]["text"] for b in blocks).replace("\n", " ").split()
    assert rebuilt == long.replace("\n", " ").split()  # nothing lost, nothing reordered
    for block in blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]


def test_more_than_fifty_blocks_go_out_as_several_messages() -> None:
    reply = Reply(tuple(Text(f"line {i}") for i in range(120)))
    sent = messages(reply)
    assert [len(m["blocks"]) for m in sent] == [50, 50, 20]  # type: ignore[arg-type]


def test_buttons_fit_labels_and_get_unique_action_ids() -> None:
    long_label = "Choose this wonderful credential about questioning for discourse now please"
    buttons = tuple(Button(long_label + str(i), "choose", f"C-{i}") for i in range(30))
    sent = messages(Reply((Buttons(buttons),)))
    elements = [e for m in sent for b in m["blocks"] for e in b["elements"]]  # type: ignore
    assert len(elements) == 30
    assert all(len(e["text"]["text"]) <= 75 and e["text"]["text"].endswith("…")
               for e in elements)
    ids = [e["action_id"] for e in elements]
    assert len(set(ids)) == 30
    assert {core_action_id(i) for i in ids} == {"choose"}
    assert [e["value"] for e in elements] == [f"C-{i}" for i in range(30)]


def test_menus_become_overflow_or_select() -> None:
    few = Menu("More", "snooze", (Option("A week", "7"), Option("Two weeks", "14")))
    many = Menu("Pick a credential", "show",
                tuple(Option(f"C-{i}", f"C-{i}") for i in range(12)))
    sent = messages(Reply((few, many)))
    kinds = [b["elements"][0]["type"] for b in sent[0]["blocks"]]  # type: ignore[index]
    assert kinds == ["overflow", "static_select"]


def review_form(title: str, criteria: int) -> Form:
    levels = tuple(Option(name, name) for name in ("Not yet", "Developing", "Proficient"))
    fields = [FormField(f"score:Criterion {i}", f"Criterion {i}", FieldKind.CHOICE,
                        options=levels, hint="What the criterion looks for")
              for i in range(criteria)]
    fields += [
        FormField("feedback", "Feedback", FieldKind.LONG_TEXT, required=False),
        FormField("due", "Deadline", FieldKind.DATE, initial="2026-12-04"),
        FormField("when", "Typed date", FieldKind.DATE, initial="next friday"),
        FormField("zone", "Time zone", FieldKind.CHOICE, initial="Zone 3",
                  options=tuple(Option(f"Zone {i}", f"Zone {i}") for i in range(30))),
        FormField("video", "Video link", FieldKind.URL, required=False),
        FormField("plan", "Lesson plan", FieldKind.FILE, required=False),
        FormField("hours", "Hours", FieldKind.NUMBER, min_value=1, max_value=40),
    ]
    return Form("review", title, tuple(fields), "Send my review to the teacher", "r12.v3")


def test_a_form_is_a_valid_modal_with_fitting_titles_and_kinds() -> None:
    view = modal(review_form("Review of Anastasia Featherstonehaugh-Smith", 3))
    View(**view).validate_json()
    assert len(view["title"]["text"]) <= 24
    assert view["title"]["text"].endswith("…")
    kinds = {b["block_id"]: b["element"]["type"] for b in view["blocks"]}
    assert kinds["score:Criterion 0"] == "radio_buttons"
    assert kinds["zone"] == "static_select"
    assert kinds["due"] == "datepicker"
    assert kinds["video"] == "url_text_input"
    assert kinds["plan"] == "file_input"
    assert kinds["hours"] == "number_input"
    by_id = {b["block_id"]: b for b in view["blocks"]}
    assert by_id["plan"]["element"]["max_files"] == 1
    assert (by_id["hours"]["element"]["min_value"], by_id["hours"]["element"]["max_value"]) == (
        "1", "40")
    by_id = {b["block_id"]: b for b in view["blocks"]}
    assert by_id["due"]["element"]["initial_date"] == "2026-12-04"
    assert "initial_date" not in by_id["when"]["element"]  # not a date: left for the person
    assert by_id["zone"]["element"]["initial_option"]["value"] == "Zone 3"
    assert by_id["feedback"]["optional"] is True


def test_a_submitted_modal_gives_back_the_values_and_what_it_was_for() -> None:
    view = modal(review_form("Review", 1))
    view["state"] = {"values": {
        "score:Criterion 0": {"value": {"type": "radio_buttons",
                                        "selected_option": {"value": "Proficient"}}},
        "due": {"value": {"type": "datepicker", "selected_date": "2026-12-11"}},
        "feedback": {"value": {"type": "plain_text_input", "value": None}},
    }}
    assert submitted(view) == ("review", "r12.v3", {
        "score:Criterion 0": "Proficient", "due": "2026-12-11", "feedback": ""})


def test_a_form_too_big_to_carry_its_limits_still_opens() -> None:
    """Without room for the limits in private_metadata, the checks after the ack still run."""
    fields = tuple(FormField(f"part {i} " + "x" * 200, f"Part {i}", FieldKind.LONG_TEXT,
                             max_words=400) for i in range(40))
    view = modal(Form("hand_in", "Hand in", fields, "Hand in", "12"))
    View(**view).validate_json()
    assert len(view["private_metadata"]) <= 3000
    assert checked_form(view) is None
    assert checked_form(modal(review_form("Review", 1))) is not None
