"""A module is completed while at least one pass of its quiz counts, on every page that says so.

Revoking a certificate withdraws the pass it certifies (services/passes.py): compliance and the
quiz stop counting it, and so do My learning, the module and its screens, the learning record
(page, CSV and PDF) and the manager's learner page. The screens stay read and the quiz is to
pass again; the revoked certificate is listed as revoked. A pass that still counts (a renewal,
or the earlier pass when the renewal is revoked) keeps the module completed.
"""

import csv
import io
import re

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain.dates import day, uk_today
from app.models import Attempt
from tests.conftest import sign_in
from tests.domain.test_certificates import pdf_text
from tests.web.journeys import pass_module, renew
from tests.web.test_html_valid import nu_errors
from tests.web.test_quiz_renewal_pages import words

EMAIL = "asha@example.org"


@pytest.fixture
def module(app):
    """Return the first module that has an end-of-module quiz."""
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


@pytest.fixture
def learner(app, pcn):
    """Asha, signed in on a client of her own."""
    client = app.test_client()
    sign_in(client, EMAIL)
    return client


@pytest.fixture
def manager(client, pcn):
    """The PCN's lead manager, signed in."""
    sign_in(client, "lead@example.org")
    return client


def revoke(runner, code: str) -> None:
    """Revoke a certificate's credential, as an administrator does."""
    result = runner.invoke(args=["revoke-credential", code, "--reason", "Issued in error"])
    assert result.exit_code == 0, result.output


def my_learning_item(page: str, module) -> str:
    """Return the words of the module's entry in My learning's list of modules."""
    entry = page.split(f'href="/modules/{module.slug}/" aria-describedby', 1)[1]
    return words_of(entry.split("</li>", 1)[0])


def certificates_list(page: str) -> str:
    """Return the words of My learning's "Your certificates" list ("" when it has none)."""
    if "Your certificates" not in page:
        return ""
    return words_of(page.split("Your certificates", 1)[1].split("</ul>", 1)[0])


def record_row(page: str, module) -> str:
    """Return the words of the module's own row on the learning record page."""
    return words_of(page.split(f">{module.title}</a></th>", 1)[1].split("</tr>", 1)[0])


def csv_row(client, module) -> dict[str, str]:
    """Return the module's own row of the learning record CSV (its first), by column."""
    rows = list(csv.reader(io.StringIO(client.get("/my/record.csv").text)))
    return next(dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[0] == module.title)


def drill_row(client, learner_id: int, module) -> str:
    """Return the words of the module's first row in the manager's learner page."""
    page = client.get(f"/manage/learners/{learner_id}").text
    table = page.split('id="modules"', 1)[1].split("</table>", 1)[0]
    return words_of(table.split(f">{module.title}", 1)[1].split("</tr>", 1)[0])


def words_of(fragment: str) -> str:
    """Return an HTML fragment's words, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def today() -> str:
    return day(uk_today())


def attempt_ids(app, learner_id: int, module) -> list[int]:
    """Return the learner's attempts at the module's quiz, in order."""
    with app.app_context():
        return list(
            db.session().scalars(
                select(Attempt.id)
                .where(Attempt.user_id == learner_id, Attempt.module_slug == module.slug)
                .order_by(Attempt.number)
            )
        )


def assert_completed(learner, manager, learner_id, module) -> None:
    """Say the module is completed on the learner's pages and the manager's."""
    item = my_learning_item(learner.get("/modules/").text, module)
    assert "Completed" in item and "100% complete" in item, item
    row = record_row(learner.get("/my/record").text, module)
    assert row.startswith("Completed") and today() in row, row
    assert csv_row(learner, module)["status"] == "Completed"
    assert csv_row(learner, module)["completed"] == uk_today().isoformat()
    drill = drill_row(manager, learner_id, module)
    assert drill.startswith("Completed " + today()), drill


@pytest.fixture
def revoked(app, learner, manager, runner, pcn, module) -> str:
    """Asha passed the module, and the certificate of that only pass was revoked; its code."""
    code = pass_module(app, learner, EMAIL, module)
    assert_completed(learner, manager, pcn["asha"], module)
    revoke(runner, code)
    return code


def test_my_learning_shows_a_revoked_only_pass_in_progress_and_its_certificate_revoked(
    learner, revoked, module, tmp_path
):
    mine = learner.get("/modules/").text
    item = my_learning_item(mine, module)
    # Its screens stay read; its quiz is to pass again.
    assert "Completed" not in item and "100% complete" not in item, item
    assert "In progress" in item, item
    assert "Continue where you left off" in mine
    listed = certificates_list(mine)
    assert f"{module.title}: your CPD certificate Revoked on {today()}" in listed, listed
    assert "it no longer counts as evidence" in listed
    assert nu_errors({"my learning": mine}, tmp_path) == []


def test_the_module_and_its_screens_no_longer_say_completed(learner, revoked, module, tmp_path):
    page = learner.get(f"/modules/{module.slug}/").text
    seen = words(page)
    assert "you've completed this module" not in seen and "Continue module" in seen
    assert f"Your CPD certificate for this module was revoked on {today()}" in seen
    screen = words(learner.get(f"/modules/{module.slug}/{module.screens[0].slug}/").text)
    assert "you've completed this module" not in screen and "complete)" in screen
    assert nu_errors({"module": page}, tmp_path) == []


def test_the_result_of_a_revoked_pass_sends_the_learner_to_the_quiz_again(
    app, learner, revoked, pcn, module, tmp_path
):
    passed = attempt_ids(app, pcn["asha"], module)[-1]
    result = learner.get(f"/modules/{module.slug}/quiz/attempts/{passed}/").text
    assert "Well done: you have completed" not in result
    assert "Get your CPD certificate" not in result
    assert "so it no longer counts. You need to pass the quiz again" in words(result)
    assert f'href="/modules/{module.slug}/quiz/">Go to the quiz' in result
    assert nu_errors({"result": result}, tmp_path) == []


def test_the_learning_record_shows_a_revoked_only_pass_in_progress(learner, revoked, module):
    row = record_row(learner.get("/my/record").text, module)
    assert row.startswith("In progress"), row
    assert "Not yet" in row  # not completed
    assert f"Revoked on {today()}: it no longer counts as evidence" in row
    assert "Not counted: certificate revoked" in row
    found = csv_row(learner, module)
    assert (found["status"], found["completed"]) == ("In progress", ""), found
    assert "(revoked " in found["certificate"]
    text = pdf_text(learner.get("/my/record.pdf").data)
    entry = text.split(module.title, 1)[1]
    assert entry.lstrip().startswith("In progress"), entry[:200]
    assert "CPD time: not counted, as its certificate was revoked." in text
    assert f"Certificate {revoked} was revoked on" in text


def test_the_managers_learner_page_shows_a_revoked_only_pass_in_progress(
    manager, revoked, pcn, module, tmp_path
):
    drill = drill_row(manager, pcn["asha"], module)
    assert drill.startswith("In progress"), drill
    assert today() not in drill.split(revoked, 1)[0]  # no completed date
    assert revoked in drill and f"revoked on {today()}: it no longer counts" in drill
    page = manager.get(f"/manage/learners/{pcn['asha']}").text
    assert nu_errors({"drill-down": page}, tmp_path) == []


def test_passing_again_after_the_revocation_completes_the_module_again(
    app, learner, manager, revoked, pcn, module
):
    again = pass_module(app, learner, EMAIL, module)
    assert again != revoked
    assert_completed(learner, manager, pcn["asha"], module)
    listed = certificates_list(learner.get("/modules/").text)
    assert f"{module.title}: your CPD certificate" in listed and "Revoked" not in listed
    page = words(learner.get(f"/modules/{module.slug}/").text)
    assert "Review module" in page and "was revoked" not in page
    row = record_row(learner.get("/my/record").text, module)
    assert "Revoked" not in row


def test_a_renewal_that_counts_keeps_the_module_completed_when_the_first_is_revoked(
    app, learner, manager, runner, pcn, module
):
    first = pass_module(app, learner, EMAIL, module)
    renewal = renew(app, learner, pcn["asha"], module)
    revoke(runner, first)
    assert_completed(learner, manager, pcn["asha"], module)
    # The certificate My learning links to is the renewal's, which stands.
    assert "Revoked" not in certificates_list(learner.get("/modules/").text)
    # The record lists the revoked first certificate as an earlier one, revoked.
    record = learner.get("/my/record").text
    earlier = record.split("Earlier certificate:", 1)[1].split("</tr>", 1)[0]
    assert first in earlier and "Revoked on" in earlier
    assert renewal not in earlier


def test_an_earlier_pass_that_counts_keeps_the_module_completed_when_the_renewal_is_revoked(
    app, learner, manager, runner, pcn, module
):
    pass_module(app, learner, EMAIL, module)
    renewal = renew(app, learner, pcn["asha"], module)
    revoke(runner, renewal)
    item = my_learning_item(learner.get("/modules/").text, module)
    assert "Completed" in item, item
    drill = drill_row(manager, pcn["asha"], module)
    assert drill.startswith("Completed"), drill
    # The certificate My learning links to is the latest, the revoked renewal's: it says so.
    assert "Revoked on" in certificates_list(learner.get("/modules/").text)


def test_the_certificate_page_offers_a_revoked_module_again_once_every_other_is_done(
    app, learner, runner, module
):
    codes = {m.slug: pass_module(app, learner, EMAIL, m) for m in every_module(app)}
    page = f"/modules/{module.slug}/certificate/"
    assert "You have completed every module" in words(learner.get(page).text)
    revoke(runner, codes[module.slug])
    revoked = words(learner.get(page).text)
    assert "You have completed every module" not in revoked
    assert f"Next: {module.title}" in revoked


def every_module(app):
    with app.app_context():
        return list(catalogue().modules)
