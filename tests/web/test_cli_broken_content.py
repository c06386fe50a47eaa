"""A `linkwise` command that reads the course refuses, in one sentence, while the content has
errors, in every environment, and changes nothing; one that needs no course still runs."""

import re
import shutil
import subprocess

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import BACKENDS, PROJECT_ROOT
from tests.databases import database_at
from tests.issuer_key import TEST_ISSUER_PEM

from .cli_helpers import run_linkwise
from .test_commands_explain import one_sentence

REFUSED = (
    "Error: the course content has 3 errors: run `linkwise validate`, fix them, then run this "
    "again; "
)
PRODUCTION = {
    "LINKWISE_ENV": "production",
    "SECRET_KEY": "a-test-secret",
    "LINKWISE_BASE_URL": "https://learn.example.org",
    "LINKWISE_PRIVACY_CONTROLLER": "Example PCN",
    "LINKWISE_PRIVACY_CONTACT": "privacy@example.org",
    "LINKWISE_SMTP_URL": "smtp://127.0.0.1:1?tls=none",
    "LINKWISE_ISSUER_KEY": TEST_ISSUER_PEM,
}


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request, tmp_path_factory):
    """Yield a database with demo learners rated from the whole course, and a copy of the
    course with three stray lines in one knowledge check."""
    folder = tmp_path_factory.mktemp("broken-content")
    with database_at(request.param, folder, "head", "linkwise_cli") as url:
        seeding = run_linkwise("seed-demo", "--learners", "3", env={"DATABASE_URL": url})
        assert seeding.returncode == 0, seeding.stderr
        shutil.copytree("content", folder / "content")
        shutil.copytree("competencies", folder / "competencies")
        with open(folder / "content/quizzes/referral-routes-check-1.md", "a") as quiz:
            quiz.write("\nstray one\nstray two\nstray three\n")
        yield {
            "DATABASE_URL": url,
            "LINKWISE_CONTENT_DIR": str(folder / "content"),
            "LINKWISE_COMPETENCIES_DIR": str(folder / "competencies"),
        }


def ratings(url: str) -> list:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT * FROM competency_level ORDER BY user_id, competency_code")
            ).all()
    finally:
        engine.dispose()


@pytest.mark.parametrize("environment", [{}, PRODUCTION], ids=["development", "production"])
def test_recompute_levels_refuses_while_the_content_has_errors_and_keeps_every_rating(
    seeded, environment
):
    before = ratings(seeded["DATABASE_URL"])
    assert before
    result = run_linkwise("recompute-levels", env={**seeded, **environment})
    assert one_sentence(result) == REFUSED + "no rating was changed"
    assert ratings(seeded["DATABASE_URL"]) == before


def test_make_run_goes_on_to_serve_broken_content_without_rating_anyone_from_it(seeded):
    before = ratings(seeded["DATABASE_URL"])
    planned = subprocess.run(
        ["make", "-n", "-B", "run"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout
    step = re.search(r"recompute-levels.*", planned).group(0)
    result = run_linkwise(*step.split(), env=seeded)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "Competency levels not recomputed: the course content has 3 errors, and no one is "
        "rated from broken content; once `linkwise validate` is clean, run "
        "`linkwise recompute-levels`."
    )
    assert ratings(seeded["DATABASE_URL"]) == before


@pytest.mark.parametrize(
    "command",
    [
        ["item-stats", "referral-routes-assessment"],
        ["grant-attempt", "learner@example.org", "referral-routes", "--reason", "Asked"],
        ["issue-credentials"],
        ["seed-demo", "--practices"],
    ],
    ids=lambda command: command[0],
)
def test_commands_that_read_the_course_say_it_has_errors_not_that_it_lacks_a_thing(seeded, command):
    result = run_linkwise(*command, env=seeded)
    assert one_sentence(result) == REFUSED + "nothing was changed"
    assert "the site shows" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["db", "current"],
        ["audit"],
        ["unlock-sign-in", "learner@example.org"],
        ["export-user", "learner@example.org", "-o", "{tmp}/data.zip"],
    ],
    ids=lambda command: command[0] if command[0] != "db" else "db-current",
)
def test_in_production_commands_that_need_no_course_run_while_it_has_errors(
    seeded, command, tmp_path
):
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in command]
    result = run_linkwise(*args, env={**seeded, **PRODUCTION})
    assert "will not start" not in result.stderr and "content" not in result.stderr
    if command[0] == "unlock-sign-in":  # it ran: counts in memory are out of its reach
        assert "LINKWISE_RATELIMIT_STORAGE_URI is memory://" in one_sentence(result)
    else:
        assert result.returncode == 0, result.stderr


def test_export_framework_says_the_frameworks_have_errors_not_that_one_is_missing(tmp_path):
    shutil.copytree("competencies", tmp_path / "competencies")
    with open(tmp_path / "competencies/splw.yaml", "a") as framework:
        framework.write("\n  stray: [\n")
    result = run_linkwise(
        "export-framework",
        "splw",
        env={"LINKWISE_COMPETENCIES_DIR": str(tmp_path / "competencies")},
    )
    sentence = one_sentence(result)
    assert sentence.startswith("Error: the competency frameworks in ")
    assert sentence.endswith(
        " have 1 error: run `linkwise validate`, fix them, then run this again; nothing was written"
    )
