"""Module pages show their provenance; the home page shows times and the referrers' route."""

import html

from app.content import catalogue


def test_each_module_page_shows_version_reviewer_dates_and_full_references(app, signed_in):
    with app.app_context():
        modules = catalogue().modules
    for module in modules:
        page = html.unescape(signed_in.get(f"/modules/{module.slug}/").text)
        about = module.provenance
        assert "About this module" in page
        for text in (about.version, about.author, about.clinical_reviewer):
            assert text in page, (module.slug, text)
        assert about.published.strftime("%-d %B %Y") in page
        assert about.next_review.strftime("%-d %B %Y") in page
        for ref in (*about.references, *about.further_reading):
            assert f'<a href="{ref.url}">{ref.title}</a>. {ref.publisher}, {ref.year}.' in page


def test_home_page_gives_each_module_its_own_time_and_the_referrers_route(app, client):
    client.set_cookie("linkwise_professional", "yes")
    page = html.unescape(client.get("/").text)
    with app.app_context():
        course = catalogue()
        route = course.modules_developing("referrer")
    assert "about 20 minutes" not in page
    total = sum(m.estimated_minutes for m in course.modules)
    assert f"about {total} minutes in all" in page
    for module in course.modules:
        assert f"About {module.estimated_minutes} minutes." in page
    assert route and len(route) < len(course.modules)
    section = page.split("If you refer people to a link worker")[1].split("If you are a link")[0]
    for module in course.modules:
        assert (f">{module.title}</a>" in section) == (module in route), module.slug


def test_home_page_claims_knowledge_from_modules_and_practice_from_a_supervisor(client):
    # Quiz answers show what is known; what is done in practice needs a person who saw it.
    client.set_cookie("linkwise_professional", "yes")
    page = html.unescape(client.get("/").text)
    bullet = page.split("Each module maps to a competency framework")[1].split("</li>")[0]
    assert "what you can do" not in bullet
    assert "what you know" in bullet and "a supervisor" in bullet
