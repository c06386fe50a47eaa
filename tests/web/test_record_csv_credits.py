"""The learning record's CSV writes RCGP credits the one way the pages do: "0", "0.75", "1.5",
in a module's cell as in the totals (never "0.0" beside "0.75")."""

from tests.conftest import sign_in
from tests.web.journeys import pass_module
from tests.web.quiz_helpers import browser_form
from tests.web.test_what_counts import modules, record_csv

__all__ = ["modules"]  # the fixture, used by the test below


def reflect(client, module) -> None:
    page = f"/modules/{module.slug}/certificate/"
    form = browser_form(client.get(page).text, "reflection-form")
    assert client.post(page, data={**form, "learned": "Ask what matters first."}).status_code == 302


def credits_cells(client) -> tuple[list[str], list[str]]:
    rows = record_csv(client)
    column = rows[0].index("RCGP credits")
    return [r[column] for r in rows[1:-2]], [r[column] for r in rows[-2:]]


def test_rcgp_credits_are_written_alike_in_modules_and_totals(app, client, make_user, modules):
    sign_in(client, make_user(profession="gp"))
    for module in modules:
        pass_module(app, client, "learner@example.org", module)
    cells, totals = credits_cells(client)
    assert set(cells) - {""} == {"needs a reflection written"}
    assert totals == ["0", "0"]  # no credits yet: a whole number, as "0.75" is written
    reflect(client, modules[0])
    cells, totals = credits_cells(client)
    assert "0.75" in cells and totals == ["0.75", "0.75"]
    reflect(client, modules[1])
    cells, totals = credits_cells(client)
    whole = sum(m.cpd_minutes for m in modules)
    written = f"{round(whole / 60, 2):.2f}".rstrip("0").rstrip(".")
    assert totals == [written, written]
    for cell in [*cells, *totals]:
        assert not (("." in cell and cell.endswith("0")) or cell.endswith(".")), cell
