"""A screen's browser tab names the screen, which of the module's screens it is, then its
module, then Linkwise: never a part twice, and never the title of another page.

A reviewer found the first screen of "What is social prescribing?", itself titled "What is
social prescribing?", giving the tab "What is social prescribing? - What is social
prescribing? - Linkwise"; with the module named once, a later review found that screen's tab
the same as the module page's, "What is social prescribing? - Linkwise".
"""

from lxml import html

from app.content import catalogue
from tests.web.journeys import done_before, user_id
from tests.web.test_learn import screen_url


def tab_title(page: str) -> str:
    return " ".join(html.fromstring(page).findtext(".//title").split())


def test_a_screen_named_as_its_module_names_it_once_and_says_which_screen(app, signed_in):
    with app.app_context():
        module, screen = next(
            (m, s) for m in catalogue().modules for s in m.screens if s.title == m.title
        )
    done_before(app, user_id(app, "learner@example.org"), module, screen)
    page = signed_in.get(screen_url(module, screen)).text
    where = f"(screen {screen.number} of {len(module.screens)})"
    assert tab_title(page) == f"{screen.title} {where} - Linkwise"
    module_page = signed_in.get(f"/modules/{module.slug}/").text
    assert tab_title(module_page) == f"{module.title} - Linkwise"


def test_a_screen_named_otherwise_names_its_module_after_it(app, signed_in):
    with app.app_context():
        module, screen = next(
            (m, s) for m in catalogue().modules for s in m.screens if s.title != m.title
        )
    done_before(app, user_id(app, "learner@example.org"), module, screen)
    page = signed_in.get(screen_url(module, screen)).text
    where = f"(screen {screen.number} of {len(module.screens)})"
    assert tab_title(page) == f"{screen.title} {where} - {module.title} - Linkwise"


def test_no_two_pages_of_a_module_share_a_title(app, signed_in):
    """The module's page and each of its screens: every tab says a different thing."""
    with app.app_context():
        module = catalogue().modules[0]
    done_before(app, user_id(app, "learner@example.org"), module, module.screens[-1])
    titles = [tab_title(signed_in.get(f"/modules/{module.slug}/").text)]
    titles += [tab_title(signed_in.get(screen_url(module, s)).text) for s in module.screens]
    assert len(set(titles)) == len(titles) == len(module.screens) + 1, titles
