"""Quiz Markdown on the pages that show it: valid HTML, ids unique, links that lead somewhere.

A quiz (and a knowledge check) written by the test, in a copy of the course, whose
questions and feedback each carry a footnote and a list, and link to a screen with
`screen:<slug>`: the attempt form, the result page, the knowledge check asked and answered,
the trainer's bank, preview and preview result, and the module's SCORM package.
"""

import re
from collections import Counter

import pytest
from sqlalchemy import select

from app import db
from app.models import Attempt
from tests.conftest import post_form, sign_in
from tests.web import course_files
from tests.web.quiz_helpers import answer_fields, attempt_form
from tests.web.test_learn import reach, screen_url
from tests.web.test_quiz import finish_screens

QUESTIONS = """
ID: md-q1
Competencies: {code}
Outcomes: 1
1.  Mrs K, 78, lives alone. She tells her GP about:[^1]

    - money worries
    - a cold flat

    Where should her link worker start? [This screen](screen:{screen}) may help.

    [^1]: An invented survey of link workers, 2023.
... Start with what matters to her.[^1]

    [^1]: An invented guide, 2024.
a)  Book her a benefits check at once
... Too soon: ask first.[^1]

    [^1]: An invented study, 2022.
*b) Ask her what matters most, as [the screen](screen:{screen}) says

ID: md-q2
Competencies: {code}
Outcomes: 1
2.  Which of these can a link worker connect a person with?[^1]

    [^1]: An invented report, 2022.
... Both are support in the community.[^1]

    [^1]: An invented review, 2021.
[ ] A new prescription
[*] A walking group
[*] An advice service

ID: md-q3
Competencies: {code}
Outcomes: 1
3.  Mr B's plan has three steps:

    1. meet him
    2. agree a plan
    3. follow it up

    How many sessions is typical? Give a whole number.
=   [6, 12]
"""

CHECK = """---
id: {module}-check-1
module: {module}
title: "Check: footnotes"
kind: knowledge-check
pass_mark: 0
shuffle_answers: false
shuffle_questions: false
show_correct_answers: after-each-submission
---
ID: md-check-q1
1.  Mr J, 80, wants company.[^1] What first? See [the screen](screen:{screen}).

    [^1]: An invented survey, 2023.
... Ask what he enjoys.[^1]

    [^1]: An invented guide, 2024.
+   Right: his answer leads.[^1]

    [^1]: An invented study, 2020.
-   Not yet: ask first.
a)  Give him a leaflet
*b) Ask what he enjoys doing
"""


@pytest.fixture(name="app")
def app_on_footnoted_quizzes(database_url, tmp_path):
    """Return an app on a copy of the course whose first module has the quizzes above."""
    from app import content
    from tests.conftest import PROJECT_ROOT

    root = course_files.copy_course(tmp_path)
    shipped = content.load(PROJECT_ROOT / "content", PROJECT_ROOT / "competencies").catalogue
    module = shipped.modules[0]
    screen = module.screens[1].slug
    quiz = course_files.quiz_path(root, module.slug)
    front = course_files.FRONT.format(module=module.slug, attempts=3, extra="")
    quiz.write_text(
        front + QUESTIONS.format(code=module.competency_codes[0], screen=screen), "utf-8"
    )
    check = root / "content" / "quizzes" / f"{module.slug}-check-1.md"
    check.write_text(CHECK.format(module=module.slug, screen=screen), "utf-8")
    served = course_files.make_app(database_url, root)
    yield served
    course_files.clean(served)


def learner_pages(app, make_user) -> dict[str, str]:
    """Render the knowledge check asked and answered, an attempt, its error and its result."""
    from app.content import catalogue

    with app.app_context():
        module = catalogue().modules[0]
    screen = next(s for s in module.screens if s.knowledge_check)
    client = app.test_client()
    email = make_user(email="footnotes@example.org")
    sign_in(client, email)
    reach(client, module, screen)
    url = screen_url(module, screen)
    pages = {"check": client.get(url).text}
    (question,) = screen.knowledge_check.questions
    answered = post_form(client, url + "check", answer_fields(question, right=True), page=url)
    pages["check-answered"] = client.get(answered.location).text
    finish_screens(app, email, module)
    attempt_url = post_form(client, f"/modules/{module.slug}/quiz/", {}).location
    pages["attempt"] = client.get(attempt_url).text
    with app.app_context():
        attempt = db.session().scalars(select(Attempt).where(Attempt.status == "in-progress")).one()
    pages["attempt-error"] = post_form(
        client, attempt_url, {"q.md-q1": "zz", "q.md-q2": "zz", "action": "save"}
    ).text
    wrong = attempt_form(module.assessment, attempt.selection, right=False)
    post_form(client, attempt_url, {**wrong, "action": "submit", "confirmed": "yes"})
    pages["result"] = client.get(attempt_url).text
    return pages


def trainer_pages(app, make_user) -> dict[str, str]:
    """Render the trainer's question bank, preview form, preview result and quiz overview."""
    from app.content import catalogue

    with app.app_context():
        module = catalogue().modules[0]
    quiz_id = module.assessment.id
    client = app.test_client()
    sign_in(client, make_user(email="footnote-trainer@example.org", role="trainer"))
    bank = f"/author/quizzes/{quiz_id}/bank"
    pages = {"bank": client.get(bank).text}
    post_form(client, f"/author/quizzes/{quiz_id}/preview", {}, page=bank)
    pages["preview"] = client.get(f"/author/quizzes/{quiz_id}/preview").text
    post_form(
        client,
        f"/author/quizzes/{quiz_id}/preview/answers",
        attempt_form(module.assessment, _selection(module.assessment), right=False),
        page=f"/author/quizzes/{quiz_id}/preview",
    )
    pages["preview-result"] = client.get(f"/author/quizzes/{quiz_id}/preview/result").text
    pages["overview-preview"] = client.get(f"/modules/{module.slug}/quiz/").text
    return pages


def _selection(quiz):
    from app.domain.quizzes.attempts import every_question

    return every_question(quiz)


def repeated_ids(html: str) -> list[str]:
    """Return every id the page gives more than one element."""
    counts = Counter(re.findall(r'\sid="([^"]+)"', html))
    return sorted(name for name, count in counts.items() if count > 1)


def missing_targets(html: str) -> list[str]:
    """Return each in-page link's target that no element on the page has as its id."""
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    return sorted({href for href in re.findall(r'href="#([^"]+)"', html) if href not in ids})


def test_every_page_showing_footnoted_questions_gives_each_id_once(app, make_user):
    pages = {**learner_pages(app, make_user), **trainer_pages(app, make_user)}
    for name, html in pages.items():
        assert "An invented" in html, name  # the footnotes are on the page
        assert repeated_ids(html) == [], name
        assert [t for t in missing_targets(html) if "fn" in t] == [], name
    assert 'href="#q-md-q1-fn:1"' in pages["attempt"]
    assert 'id="r-md-q1-feedback-1-fn:1"' in pages["result"]


def test_screen_links_in_a_quiz_lead_to_the_module_screen_in_a_new_tab_from_a_form(app, make_user):
    from app.content import catalogue

    with app.app_context():
        module = catalogue().modules[0]
    href = f'href="/modules/{module.slug}/{module.screens[1].slug}/"'
    pages = learner_pages(app, make_user)
    for name in ("check", "attempt", "attempt-error"):
        # On a form, a link opens beside it: the answers not yet saved stay where they are.
        link = f'<a {href} rel="noopener" target="_blank">'
        assert f"{link}This screen (opens in a new tab)</a>" in pages[name] or (
            f"{link}the screen (opens in a new tab)</a>" in pages[name]
        ), name
    assert f"<a {href}>" not in pages["attempt"]
    assert "/modules/quiz/" not in "".join(pages.values())
    assert f"<a {href}>This screen</a>" in pages["result"]


def package_page(app) -> str:
    """Return the page of the first module's SCORM package: every question, in one page."""
    from app.content import catalogue
    from app.scorm_export import build_package

    with app.app_context():
        return build_package(catalogue().modules[0]).files["index.html"].decode()


def test_a_package_shows_footnoted_questions_with_ids_once_and_links_to_its_own_screens(app):
    from app.content import catalogue

    with app.app_context():
        screen = catalogue().modules[0].screens[1].slug
    page = package_page(app)
    assert repeated_ids(page) == []
    assert [t for t in missing_targets(page) if "fn" in t] == []
    # Each question's general feedback is in the page three times: right, partly, wrong.
    assert page.count("An invented guide, 2024.") == 3 * 2  # the assessment's and the check's
    # A screen of the module is shown in the page, so its link opens in no new tab.
    assert f'<a href="#screen-{screen}">This screen</a>' in page
    assert "/modules/" not in page


def test_pages_showing_footnoted_questions_are_valid_html(app, make_user, database_url, tmp_path):
    if "postgresql" in database_url:
        pytest.skip("markup does not depend on the database; checked once on SQLite")
    from tests.web.test_html_valid import nu_errors

    pages = {**learner_pages(app, make_user), **trainer_pages(app, make_user)}
    pages["package"] = package_page(app)
    errors = nu_errors(pages, tmp_path)
    assert errors == [], "\n".join(errors)
