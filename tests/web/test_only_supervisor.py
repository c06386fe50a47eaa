"""A learner who is their organisation's only supervisor cannot ask themselves to confirm."""

from tests.conftest import sign_in
from tests.web.test_practice import CODE, name_supervisor, page_url


def test_the_only_supervisor_is_told_there_is_no_other_to_ask(app, client, make_user):
    make_user(email="sole@example.org", profession="link-worker", org="Lone PCN")
    name_supervisor(app, "sole@example.org")
    sign_in(client, "sole@example.org")
    page = client.get(page_url(CODE)).text
    assert "no supervisor on Linkwise yet" not in page
    assert "You are your organisation’s only supervisor on Linkwise" in page
    assert "no other supervisor you can ask" in page
    assert "Ask a manager of your organisation to name another supervisor" in page
    assert 'name="supervisor"' not in page  # they are not offered as their own supervisor


def test_an_organisation_without_a_supervisor_is_told_so(app, client, make_user):
    make_user(email="lee@example.org", profession="link-worker", org="Lone PCN")
    sign_in(client, "lee@example.org")
    page = client.get(page_url(CODE)).text
    assert "Your organisation has no supervisor on Linkwise yet. Ask your manager" in page
    assert "only supervisor" not in page


def test_a_learner_in_no_organisation_is_sent_to_join_one(app, client, make_user):
    make_user(email="solo@example.org", profession="link-worker")
    sign_in(client, "solo@example.org")
    page = client.get(page_url(CODE)).text
    assert "Your organisation has no supervisor" not in page
    assert "You are not in an organisation on Linkwise" in page
    assert '<a href="/account/organisation">join your organisation with it</a>' in page
