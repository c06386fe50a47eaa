"""Render every attempt page of the demo course and time it: the attempt page's CPU.

For each module with a quiz, a learner starts an attempt (its questions drawn with a fixed
seed) and the page is shown as a learner meets it: with no answers, with every answer
saved (half right, half wrong), with one question's answer refused, and with every
question's refused. Each page's HTML is saved (its CSRF token and CSP nonce, which change
per request, written as placeholders), so two versions of the templates can be compared
byte for byte (`diff -r`); each is rendered in five rounds of --repeat renders, and the
CPU time per render of its fastest round printed. Not one of `make bench`'s: it takes the
learner to each page with the tests' own helpers.

    .venv/bin/python -m bench.attempt_render OUTPUT_FOLDER [--repeat 200]
"""

import argparse
import re
import tempfile
import time
from pathlib import Path

from flask import templating

from app import create_app, db
from app.content import catalogue
from app.models import Attempt
from app.services import account_admin, learning
from app.web import quiz as quiz_views
from tests.conftest import DEMO_PASSWORD, csrf_token, post_form, sign_in
from tests.databases import database_at
from tests.web.journeys import user_id
from tests.web.quiz_helpers import answer_fields, attempt_questions

SEED = 7
EMAIL = "learner@example.org"
TOKEN = re.compile(r'(name="csrf_token"[^>]*?value=")[^"]+(")')
NONCE = re.compile(r'(nonce=")[^"]+(")')


class Timed:
    """Stand in for the quiz views' render_template: time each attempt page it renders."""

    def __init__(self, repeat: int):
        self.repeat, self.seconds = repeat, None

    def __call__(self, name, **context):
        html = templating.render_template(name, **context)
        if name == "quiz/attempt.html":
            # The least of five rounds' means: other work on the machine only adds time.
            rounds = []
            for _ in range(5):
                started = time.process_time()
                for _ in range(self.repeat):
                    templating.render_template(name, **context)
                rounds.append((time.process_time() - started) / self.repeat)
            self.seconds = min(rounds)
        return html


def _normalised(html: str) -> str:
    return NONCE.sub(r"\1NONCE\2", TOKEN.sub(r"\1TOKEN\2", html))


def _refused(question) -> dict:
    """Return fields no form of this question sends: a value its answer field refuses."""
    fields = answer_fields(question, right=True)
    answer = next(name for name in fields if name != question.marker_field)
    return {**fields, answer: "not-an-answer"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--repeat", type=int, default=200, help="renders a round, at least 1")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    args.output.mkdir(parents=True, exist_ok=True)
    timed = Timed(args.repeat)
    quiz_views.render_template = timed
    with (
        tempfile.TemporaryDirectory() as folder,
        database_at("sqlite", folder, "head", "linkwise_bench", in_memory=True) as url,
    ):
        config = {"LINKWISE_ENV": "test", "DATABASE_URL": url, "SECRET_KEY": "t"}
        app = create_app({**config, "SMTP_URL": "smtp://127.0.0.1:1", "QUIZ_SEED": SEED})
        with app.app_context():
            account_admin.create_user(
                email=EMAIL,
                full_name="Sam Learner",
                password=DEMO_PASSWORD,
                profession="practice-nurse",
                role="learner",
                organisation_name=None,
            )
        client = app.test_client()
        sign_in(client, EMAIL)
        learner = user_id(app, EMAIL)
        with app.app_context():
            modules = [m for m in catalogue().modules if m.assessment]
            for module in modules:
                for key in module.screen_item_keys:
                    learning.record(learner, module.slug, key)
            db.session().commit()
        total, pages = 0.0, 0
        for module in modules:
            url = post_form(client, f"/modules/{module.slug}/quiz/", {}).location
            with app.app_context():
                attempt = db.session().get(Attempt, int(url.split("/")[-2]))
                questions = attempt_questions(module.assessment, attempt.selection)
            saved = {}
            for number, question in enumerate(questions):
                saved.update(answer_fields(question, right=number % 2 == 0))
            one_refused = {**saved, **_refused(questions[0])}
            all_refused = {k: v for q in questions for k, v in _refused(q).items()}
            cases = {
                "blank": None,
                "one-error": one_refused,
                "all-errors": all_refused,
                "saved": saved,
            }
            for case, fields in cases.items():
                response = None
                if fields is not None:
                    data = {**fields, "action": "save", "csrf_token": csrf_token(client, url)}
                    timed.seconds = None
                    response = client.post(url, data=data)
                if response is None or response.status_code == 302:
                    timed.seconds = None
                    response = client.get(url)
                assert timed.seconds is not None, (module.slug, case, response.status_code)
                html = _normalised(response.text)
                (args.output / f"{module.slug}-{case}.html").write_text(html)
                total, pages = total + timed.seconds, pages + 1
                print(
                    f"{module.slug:40} {case:10} {len(questions):3} questions "
                    f"{response.status_code} {timed.seconds * 1000:6.2f} ms"
                )
        print(f"mean {total / pages * 1000:.2f} ms CPU a page over {pages} pages")


if __name__ == "__main__":
    main()
