"""A copy of the course a test may edit, with a quiz written by the test, and an app on it.

Tests that change quiz files work on a copy, never on content/, and write their own
assessment for the first module: they stay true whatever the course's own quizzes say.
"""

import shutil
from pathlib import Path

import pytest

from app import content, create_app
from app.content import catalogue
from app.rate_limits import limiter
from tests.conftest import PROJECT_ROOT, empty_every_table

FRONT = """---
id: {module}-assessment
module: {module}
title: "Test quiz: {module}"
kind: assessment
pass_mark: 80
max_attempts: {attempts}
shuffle_answers: false
shuffle_questions: false
show_correct_answers: after-pass
{extra}---
"""

QUESTIONS = """
ID: t-single
Competencies: {code}
Outcomes: 1
Screens: {screen}
1.  Who can refer a person to a link worker?
... Almost anyone can refer.
+   Yes: the routes are broad.
-   Not quite: think wider than clinicians.
a)  Only GPs
... GPs refer many people, but not all of them.
*b) Almost anyone, the person included
c)  Only practice nurses

ID: t-multiple
Competencies: {code}
Outcomes: 1
2.  Which of these are community support?
[*] A walking group
[*] An advice service
[ ] An antibiotic
... Antibiotics are medicine, not community support.

ID: t-ordering
Competencies: {code}
Outcomes: 1
Type: ordering
3.  Put the first meeting in order.
1)  Introduce yourself and your role
2)  Ask what matters to the person
3)  Agree the next steps together

ID: t-matching
Competencies: {code}
Outcomes: 1
Type: matching
4.  Match each need to a service.
=   Debt -> Advice service
=   Loneliness -> Befriending
=   -> Pharmacy

ID: t-number
Competencies: {code}
Outcomes: 1
5.  How many sessions is typical? Give a number from the course.
=   [6, 12]
"""


def copy_course(folder: Path) -> Path:
    """Copy content/ and competencies/ into `folder`; return it."""
    shutil.copytree(PROJECT_ROOT / "content", folder / "content")
    shutil.copytree(PROJECT_ROOT / "competencies", folder / "competencies")
    return folder


def quiz_path(root: Path, module_slug: str) -> Path:
    """Return where a module's assessment lives in the copy."""
    return root / "content" / "quizzes" / f"{module_slug}-assessment.md"


def write_quiz(root: Path, module, *, attempts: int = 3, extra: str = "") -> Path:
    """Write the test's assessment for a module into the copy; return its path."""
    path = quiz_path(root, module.slug)
    text = FRONT.format(module=module.slug, attempts=attempts, extra=extra) + QUESTIONS.format(
        code=module.competency_codes[0], screen=module.screens[1].slug
    )
    # Unchanged files keep their times, so the course is not read again (content.load).
    if not path.exists() or path.read_text("utf-8") != text:
        path.write_text(text, "utf-8")
    return path


def make_app(database_url: str, root: Path):
    """Return an app serving the copied course from the test database."""
    return create_app(
        {
            "LINKWISE_ENV": "test",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "t",
            "CONTENT_DIR": root / "content",
            "COMPETENCIES_DIR": root / "competencies",
        }
    )


def reload(app) -> None:
    """Load the copied course again after a test edited it, as a restarted server would."""
    result = content.load(app.config["CONTENT_DIR"], app.config["COMPETENCIES_DIR"])
    assert not result.errors, [str(p) for p in result.errors]
    content.serve(app, result.catalogue)


def clean(app) -> None:
    """Remove every row the test wrote."""
    engine = app.extensions["linkwise.engine"]
    empty_every_table(engine)
    engine.dispose()
    limiter.reset()


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a course file, failing if it is not there."""
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def remove_first_module(root: Path, module) -> None:
    """Take the course's first module out of the copy: its folder, its quizzes, the link to it."""
    shutil.rmtree(root / "content" / "modules" / module.slug)
    for quiz in (root / "content" / "quizzes").glob(f"{module.slug}-*.md"):
        quiz.unlink()
    edit(
        root / "content" / "modules" / "how-the-system-works" / "module.md",
        f"[What is social prescribing?](module:{module.slug})",
        "the first module",
    )


# Fixtures for tests on the copied course: import them into the test module.


@pytest.fixture(name="course", scope="module")
def course_copy(tmp_path_factory):
    """Return a copy of the course for a test module; each test starts from the same quiz."""
    return copy_course(tmp_path_factory.mktemp("course"))


@pytest.fixture(name="app")
def app_on_copy(database_url, course, smtp_server):
    """Return an app on the copy, whose first module has the test's own quiz; it mails the
    test SMTP server, its mailbox emptied, as the shared app fixture does."""
    from tests.conftest import build_app

    shipped = content.load(PROJECT_ROOT / "content", PROJECT_ROOT / "competencies").catalogue
    write_quiz(course, shipped.modules[0])
    served = build_app(
        database_url,
        smtp_server,
        CONTENT_DIR=course / "content",
        COMPETENCIES_DIR=course / "competencies",
    )
    yield served
    clean(served)


@pytest.fixture(name="module")
def module_with_test_quiz(app):
    """Return the first module, with the test's quiz."""
    with app.app_context():
        return catalogue().modules[0]


@pytest.fixture(name="learner")
def learner_on_copy(app, client, make_user, module):
    """Return a client signed in as a learner who has finished every screen of the module."""
    from tests.conftest import sign_in
    from tests.web.test_quiz import finish_screens

    email = make_user()
    finish_screens(app, email, module)
    sign_in(client, email)
    return client
