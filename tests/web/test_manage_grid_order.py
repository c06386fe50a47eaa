"""The grid's page order: by name either way, or the most competencies met first."""

from tests.web.test_manage_standing import PEOPLE, manager  # noqa: F401 (the fixture)


def in_order(page: str) -> list[str]:
    found = {name: page.index(name) for name in PEOPLE if name in page}
    return sorted(found, key=found.get)


def test_the_grid_sorts_by_name_and_by_competencies_met(manager):  # noqa: F811
    assert in_order(manager.get("/manage/?framework=splw").text) == [
        "Due Dan", "Expired Eve", "Lapsed Len", "Met Mary", "Waiting Wes"
    ]  # fmt: skip
    assert in_order(manager.get("/manage/?framework=splw&sort=-name").text) == [
        "Waiting Wes", "Met Mary", "Lapsed Len", "Expired Eve", "Due Dan"
    ]  # fmt: skip
    # Met and due soon both count as met; ties by name.
    assert in_order(manager.get("/manage/?framework=splw&sort=competent").text) == [
        "Due Dan", "Met Mary", "Expired Eve", "Lapsed Len", "Waiting Wes"
    ]  # fmt: skip
