"""After a knowledge check, the page says its verdict once: "Not correct", then the feedback
that explains, never "Not correct" and then "Not quite."."""

import re

import pytest
from lxml import html

from app.content import catalogue
from tests.web.journeys import done_before, user_id
from tests.web.test_knowledge_checks import PART, answer

# What a trainer's right or wrong feedback may open with that only says the verdict again.
SAID_AGAIN = re.compile(
    r"^(?:Correct|Right|Yes|Not quite|Not this time|Not correct|Incorrect|Wrong|No)[.!]"
)


def every_check(app):
    with app.app_context():
        return [(m, s) for m in catalogue().modules for s in m.screens if s.knowledge_check]


def feedback_of(fragment: str) -> tuple[list[str], list[str]]:
    """Return the verdicts and the explanations the feedback shows, in their words."""
    block = html.fromstring(fragment).xpath("//*[@data-check-feedback]")[0]
    return (
        _words(block.xpath('.//*[contains(@class, "lw-verdict")]')),
        _words(block.xpath('.//*[contains(@class, "lw-review__feedback")]')),
    )


def _words(nodes) -> list[str]:
    return [" ".join(node.text_content().split()) for node in nodes]


@pytest.mark.parametrize("right", [False, True])
def test_every_knowledge_check_says_its_verdict_once(app, signed_in, right):
    learner = user_id(app, "learner@example.org")
    for module, screen in every_check(app):
        done_before(app, learner, module, screen)
        response = answer(signed_in, module, screen, right=right, headers=PART)
        assert response.status_code == 200, (module.slug, screen.slug)
        verdicts, explanations = feedback_of(response.text)
        assert verdicts == ["Correct" if right else "Not correct"], (screen.slug, verdicts)
        said_again = [text for text in explanations if SAID_AGAIN.match(text)]
        assert said_again == [], (screen.slug, said_again)


def test_the_explanation_keeps_what_follows_the_opening(app, signed_in):
    module, screen = every_check(app)[0]
    question = screen.knowledge_check.questions[0]
    assert question.feedback.incorrect.startswith("Not quite. ")  # as the reviewer found it
    done_before(app, user_id(app, "learner@example.org"), module, screen)
    _, explanations = feedback_of(answer(signed_in, module, screen, right=False, headers=PART).text)
    rest = " ".join(question.feedback.incorrect.removeprefix("Not quite. ").split())
    assert explanations[0] == rest


def test_a_wrong_answer_reads_verdict_then_the_note_on_the_option_then_the_explanation(
    app, signed_in
):
    module, screen = next(
        (m, s) for m, s in every_check(app) if s.slug == "shaped-around-the-person"
    )
    question = screen.knowledge_check.questions[0]
    done_before(app, user_id(app, "learner@example.org"), module, screen)
    fragment = answer(signed_in, module, screen, right=False, headers=PART).text
    block = html.fromstring(fragment).xpath("//*[@data-check-feedback]")[0]
    said = " ".join(block.text_content().split())
    [(chosen, note)] = question.chosen_feedback(["a"])
    chosen, note = " ".join(chosen.split()), " ".join(note.split())
    general = " ".join(question.feedback.general.split())
    # The option is named once, with its note under it: not again under "You chose".
    assert said.count(chosen) == 1 and "You chose" not in said
    assert said.count(note) == 1 and said.count(general) == 1
    places = [said.index(text) for text in ("Not correct", chosen, note, general)]
    assert places == sorted(places), places
    assert block.xpath(
        './/*[contains(@class, "lw-review__answer")]//*[contains(@class, "lw-review__choice")]'
    )


def test_a_checks_feedback_names_no_competency_as_a_check_is_not_evidence(app, signed_in):
    learner = user_id(app, "learner@example.org")
    module, screen = every_check(app)[0]
    assert screen.knowledge_check.questions[0].competencies  # mapped, yet not named
    done_before(app, learner, module, screen)
    shown = answer(signed_in, module, screen, right=True, headers=PART)
    assert shown.status_code == 200 and "Correct" in shown.text
    assert "Competencies:" not in shown.text
    # Without JavaScript: the screen again, with the answer recorded.
    again = answer(signed_in, module, screen, right=True)
    page = signed_in.get(again.location).text
    assert "data-check-feedback" in page and "Competencies:" not in page
