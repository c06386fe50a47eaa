"""Practice confirmed with no quiz answers says so, on the learner's and the manager's page."""

import re

from lxml import html

from tests.conftest import sign_in
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    CODE,
    ask,
    decide,
    people,
    the_request,
    user_id,
)


def row_of(page: str) -> dict[str, str]:
    """Return the competency CODE's row of a profile page: each column's words."""
    tree = html.fromstring(page)
    for table in tree.xpath("//table[contains(@class, 'lw-profile')]"):
        heads = [" ".join(th.text_content().split()) for th in table.xpath("./thead//th")]
        for tr in table.xpath("./tbody/tr"):
            cells = [" ".join(td.text_content().split()) for td in tr.xpath("./td")]
            if cells[0].startswith(CODE + " "):
                return dict(zip(heads, cells, strict=True))
    raise AssertionError(f"no row for {CODE}")


def test_confirmed_practice_beside_no_quiz_answers_says_what_it_rests_on(
    app,
    people,  # noqa: F811
    make_user,
):
    learner, sue, _ = people
    assert ask(learner, app).status_code == 302
    assert decide(sue, the_request(app), outcome="confirmed").status_code == 302
    own = row_of(learner.get("/my/competencies").text)
    assert own["Practice"] == "Confirmed"
    assert own["Quiz answers"] == (
        "No quiz answers yet. The supervisor confirmed your practice on what they saw of it,"
        " not on quiz answers."
    )
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    manager = app.test_client()
    sign_in(manager, "manager@example.org")
    theirs = row_of(manager.get(f"/manage/learners/{user_id(app, 'learner@example.org')}").text)
    # The manager's cell also names who confirmed it, when and until when.
    assert re.fullmatch(
        r"Confirmed Confirmed by Sue Supervisor on \d+ \w+ \d{4}, valid until \d+ \w+ \d{4}\.",
        theirs["Practice"],
    )
    assert theirs["Quiz answers"] == (
        "No quiz answers yet. The supervisor confirmed Lee Learner’s practice on what they saw"
        " of it, not on quiz answers."
    )
