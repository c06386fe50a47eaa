"""Commands say what to do in an operator's words: a password with no terminal to ask in, a
module named where a quiz is wanted, an LRS that refuses the credentials; usage errors exit 2."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from app.services import lrs_client
from tests.web.pcn import ORG
from tests.web.pcn import pcn as pcn


def test_create_user_with_no_terminal_says_to_give_the_password(runner):
    result = runner.invoke(
        args=["create-user", "--email", "sam@example.org", "--name", "Sam Learner"], input=""
    )
    assert result.exit_code == 1
    assert result.output.endswith(
        "Error: no password was given: give --password, or run create-user in a terminal to "
        "be asked for it\n"
    )
    assert "Aborted!" not in result.output


def test_item_stats_of_a_module_names_its_quizzes(runner):
    result = runner.invoke(args=["item-stats", "referral-routes"])
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: 'referral-routes' is a module, not a quiz: give the id of one of its quizzes, "
        "like referral-routes-assessment (its quizzes: referral-routes-assessment, "
    )
    unknown = runner.invoke(args=["item-stats", "nothing-here"])
    assert unknown.output == (
        "Error: there is no quiz 'nothing-here': give the id of an assessment or knowledge check\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["grant-attempt", "asha@example.org", "referral-routes", "--reason", " "],
        ["revoke-credential", "ABCD-EFGH", "--reason", " "],
    ],
)
def test_an_empty_reason_is_a_usage_error_for_every_command(runner, pcn, args):
    result = runner.invoke(args=args)
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--reason'" in result.output


def test_create_team_refuses_a_name_taken_in_another_case_or_on_two_lines(runner, pcn):
    taken = runner.invoke(args=["create-team", ORG, "elm  PRACTICE"])
    assert (taken.exit_code, taken.output) == (
        1,
        "Error: There is already a team called Elm Practice. Enter a different name\n",
    )
    two_lines = runner.invoke(args=["create-team", ORG, "Birch\nPractice"])
    assert two_lines.exit_code == 1
    assert "must be on one line" in two_lines.output
    listed = runner.invoke(args=["list-teams", ORG]).output
    assert "Birch" not in listed and listed.count("\n") == 2


class _Refusing(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the standard library's name
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(401)
        self.end_headers()
        self.wfile.write(b"bad credentials")

    def log_message(self, *args):
        pass


def test_an_lrs_refusing_the_credentials_names_the_settings_to_check():
    server = HTTPServer(("127.0.0.1", 0), _Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(lrs_client.LrsUnavailable) as raised:
            lrs_client.post_statements(
                f"http://127.0.0.1:{server.server_port}/xapi", "lw", "wrong", [{}]
            )
    finally:
        server.shutdown()
    assert str(raised.value) == (
        "the LRS refused Linkwise's username and password (it answered 401): "
        "check LINKWISE_LRS_USERNAME and LINKWISE_LRS_PASSWORD"
    )
