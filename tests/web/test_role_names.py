"""Each role has one name wherever a person reads it: Learner, Trainer, Manager,
Administrator; lower case inside a sentence."""

import re

from app.models import User
from tests.conftest import sign_in


def _allowed_roles() -> list[str]:
    """Return the roles the user table's check constraint lets in."""
    (known,) = (c for c in User.__table__.constraints if c.name.endswith("_role_known"))
    return re.findall(r"'([^']*)'", str(known.sqltext))


def test_every_role_the_model_allows_has_a_name():
    from app.domain.accounts import ROLE_NAMES, a_role

    allowed = _allowed_roles()
    assert allowed == ["learner", "trainer", "manager", "admin"]
    assert {role: ROLE_NAMES.get(role) for role in allowed} == {
        "learner": "Learner",
        "trainer": "Trainer",
        "manager": "Manager",
        "admin": "Administrator",
    }
    assert [a_role(role) for role in allowed] == [
        "a learner",
        "a trainer",
        "a manager",
        "an administrator",
    ]


def test_an_administrators_account_page_names_the_role_administrator(client, make_user):
    sign_in(client, make_user("admin@example.org", role="admin"))
    page = client.get("/account/")
    assert page.status_code == 200
    assert re.search(r"Role\s*</dt>\s*<dd[^>]*>\s*Administrator\s*</dd>", page.text), page.text
    assert "Admin<" not in page.text


def test_set_role_names_the_role_as_the_pages_do(runner, make_user):
    make_user(email="sam@example.org")
    done = runner.invoke(args=["set-role", "sam@example.org", "admin"])
    assert done.output == "sam@example.org is now an administrator\n"
    made = runner.invoke(
        args=["create-user", "--email", "ada@example.org", "--name", "Ada", "--role", "admin"]
        + ["--password", "correct horse battery staple kettle"]
    )
    assert made.output == "created administrator ada@example.org\n", made.output
