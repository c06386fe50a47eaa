"""Once a learner's evidence has expired, "What to do next" points to the renewals.

The QA's case: a practice nurse passed four modules, and everything they did was moved
1,200 days back, then `linkwise recompute-levels` ran. Every answer has expired, so no
competency can be rated, and every certificate has expired, so each quiz is open for
renewal (My learning lists them under "Due for renewal"). A renewal's answers give new
evidence: My competencies points each competency to the renewal that can rate it, the
manager's learner page says each renewal is open to the learner, and neither declares any
competency out of reach.
"""

import pytest
from lxml import html

from app.content import catalogue
from tests.conftest import sign_in
from tests.web.journeys import pass_module, user_id
from tests.web.renewal_helpers import age
from tests.web.test_html_valid import nu_errors

OUT_OF_REACH = "no quiz left can give more"


@pytest.fixture
def passed(app):
    """Return the four modules the learner passed, and the competencies of the nurse's
    framework that they develop."""
    with app.app_context():
        found = catalogue()
        modules = [m for m in found.modules if m.assessment][:4]
        framework = found.framework_for("practice-nurse")
        developed = {
            c.code: c.name
            for c in framework.competencies
            if any(m.assessment and m in modules for m in found.modules_for(c.code))
        }
    assert developed
    return modules, developed


def as_the_qa_left_it(app, client, runner, email: str, modules) -> None:
    """Pass the modules, move everything 1,200 days back and re-rate, as the QA did."""
    sign_in(client, email)
    for module in modules:
        pass_module(app, client, email, module)
    age(app, user_id(app, email), 1200)
    result = runner.invoke(args=["recompute-levels"])
    assert result.exit_code == 0, result.output


def next_steps(page: str) -> list[str]:
    """Return the words of each item under "What to do next"."""
    found = html.fromstring(page)
    (heading,) = found.xpath('//h2[normalize-space()="What to do next"]')
    (steps,) = heading.xpath("following-sibling::ul[1]")
    return [" ".join(item.text_content().split()) for item in steps.xpath("./li")]


def renewing(steps: list[str], module, who: str) -> str:
    """Return the step that renews the module, checking how it starts."""
    (step,) = [s for s in steps if s.startswith(f"Renew {module.title}:")]
    assert step.startswith(f"Renew {module.title}: {who} its quiz, and passing it again renews "), (
        step
    )
    return step


def where_they_are(page: str) -> list[str]:
    """Return the words of each item under the manager's "Where ... is" heading."""
    (heading,) = html.fromstring(page).xpath('//h2[@id="where"]')
    (steps,) = heading.xpath("following-sibling::ul[1]")
    return [" ".join(item.text_content().split()) for item in steps.xpath("./li")]


def renewal_open(steps: list[str], module) -> str:
    """Return what the manager reads of the module's renewal, checking how it reads."""
    (step,) = [s for s in steps if s.startswith(f"{module.title}:")]
    assert step.startswith(f"{module.title}: passed; passing its quiz again would renew "), step
    assert step.endswith("The quiz is open to them for renewal."), step
    return step


def test_my_competencies_points_expired_evidence_to_the_renewals(
    app, client, runner, make_user, passed, tmp_path
):
    modules, developed = passed
    as_the_qa_left_it(app, client, runner, make_user(), modules)
    due = client.get("/modules/").text
    page = client.get("/my/competencies").text
    assert OUT_OF_REACH not in page and "a passed quiz is not taken again" not in page
    steps = next_steps(page)
    said = " ".join(renewing(steps, module, "you passed") for module in modules)
    # Every competency the modules develop is pointed to a renewal that can rate it.
    assert [name for name in developed.values() if name not in said] == []
    for module in modules:
        # The renewal the page points to is the one My learning lists as due.
        assert f'href="/modules/{module.slug}/quiz/#renewal">Renew {module.title}</a>' in page
        assert f"Renew {module.title}</a>" in due
    assert nu_errors({"competencies": page}, tmp_path) == []


def test_the_managers_learner_page_points_expired_evidence_to_the_renewals(
    app, client, runner, passed, pcn
):
    modules, developed = passed
    as_the_qa_left_it(app, app.test_client(), runner, "asha@example.org", modules)
    sign_in(client, "lead@example.org")
    page = client.get(f"/manage/learners/{pcn['asha']}").text
    assert OUT_OF_REACH not in page
    # The manager reads where the learner is, not the learner's own "What to do next".
    assert "What to do next" not in page
    steps = where_they_are(page)
    said = " ".join(renewal_open(steps, module) for module in modules)
    assert [name for name in developed.values() if name not in said] == []


def test_a_renewal_not_yet_open_leaves_no_renewal_step(app, client, make_user, passed):
    # Just passed: every competency rated, no quiz open for renewal, nothing to renew.
    modules, _ = passed
    email = make_user()
    sign_in(client, email)
    for module in modules:
        pass_module(app, client, email, module)
    page = client.get("/my/competencies").text
    assert "passing it again renews" not in page and OUT_OF_REACH not in page
