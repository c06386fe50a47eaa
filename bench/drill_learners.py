"""The submit drill's learners: added with every module's screens done, signed in, each quiz
started three times at once; and the plain HTTP requests they send (bench/drill.py)."""

import http.client
import random
import re
import urllib.parse
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from bench.server import PASSWORD, sign_in


def make_learners(app, count: int) -> list[str]:
    """Add learners (one password hash for all) who have finished every module's screens."""
    from sqlalchemy import insert, select

    from app import db
    from app.content import catalogue
    from app.models import Completion, Organisation, User, utcnow
    from app.services import accounts

    with app.app_context():
        session = db.session()
        organisation_id = session.scalar(select(Organisation.id))
        password = accounts.hash_password(PASSWORD)
        now = utcnow()
        emails = [f"drill-{n}@example.org" for n in range(1, count + 1)]
        ids = session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {
                    "email": email,
                    "full_name": f"Drill Learner {n}",
                    "password_hash": password,
                    "profession": "link-worker",
                    "role": "learner",
                    "organisation_id": organisation_id,
                    "professional_confirmed_at": now,
                    "professional_confirmed_as": "link-worker",
                    "session_token": f"drill{n:020d}",
                    "created_at": now,
                }
                for n, email in enumerate(emails, 1)
            ],
        ).all()
        session.execute(
            insert(Completion),
            [
                {"user_id": user_id, "module_slug": m.slug, "item_key": key, "completed_at": now}
                for user_id in ids
                for m in catalogue().modules
                if m.assessment
                for key in m.screen_item_keys
            ],
        )
        session.commit()
    return emails


def quiz_modules(app) -> list[str]:
    """Return the slugs of the modules that end in a quiz."""
    from app.content import catalogue

    with app.app_context():
        return [m.slug for m in catalogue().modules if m.assessment]


class Learner:
    """A signed-in learner: their cookie and a CSRF token from a page."""

    def __init__(self, port: int, email: str):
        self.port, self.email = port, email
        self.cookie = sign_in(port, email)
        status, headers, page = send(port, "GET", "/account/", None, self.cookie)
        self.cookie = _merge_cookies(self.cookie, headers)
        self.token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    def start(self, module: str) -> tuple["Learner", str]:
        """Start the module's quiz; return the attempt's path."""
        body = {"csrf_token": self.token}
        status, headers, _ = send(self.port, "POST", f"/modules/{module}/quiz/", body, self.cookie)
        location = dict(headers).get("Location", "")
        assert status == 302 and "/attempts/" in location, (status, location)
        return self, urllib.parse.urlsplit(location).path


def start_three_times_at_once(pairs, seed: int) -> tuple[list[tuple[Learner, str]], int]:
    """Start each learner's quiz three times, the starts shuffled among everyone's and sent
    at once; return one (learner, attempt path) a quiz, and how many quizzes got more than
    one attempt (each of the three must be sent to the same one)."""
    starts = [pair for pair in pairs for _ in range(3)]
    random.Random(seed).shuffle(starts)
    paths = defaultdict(set)
    for (learner, module), (_, path) in zip(
        starts, in_pool(lambda pair: pair[0].start(pair[1]), starts), strict=True
    ):
        paths[learner, module].add(path)
    attempts = [(learner, min(found)) for (learner, _), found in paths.items()]
    return attempts, sum(1 for found in paths.values() if len(found) > 1)


def send(port, method, path, fields, cookie, headers=None):
    """Send one request on a connection of its own; return its status, headers and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    body = urllib.parse.urlencode(fields, doseq=True) if fields is not None else None
    sent = {"Cookie": cookie, **(headers or {})}
    if body is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body, sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, response.getheaders(), text
    finally:
        connection.close()


def _merge_cookies(cookie: str, headers) -> str:
    jar = dict(part.split("=", 1) for part in cookie.split("; "))
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.split(";")[0].partition("=")
            jar[key] = rest
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def in_pool(work, items):
    """Do the work on every item from a pool of 16 threads; return the results in order."""
    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(work, items))
