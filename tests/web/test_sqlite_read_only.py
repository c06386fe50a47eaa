"""An SQLite file that cannot be written: the health check says so, and signing in works.

As on PostgreSQL when the database only reads: /healthz answers 200 "degraded",
"read-only" (not "ok"), a sign-in works (its bookkeeping goes to the log), and a change
answers 503 until the file can be written again.
"""

import logging

from app import create_app
from app.cli import upgrade_database
from app.services import account_admin
from tests.conftest import DEMO_PASSWORD, post_form, sign_in


def sqlite_app(url: str, smtp_server):
    return create_app(
        {
            "LINKWISE_ENV": "test",
            "DATABASE_URL": url,
            "SECRET_KEY": "t",
            "SMTP_URL": smtp_server.url,
        }
    )


def test_a_read_only_sqlite_file_is_reported_and_still_signs_in(tmp_path, smtp_server, caplog):
    path = tmp_path / "linkwise.db"
    writable_url = f"sqlite:///{path}"
    upgrade_database(writable_url)
    writable = sqlite_app(writable_url, smtp_server)
    with writable.app_context():
        account_admin.create_user(
            email="learner@example.org",
            full_name="Sam Learner",
            password=DEMO_PASSWORD,
            profession="practice-nurse",
            role="learner",
        )
    client = writable.test_client()
    assert client.get("/healthz").json == {"status": "ok", "database": "up"}

    # The same file, opened read-only (as a read-only mount or its permissions would).
    read_only = sqlite_app(f"sqlite:///file:{path}?mode=ro&uri=true", smtp_server)
    client = read_only.test_client()
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json == {"status": "degraded", "database": "read-only"}
    with caplog.at_level(logging.WARNING):
        signed_in = sign_in(client, "learner@example.org")
    assert signed_in.status_code == 302, signed_in.text
    assert "Sam Learner" in client.get("/account/").text
    assert [r for r in caplog.records if "not recorded: sign_in" in r.getMessage()]
    # A change waits for the file to be writable again: a 503, nothing claimed as saved.
    form = {
        "full_name": "Sam Renamed",
        "profession": "practice-nurse",
        "registration_number": "",
        "shown_full_name": "Sam Learner",
        "shown_profession": "practice-nurse",
        "shown_registration_number": "",
    }
    changed = post_form(client, "/account/details", form)
    assert changed.status_code == 503
    assert "Sorry, the service is unavailable" in changed.text
    # Written again through the writable app: the check says so at once.
    assert writable.test_client().get("/healthz").json["database"] == "up"
    for app in (writable, read_only):
        app.extensions["linkwise.engine"].dispose()
