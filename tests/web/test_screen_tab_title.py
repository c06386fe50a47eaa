"""A screen's browser tab names the screen, then its module, then Linkwise: never a part twice.

A reviewer found the first screen of "What is social prescribing?", itself titled "What is
social prescribing?", giving the tab "What is social prescribing? - What is social
prescribing? - Linkwise".
"""

from lxml import html

from app.content import catalogue
from tests.web.journeys import done_before, user_id
from tests.web.test_learn import screen_url


def tab_title(page: str) -> str:
    return " ".join(html.fromstring(page).findtext(".//title").split())


def test_a_screen_named_as_its_module_names_it_once(app, signed_in):
    with app.app_context():
        module, screen = next(
            (m, s) for m in catalogue().modules for s in m.screens if s.title == m.title
        )
    done_before(app, user_id(app, "learner@example.org"), module, screen)
    page = signed_in.get(screen_url(module, screen)).text
    assert tab_title(page) == f"{screen.title} - Linkwise"


def test_a_screen_named_otherwise_names_its_module_after_it(app, signed_in):
    with app.app_context():
        module, screen = next(
            (m, s) for m in catalogue().modules for s in m.screens if s.title != m.title
        )
    done_before(app, user_id(app, "learner@example.org"), module, screen)
    page = signed_in.get(screen_url(module, screen)).text
    assert tab_title(page) == f"{screen.title} - {module.title} - Linkwise"
