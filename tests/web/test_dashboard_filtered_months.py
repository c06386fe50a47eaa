"""The dashboard's monthly completions, filtered: an empty chart speaks of the learners the
filters select, not of the whole organisation."""

from app.content import catalogue
from tests.conftest import sign_in
from tests.web.journeys import pass_module
from tests.web.test_dashboard_counts import module_completions


def test_filters_that_select_no_completer_say_so_not_that_nobody_completed(app, client, pcn):
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    asha = app.test_client()
    sign_in(asha, "asha@example.org")
    pass_module(app, asha, "asha@example.org", module)
    sign_in(client, "lead@example.org")

    _, months = module_completions(client.get("/manage/").text, module)
    assert 'numeric">1</td>' in months
    _, months = module_completions(client.get("/manage/?q=ben").text, module)
    assert "None of the learners your filters select has completed a module yet." in months
    assert "No learner has completed a module yet." not in months
