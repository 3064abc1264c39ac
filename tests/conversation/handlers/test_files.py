"""What a teacher and a reviewer read about handed-in files: plain words, sizes people read."""

from __future__ import annotations

import re

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from tests.helpers import ANA, FAY, planned, under_review


async def test_files_before_anything_is_handed_in_says_so_in_words(district: Services) -> None:
    await planned(district, ANA)
    answer = await LocalDriver(district).as_(ANA).command("files")
    assert "haven't handed anything in for *Questioning for Discourse* yet" in answer
    assert "couldn't find" not in answer
    assert not re.search(r'"\d+"', answer)  # never the record's inner numbers


async def test_the_review_view_reads_its_file_size_and_rubric_plainly(district: Services) -> None:
    await under_review(district, ANA, FAY)
    fay = LocalDriver(district).as_(FAY)
    await fay.command("queue")
    view = await fay.press("open_review")
    assert re.search(r"plan\.pdf \(\d+ bytes\)", view), view
    assert "0.0 KB" not in view
    assert "*Rubric*\n- *Question design*" in view


async def test_files_with_a_number_says_it_takes_a_code_and_how_to_open_a_review(
    district: Services,
) -> None:
    """A trial: "files 44" (a review's number, as "review 45" takes) read "I couldn't find
    that credential among anyone's work"."""
    await planned(district, ANA)
    answer = await LocalDriver(district).as_(ANA).command("files", "44")
    assert "44 isn't a credential's code: *files* opens what you handed in yourself" in answer
    assert "say *files CODE*, or just *files* for your latest" in answer
    assert 'If 44 is a review\'s number, its files are in the review: say "review 44".' in answer
    assert "among anyone's work" not in answer
    assert "couldn't find" not in answer
