"""The manager's page about a learner says where the learner is, not what to do next.

A reviewer found the manager's learner page showing the learner's own advice ("What to do
next ... Screens to read: ... then take the quiz"), its links opening the manager's own
module screens, and a contents link "Attempts left" leading to a section headed "Quiz
attempts". The manager reads facts about the learner instead; the learner's page is as it was.
"""

from lxml import html

from app import db
from app.content import catalogue
from app.services import learning
from tests.conftest import sign_in
from tests.web.journeys import pass_module
from tests.web.test_html_valid import nu_errors


def record_screens(app, learner: int, module, count: int) -> None:
    """Record the module's first `count` screens (and their checks) as done by the learner."""
    with app.app_context():
        for screen in module.screens[:count]:
            for key in screen.item_keys:
                learning.record(learner, module.slug, key)
        db.session().commit()


def where_items(page: str) -> list[str]:
    """Return the words of each item under the page's "Where ... is" heading."""
    found = html.fromstring(page)
    headings = found.xpath('//h2[@id="where"]')
    if not headings:
        return []
    (heading,) = headings
    (items,) = heading.xpath("following-sibling::ul[1]")
    return [" ".join(item.text_content().split()) for item in items.xpath("./li")]


def first_quiz_module(app):
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment and len(m.screens) > 3)


def test_the_manager_reads_where_the_learner_is_with_no_links_into_the_modules(
    app, client, pcn, tmp_path
):
    module = first_quiz_module(app)
    record_screens(app, pcn["asha"], module, 3)
    sign_in(client, "lead@example.org")
    page = client.get(f"/manage/learners/{pcn['asha']}").text
    assert "What to do next" not in page and "Screens to read" not in page
    assert "then take the quiz" not in page
    tree = html.fromstring(page)
    assert tree.xpath('//h2[@id="where"]')[0].text_content() == "Where Asha Elm is"
    # No link in the page opens a module, a screen or a quiz: the manager's own, not theirs.
    hrefs = [a.get("href") for a in tree.xpath("//main//a[@href]")]
    assert [h for h in hrefs if h.startswith("/modules/")] == []
    (item,) = [i for i in where_items(page) if i.startswith(module.title)]
    assert item.endswith(
        f": 3 of {len(module.screens)} screens read; the quiz is not yet open to them."
    ), item
    assert f"{module.title} develops " in item
    assert nu_errors({"manager's learner": page}, tmp_path) == []


def test_the_quiz_reads_as_open_once_every_screen_is_done(app, client, pcn):
    module = first_quiz_module(app)
    record_screens(app, pcn["asha"], module, len(module.screens))
    sign_in(client, "lead@example.org")
    page = client.get(f"/manage/learners/{pcn['asha']}").text
    (item,) = [i for i in where_items(page) if i.startswith(module.title)]
    screens = len(module.screens)
    assert item.endswith(f": {screens} of {screens} screens read; the quiz is open to them."), item


def test_the_learners_own_page_still_says_what_to_do_next(app, client, pcn):
    module = first_quiz_module(app)
    record_screens(app, pcn["asha"], module, 3)
    sign_in(client, "asha@example.org")
    page = client.get("/my/competencies").text
    assert "<h2>What to do next</h2>" in page and "Screens to read:" in page
    assert f'href="/modules/{module.slug}/">{module.title}</a> develops' in page
    assert 'id="where"' not in page


def test_a_passed_module_reads_as_passed_with_nothing_to_read(app, client, pcn):
    module = first_quiz_module(app)
    learner = app.test_client()
    sign_in(learner, "asha@example.org")
    pass_module(app, learner, "asha@example.org", module)
    sign_in(client, "lead@example.org")
    page = client.get(f"/manage/learners/{pcn['asha']}").text
    # Just passed: nothing in it to renew, so it is not among the modules that would move
    # the learner on.
    assert not [i for i in where_items(page) if i.startswith(module.title)]


def test_the_contents_link_says_what_its_section_is_headed(app, client, pcn):
    sign_in(client, "lead@example.org")
    tree = html.fromstring(client.get(f"/manage/learners/{pcn['asha']}").text)
    (link,) = tree.xpath('//a[@href="#quiz-attempts"]')
    (section,) = tree.xpath('//*[@id="quiz-attempts"]')
    heading = section.xpath(".//h2")[0].text_content().strip()
    assert link.text_content().strip() == heading == "Quiz attempts"
