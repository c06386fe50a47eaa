"""A rating's history is shown to the people who need it: the learner on their competency
page, their manager on the learner's page (a history per competency, folded), and the
learner's copy of their data. Each change says what caused it, in our words; a framework's
new rules re-rate, and the rating they replaced stays on the page.
"""

import io
import json
import re
import zipfile

import lxml.html
import pytest
from sqlalchemy import inspect, update

from app import db
from app.content import catalogue
from app.models import RatingChange
from app.models.record import RATING_CAUSES
from app.services import rating_history
from tests.conftest import post_form, sign_in
from tests.web import test_revoked_pass_evidence as revoked
from tests.web.test_rating_history import recompute, stricter
from tests.web.test_revoked_pass_evidence import OWN_RULE, revoke_on_the_command_line

# That file's fixtures: the safeguarding module, and a GP who passed its quiz (REF-4.1 met).
module, passed = revoked.module, revoked.passed

UPDATED = "Framework updated from version {was} to 9.9: re-rated by the new version’s rules"
# The referrer framework as people read it: by its title, with a version.
REFERRER = "Referring to social prescribing (Linkwise draft framework for referring clinicians)"


# The learner's history table, after its heading; the manager's for one competency.
LEARNERS = "//h2[@id='rating-history']/following::table[1]"
MANAGERS = f"//details[@id='rating-history-{OWN_RULE}']"


def words(element) -> str:
    return " ".join(element.text_content().split())


def rows(html: str, path: str) -> list[str]:
    """Return each body row's text of the table in the element the XPath finds, without the
    column names a narrow screen shows in each cell."""
    (element,) = lxml.html.fromstring(html).xpath(path)
    for name in element.xpath(".//*[contains(@class, 'nhsuk-table-responsive__heading')]"):
        name.drop_tree()
    return [words(tr) for tr in element.xpath(".//tbody/tr")]


def version(app) -> str:
    with app.app_context():
        return catalogue().framework("referrer").version


def re_rate_by_stricter_rules(app) -> None:
    with app.app_context():
        harder = stricter(catalogue())
    recompute(app, harder)


def manager(app):
    client = app.test_client()
    sign_in(client, "manager@example.org")
    return client


def test_the_learners_page_shows_the_earlier_and_the_later_rating_with_their_causes(
    app, client, passed
):
    was = version(app)
    re_rate_by_stricter_rules(app)
    page = client.get(f"/my/competencies/{OWN_RULE}")
    assert page.status_code == 200
    shown = rows(page.text, LEARNERS)
    # Newest first: the stricter rules' rating, then the grade's, each with its cause.
    assert len(shown) == 2
    assert UPDATED.format(was=was) in shown[0]
    assert f"Framework: {REFERRER}, version 9.9" in shown[0]
    assert "Not enough evidence" in shown[0] and "Not met" in shown[0]
    assert shown[1].count("Quiz answers marked") == 1
    assert f"Framework: {REFERRER}, version {was}" in shown[1]
    # Named by title, not by the id the stamp keeps.
    assert "referrer 9.9" not in shown[0] and f"referrer {was}" not in shown[1]
    assert "Secure (100%)" in shown[1] and shown[1].endswith("Met")
    assert "has not changed since it was first recorded" not in page.text


def test_a_rating_with_only_its_first_entry_says_it_has_not_changed(app, client, passed):
    page = client.get(f"/my/competencies/{OWN_RULE}").text
    assert "This rating has not changed since it was first recorded." in page
    assert len(rows(page, LEARNERS)) == 1


def test_a_competency_never_rated_says_there_is_nothing_to_show(app, client, passed):
    with app.app_context():
        rated = {r.competency_code for r in db.session().query(RatingChange)}
        code = next(
            c.code for c in catalogue().framework("referrer").competencies if c.code not in rated
        )
    page = client.get(f"/my/competencies/{code}").text
    assert f"You have no rating in {code} yet, so nothing has changed." in page


def test_the_managers_page_folds_each_competencys_history_into_its_own_details(app, passed):
    was = version(app)
    re_rate_by_stricter_rules(app)
    page = manager(app).get(f"/manage/learners/{passed}")
    assert page.status_code == 200
    (summary,) = lxml.html.fromstring(page.text).xpath(f"{MANAGERS}/summary")
    summary = words(summary)
    assert summary.startswith(f"Rating history for {OWN_RULE} ") and summary.endswith("(2 entries)")
    shown = rows(page.text, MANAGERS)
    assert UPDATED.format(was=was) in shown[0] and "Not enough evidence" in shown[0]
    assert "Quiz answers marked" in shown[1] and "Secure (100%)" in shown[1]
    # REF-4.1 is met on knowledge alone: no practice column, as on the learner's page.
    (table,) = lxml.html.fromstring(page.text).xpath(f"{MANAGERS}//thead")
    assert words(table) == "When What happened Knowledge, from quizzes Met"
    # Every competency of the learner's framework rated has one, each folded, in the
    # framework's order; another framework's, rated from the same answers, has none.
    html = lxml.html.fromstring(page.text)
    with app.app_context():
        rated = {r.competency_code for r in db.session().query(RatingChange)}
        own = [c.code for c in catalogue().framework("referrer").competencies]
    folded = html.xpath("//h2[@id='rating-history']/following::details[@id]")
    ids = [d.get("id").removeprefix("rating-history-") for d in folded]
    assert ids == [code for code in own if code in rated]
    assert rated - set(own), "the answers rated another framework's competencies too"
    assert not any(d.get("open") is not None for d in folded)


def test_a_rating_taken_away_is_shown_as_no_rating_with_its_cause(
    app, client, runner, passed, module
):
    revoke_on_the_command_line(app, runner, passed, module)
    shown = rows(client.get(f"/my/competencies/{OWN_RULE}").text, LEARNERS)
    # Each row starts with its UK day and time, its zone last: "7 December 2026 at 2:05pm GMT".
    assert [re.split(r" (GMT|BST) ", row, maxsplit=1)[2] for row in shown[:2]] == [
        "Certificate revoked: its answers stopped counting. Nothing left counts, so there is"
        " no rating No rating",
        f"Quiz answers marked Framework: {REFERRER}, version {version(app)} Secure (100%) Met",
    ]
    (removed,) = lxml.html.fromstring(client.get(f"/my/competencies/{OWN_RULE}").text).xpath(
        f"{LEARNERS}//tbody/tr[1]/td[3]"
    )
    assert removed.get("colspan") == "2"  # knowledge and met: no practice asked for here


def test_what_a_framework_version_says_is_escaped(app, client, passed):
    with app.app_context():
        db.session().execute(update(RatingChange).values(rules="referrer <b>0.2</b>"))
        db.session().commit()
    for page in (
        client.get(f"/my/competencies/{OWN_RULE}").text,
        manager(app).get(f"/manage/learners/{passed}").text,
    ):
        assert f"Framework: {REFERRER}, version &lt;b&gt;0.2&lt;/b&gt;" in page
        assert "<b>0.2</b>" not in page


def test_the_learners_copy_of_their_data_holds_every_change(app, client, passed):
    was = version(app)
    re_rate_by_stricter_rules(app)
    download = post_form(client, "/account/data", {})
    assert download.status_code == 200, download.status_code
    data = json.loads(zipfile.ZipFile(io.BytesIO(download.data)).read("linkwise-data.json"))
    own = [r for r in data["rating_history"] if r["competency"] == OWN_RULE]
    assert [(r["cause"], r["framework"], r["level"], r["met"], r["expired"]) for r in own] == [
        ("graded", f"referrer {was}", "Secure", True, False),
        ("recomputed", "referrer 9.9", "Not enough evidence", False, False),
    ]
    # The rules stamp as kept: the framework and version, then the rules' digest.
    assert all(r["rules"].startswith(r["framework"] + " ") for r in own)
    assert own[0]["score"] == 100 and own[0]["practice"] == "Not started"
    assert own[0]["changed_at"].endswith("+00:00")
    # Every column of the table but its own id and whose it is.
    with app.app_context():
        columns = {c["name"] for c in inspect(db.engine()).get_columns("rating_change")}
    assert set(own[0]) == (columns - {"id", "user_id", "competency_code"}) | {
        "competency",
        "framework",
    }


@pytest.mark.parametrize("cause", RATING_CAUSES)
def test_every_cause_has_its_sentence_and_none_calls_quiz_knowledge_competence(cause):
    sentence = rating_history.said(cause, "referrer 0.2", "referrer 0.2")
    assert sentence == rating_history.CAUSES[cause]
    assert "competen" not in sentence.lower()


def test_a_re_rating_names_a_framework_update_only_when_both_versions_are_known():
    said = rating_history.said
    updated = "Framework updated from version 0.2 to 0.3: re-rated by the new version’s rules"
    assert said("recomputed", "referrer 0.3", "referrer 0.2") == updated
    assert said("recomputed", "referrer 0.3", None) == rating_history.CAUSES["recomputed"]
    assert said("recomputed", None, "referrer 0.2") == rating_history.CAUSES["recomputed"]
    assert said("recomputed", "referrer 0.2", "referrer 0.2") == rating_history.CAUSES["recomputed"]
    # A grade by a new version is a grade: what re-rated it was the answers.
    assert said("graded", "referrer 0.3", "referrer 0.2") == "Quiz answers marked"
    # Another framework: the one before named by its title, or by its id once not loaded
    # (the row names the new one).
    names = {"referrer": "Referrer draft"}
    moved = said("recomputed", "linkworker 1.0 ab12cd34", "referrer 0.2 ef56ab78", False, names)
    assert moved == (
        "Framework changed from Referrer draft, version 0.2: re-rated by the new framework’s rules"
    )
    gone = said("recomputed", "referrer 0.2 ef56ab78", "linkworker 1.0 ab12cd34", False, names)
    assert gone.startswith("Framework changed from linkworker, version 1.0:")


def test_a_framework_is_named_by_its_title_and_version_or_its_id_once_not_loaded():
    names = {"splw": "Social prescribing link worker framework"}
    named = rating_history.named
    assert (
        named("splw 0.2 5c1e07a9", names) == "Social prescribing link worker framework, version 0.2"
    )
    assert named("gone 1.1 5c1e07a9", names) == "gone, version 1.1"


def test_a_framework_no_longer_loaded_is_named_by_its_id_on_the_page(app, client, passed):
    with app.app_context():
        db.session().execute(update(RatingChange).values(rules="retired 0.4 5c1e07a9"))
        db.session().commit()
    shown = rows(client.get(f"/my/competencies/{OWN_RULE}").text, LEARNERS)
    assert "Framework: retired, version 0.4" in shown[0]
