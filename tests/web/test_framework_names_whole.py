"""A competency framework is named whole wherever a manager chooses one: its select's options
were cut at 48 characters, so two drafts read "… (Linkwise draft…" alike."""

from lxml import html

from app.content import catalogue
from tests.conftest import sign_in
from tests.web.pcn import pcn  # noqa: F401 (fixture)
from tests.web.test_compliance import practices  # noqa: F401 (fixture)


def _options(page, select_id: str) -> dict[str, str]:
    select = page.get_element_by_id(select_id)
    return {o.get("value"): " ".join(o.text_content().split()) for o in select.iter("option")}


def test_the_framework_selects_name_each_framework_whole(app, client, practices):  # noqa: F811
    with app.app_context():
        titles = {f.id: f.title for f in catalogue().frameworks}
    longest = max(titles, key=lambda found: len(titles[found]))
    assert len(titles[longest]) > 48  # the shipped frameworks' names are long: worth testing
    sign_in(client, "lead@example.org")
    compliance = html.fromstring(client.get(f"/manage/compliance?framework={longest}").text)
    assert {k: v for k, v in _options(compliance, "framework").items() if k} == titles
    # On a phone the select shows the start of its choice: the figures name it whole.
    caption = compliance.get_element_by_id("by-competency").find("caption").text_content()
    assert f"Competencies met in {titles[longest]}" in " ".join(caption.split())
    dashboard = html.fromstring(client.get(f"/manage/?framework={longest}").text)
    assert _options(dashboard, "framework") == titles
    assert titles[longest] in " ".join(dashboard.text_content().split())
