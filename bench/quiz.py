"""Final quiz submits, prepared the way a learner's browser makes them.

Only the HTTP interface is used to take a quiz: start an attempt (POST the overview's
form), open it, fill in every question the form shows, and POST it with action=submit.
Answering every question means no "you have not answered ..." step stands between the
submit and the grade. Every other learner answers every question right, so their first
attempts pass and are certified (a certificate and its signed credential), the heavier
path a grade takes; the others answer wrongly and take the quiz again until its attempts
run out. Learners are seeded by `linkwise seed-demo --learners` and
their screens marked complete directly in the database (the bench measures the quiz, not
the forty clicks before it); the grades, and the passes among them, are counted in the
database. The attempt page's form is read and filled in by bench/attempt_form.py.
"""

import http.client
import itertools
import re
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from bench.attempt_form import AttemptForm, shown_markers
from bench.load import post_request
from bench.server import PASSWORD, linkwise

SEED = 16  # learners of this seed take the quizzes
CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def seed_learners(env: dict, database_url: str, count: int, catalogue) -> list[str]:
    """Seed learners and open every quiz to them; return their emails."""
    from sqlalchemy import create_engine, insert, select
    from sqlalchemy.pool import NullPool

    from app.models import Completion, User

    linkwise(env, "seed-demo", "--learners", str(count), "--seed", str(SEED))
    engine = create_engine(database_url, poolclass=NullPool)
    keys = [(m.slug, key) for m in catalogue.modules if m.assessment for key in m.screen_item_keys]
    with engine.begin() as connection:
        learners = connection.execute(
            select(User.id, User.email).where(User.email.like(f"learner-{SEED}-%"))
        ).all()
        done = set(connection.execute(select(Completion.user_id, Completion.item_key)).all())
        rows = [
            {"user_id": user_id, "module_slug": slug, "item_key": key}
            for user_id, _ in learners
            for slug, key in keys
            if (user_id, key) not in done
        ]
        if rows:
            connection.execute(insert(Completion), rows)
    engine.dispose()
    return [email for _, email in learners]


def graded_attempts(database_url: str, *, passed: bool = False) -> int:
    """Return how many quiz attempts the database holds as graded (or as passed)."""
    from sqlalchemy import create_engine, func, select
    from sqlalchemy.pool import NullPool

    from app.models import Attempt

    engine = create_engine(database_url, poolclass=NullPool)
    which = Attempt.passed.is_(True) if passed else Attempt.status == "graded"
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(Attempt).where(which))
    engine.dispose()
    return count


def wait_for_grades(database_url: str, count: int, seconds: float = 10.0) -> int:
    """Return the graded attempts once they reach `count`, or after `seconds` if they do not.

    When wrk stops, the submits it had sent but not yet seen answered are still being graded.
    """
    deadline = time.monotonic() + seconds
    graded = graded_attempts(database_url)
    while graded < count and time.monotonic() < deadline:
        time.sleep(0.05)
        graded = graded_attempts(database_url)
    return graded


class Browser:
    """One learner's cookie jar and keep-alive connection."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    @property
    def cookie(self) -> str:
        """Return the Cookie header this browser sends."""
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, fields: dict | None = None):
        """Send a request; return its status, Location and body."""
        headers = {"Cookie": self.cookie}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
        except (ConnectionError, http.client.HTTPException):
            # gunicorn closes a connection left idle for a couple of seconds: reopen it.
            self.connection.close()
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
        page = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or ():
            name, value = header.split(";")[0].split("=", 1)
            self.cookies[name] = value
        return response.status, response.headers.get("Location", ""), page

    def sign_in(self, email: str) -> None:
        """Sign in with the demo password."""
        _, _, page = self.request("GET", "/sign-in")
        fields = {"csrf_token": CSRF.search(page)[1], "email": email, "password": PASSWORD}
        status, _, _ = self.request("POST", "/sign-in", fields)
        if status != 302:
            raise RuntimeError(f"{email} could not sign in ({status})")


@dataclass
class Learner:
    """A seeded learner and the quizzes they can still take."""

    email: str
    modules: list[str]
    right: bool = False  # answers every question right (and so passes at the first attempt)
    browser: Browser | None = None
    token: str = ""
    busy: set = field(default_factory=set)  # modules with a prepared, unsent submit


@dataclass(frozen=True)
class Submit:
    """A filled-in attempt, ready to send: the request and what it belongs to."""

    learner: Learner
    module: str
    request: bytes


def one_learner_at_a_time(submits: list[Submit]) -> list[Submit]:
    """Order submits so that neighbours belong to different learners while they can.

    A learner's gradings wait for each other (app/services/locks.py), and a real learner
    sends one quiz at a time: submits sent side by side should be different learners'.
    """
    by_learner: dict[int, list[Submit]] = {}
    for submit in submits:
        by_learner.setdefault(id(submit.learner), []).append(submit)
    rounds = itertools.zip_longest(*by_learner.values())
    return [submit for turn in rounds for submit in turn if submit is not None]


class Submits:
    """Prepare final submits from seeded learners, signing them in as they are needed."""

    def __init__(self, port: int, emails: list[str], modules: list[str]):
        self.port = port
        self.waiting = [
            Learner(email, list(modules), right=number % 2 == 0)
            for number, email in enumerate(emails)
        ]
        self.ready: list[Submit] = []
        self.questions = shown_markers()

    def take(self, count: int) -> list[Submit]:
        """Return `count` prepared submits (fewer if the learners run out of attempts)."""
        while len(self.ready) < count and self.waiting:
            learners = [ln for ln in self.waiting if set(ln.modules) - ln.busy]
            wanted = count - len(self.ready)
            chosen, room = [], 0
            for learner in learners:
                if room >= wanted:
                    break
                chosen.append(learner)
                room += len(set(learner.modules) - learner.busy)
            if not chosen:
                break
            with ThreadPoolExecutor(4) as pool:
                for made in pool.map(self._prepare, chosen):
                    self.ready.extend(made)
            self.waiting = [ln for ln in self.waiting if ln.modules]
            self.ready = one_learner_at_a_time(self.ready)
        return self.ready[:count]

    def sent(self, submits: list[Submit]) -> None:
        """Forget these submits: they have been sent (the rest stay ready for the next round)."""
        gone = {id(submit) for submit in submits}
        for submit in submits:
            submit.learner.busy.discard(submit.module)
        self.ready = [submit for submit in self.ready if id(submit) not in gone]

    def _prepare(self, learner: Learner) -> list[Submit]:
        if learner.browser is None:
            learner.browser = Browser(self.port)
            learner.browser.sign_in(learner.email)
        made = []
        for module in [m for m in learner.modules if m not in learner.busy]:
            request = self._attempt(learner, module)
            if request is None:
                learner.modules.remove(module)  # passed, or out of attempts
            else:
                learner.busy.add(module)
                made.append(Submit(learner, module, request))
        return made

    def _attempt(self, learner: Learner, module: str) -> bytes | None:
        browser = learner.browser
        overview = f"/modules/{module}/quiz/"
        if not learner.token:
            _, _, page = browser.request("GET", overview)
            learner.token = CSRF.search(page)[1]
        status, location, _ = browser.request("POST", overview, {"csrf_token": learner.token})
        if status != 302 or "/attempts/" not in location:
            return None
        path = urllib.parse.urlsplit(location).path
        status, _, page = browser.request("GET", path)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        form = AttemptForm.parse(page)
        if learner.right:
            body = urllib.parse.urlencode(form.every_question_answered_right(self.questions))
        else:
            body = urllib.parse.urlencode(form.every_question_answered())
        return post_request(form.action or path, body, {"Cookie": browser.cookie})
