"""A PCN of two practices: the fixture the team, assignment and compliance tests share."""

import pytest

from tests.web.journeys import user_id

ORG = "Riverside PCN"


@pytest.fixture
def pcn(app, runner, make_user):
    """Two practices of a PCN, a learner in each, an org-wide and a practice manager."""
    return make_pcn(app, runner, make_user)


def make_pcn(app, runner, make_user) -> dict[str, int]:
    """Build the PCN; return the learners' ids by first name."""
    make_user(email="lead@example.org", role="manager", org=ORG)
    for team, code in (("Elm Practice", "ELM11111"), ("Oak Practice", "OAK22222")):
        result = runner.invoke(args=["create-team", ORG, team, "--join-code", code])
        assert result.exit_code == 0, result.output
        assert code in result.output
    make_user(email="asha@example.org", org=ORG, full_name="Asha Elm")
    make_user(email="ben@example.org", org=ORG, full_name="Ben Oak")
    make_user(email="pm@example.org", role="manager", org=ORG, full_name="Pat Practice")
    for email, team in (("asha@example.org", "Elm Practice"), ("ben@example.org", "Oak Practice")):
        result = runner.invoke(args=["place-in-team", email, ORG, team])
        assert result.exit_code == 0, result.output
    result = runner.invoke(args=["set-manager-teams", "pm@example.org", ORG, "Elm Practice"])
    assert result.exit_code == 0, result.output
    return {"asha": user_id(app, "asha@example.org"), "ben": user_id(app, "ben@example.org")}
