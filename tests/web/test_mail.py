"""Mail: SMTP settings, the development folder, and messages as they arrive over SMTP."""

import email
import email.policy

import pytest
from sqlalchemy import update

from app import create_app, db, mail
from app.mail import SmtpSettings
from app.models import User
from tests.conftest import build_app, post_form


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", ("mail.example.org", 587, None, None, "starttls")),
        ("smtps://u:p%40ss@mail.example.org", ("mail.example.org", 465, "u", "p@ss", "ssl")),
        ("smtp://relay:25?tls=none", ("relay", 25, None, None, "none")),
    ],
)
def test_smtp_urls_are_read(url, expected):
    settings = SmtpSettings.from_url(url)
    assert (settings.host, settings.port, settings.user, settings.password, settings.tls) == (
        expected
    )


def test_smtp_settings_can_come_in_parts():
    settings = SmtpSettings.from_config(
        {"SMTP_HOST": "mail", "SMTP_USER": "u", "SMTP_PASSWORD": "p", "SMTP_TLS": "ssl"}
    )
    assert (settings.host, settings.port, settings.tls) == ("mail", 465, "ssl")
    with pytest.raises(ValueError, match="LINKWISE_SMTP_TLS"):
        SmtpSettings.from_config({"SMTP_HOST": "mail", "SMTP_TLS": "maybe"})
    with pytest.raises(ValueError, match="LINKWISE_SMTP_URL"):
        SmtpSettings.from_url("http://mail")


def test_development_without_smtp_writes_eml_files_and_prints_their_links(
    database_url, tmp_path, capsys
):
    app = create_app(
        {"LINKWISE_ENV": "development", "DATABASE_URL": database_url, "MAIL_DIR": tmp_path}
    )
    with app.test_request_context():
        mail.send(
            "sam@example.org",
            "password_reset",
            name="Sam",
            minutes=60,
            reset_url="http://127.0.0.1:5000/reset-password/abc",
        )
    (written,) = tmp_path.glob("*.eml")
    message = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert message["To"] == "sam@example.org"
    assert message["Subject"] == "Reset your Linkwise password"
    printed = capsys.readouterr().err
    assert "link: http://127.0.0.1:5000/reset-password/abc" in printed
    assert str(written) in printed


def test_messages_are_plain_text_with_our_sender_and_no_html_escaping(
    app, client, make_user, mailbox
):
    make_user(full_name="Siân O'Brien")
    with app.app_context():  # a name stored before names refused symbols such as &
        db.session().execute(update(User).values(full_name="Siân O'Brien & co"))
        db.session().commit()
    post_form(client, "/forgot-password", {"email": "learner@example.org"})
    message = mailbox.last("learner@example.org")
    assert message["From"] == "Linkwise <no-reply@linkwise.invalid>"
    assert message.get_content_type() == "text/plain"
    assert "Hello Siân O'Brien & co," in message.get_content()


def test_the_smtp_timeout_is_five_seconds_unless_set(database_url, smtp_server):
    # What a page that sends mail does when the server is down: tests/web/test_mail_down_*.
    assert build_app(database_url, smtp_server).extensions["linkwise.mail"].timeout == 5
    app = build_app(database_url, smtp_server, SMTP_TIMEOUT="2.5")
    assert app.extensions["linkwise.mail"].timeout == 2.5
