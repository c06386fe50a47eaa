"""Managers' and administrators' pages at 320 px and 1280 px: selects fit a phone, and tables
use the width there is, breaking text only where a reader would.
"""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, browser_sign_in

# How many lines each word of an element's text takes: 1 for a whole word (a word broken
# mid-word has a rectangle on each line it spans).
WORD_LINES = """element => {
    const lines = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const found of node.data.matchAll(/\\S+/g)) {
            const range = document.createRange();
            range.setStart(node, found.index);
            range.setEnd(node, found.index + found[0].length);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            lines.push([found[0], tops.size]);
        }
    }
    return lines;
}"""
PAGE_SCROLLS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_every_filter_select_is_full_width_on_a_phone_and_wraps_a_long_choice(
    page, live_server, make_user
):
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    page.set_viewport_size({"width": 320, "height": 900})
    browser_sign_in(page, live_server, "manager@example.org")
    # The longest framework's title, chosen: more than a phone's line.
    page.goto(live_server + "/manage/?framework=referrer")
    form = page.locator("form.lw-filters").first
    width = form.evaluate("form => form.clientWidth")
    selects = form.locator("select")
    expect(selects).to_have_count(5)
    for index in range(5):
        box = selects.nth(index).bounding_box()
        assert abs(box["width"] - width) <= 1, (index, box, width)  # full width, each
    chosen = page.get_by_label("Framework")
    expect(chosen).to_have_value("referrer")
    # Its whole title shows, over three lines, rather than its start cut off.
    height = chosen.evaluate("select => select.getBoundingClientRect().height")
    font = chosen.evaluate("select => parseFloat(getComputedStyle(select).fontSize)")
    assert height >= 3 * font * 1.2, (height, font)  # a line of 1.25 em, three of them
    assert page.evaluate(PAGE_SCROLLS) == 0
    assert_accessible(page)


def test_the_audit_logs_detail_keeps_its_words_whole_at_1280(app, page, live_server, make_user):
    from app import db
    from app.services import audit

    make_user(email="admin@example.org", role="admin")
    with app.app_context():
        session = db.session()
        audit.record(
            session,
            "role.changed",
            email="priya.patel@example.org",
            old_organisation="Riverside Primary Care Network",
            new_organisation="Oakfield and District PCN",
            confined_to="Elm Street Surgery, Oak Lane Practice",
        )
        session.commit()
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_sign_in(page, live_server, "admin@example.org")
    page.goto(live_server + "/admin/audit?kind=role.changed")
    row = page.locator("tbody tr").first
    detail = row.locator("td").last
    expect(detail).to_contain_text("new_organisation=Oakfield and District PCN")
    broken = [word for word, lines in detail.evaluate(WORD_LINES) if lines > 1]
    assert not broken, broken  # "organisation=O" / "r PCN" no more
    # The table takes the window's spare width beyond the 960px column, and needs no scroll.
    box = page.get_by_role("region", name="Audit events")
    main = page.locator("main").evaluate("main => main.clientWidth")
    assert box.evaluate("box => box.clientWidth") > main
    assert box.evaluate("box => box.scrollWidth - box.clientWidth") == 0
    assert page.evaluate(PAGE_SCROLLS) == 0
    assert_accessible(page)


def test_the_managers_learner_page_gives_its_tables_the_whole_width(
    app, page, live_server, make_user
):
    from app.content import catalogue
    from tests.conftest import sign_in
    from tests.web.journeys import pass_module, user_id

    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    make_user(email="asha@example.org", org="Riverside PCN", full_name="Asha Elm")
    learner = app.test_client()
    sign_in(learner, "asha@example.org")
    with app.app_context():
        module = catalogue().modules[0]
    code = pass_module(app, learner, "asha@example.org", module)
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_sign_in(page, live_server, "manager@example.org")
    page.goto(f"{live_server}/manage/learners/{user_id(app, 'asha@example.org')}")
    certificate = page.locator("code", has_text=code)
    expect(certificate).to_be_visible()
    # On one line: not three, beside the third of the page the two-thirds column left empty.
    assert certificate.evaluate("code => code.getClientRects().length") == 1
    table = page.get_by_role("region", name="Each module: progress, completion, best score")
    main = page.locator("main").evaluate("main => main.clientWidth")
    assert table.evaluate("box => box.clientWidth") >= main - 1, main
    title = page.locator("td", has_text=module.title).first
    assert not [word for word, lines in title.evaluate(WORD_LINES) if lines > 1]
    assert page.evaluate(PAGE_SCROLLS) == 0
    assert_accessible(page)
