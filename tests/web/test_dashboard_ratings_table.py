"""The table under the chart of levels by domain carries every figure the chart draws.

Screen-reader and colour-blind readers read the table instead of the chart: it once had no
"Not enough evidence" column, though the chart draws that rating in every domain's bar.
"""

from lxml import html
from sqlalchemy import delete, update

from app import db
from app.content import catalogue
from app.models import CompetencyLevel
from tests.web.test_manage import add_learners, manager  # noqa: F401 (a fixture)

ORG = "Riverside PCN"


def chart_and_table(page: str) -> tuple[dict[int, dict[str, int]], list[str], dict[str, list]]:
    """Return each domain's bar as {rating: figure} (its parts' titles), the key's names, and
    the table's header and each competency's row of figures."""
    tree = html.fromstring(page)
    chart = {}
    for row in tree.find_class("lw-levels__row"):
        number = int(row.find_class("lw-levels__domain")[0].text_content().split(".")[0])
        titles = [title.text_content() for title in row.iter("{*}title", "title")]
        chart[number] = {
            name: int(figure) for name, figure in (title.rsplit(": ", 1) for title in titles)
        }
    key = [item.text_content().strip() for item in tree.find_class("lw-key-item")]
    table = tree.xpath("//table[caption[contains(., 'at each knowledge rating per competency')]]")
    heads = [th.text_content() for th in table[0].iter("th") if th.get("scope") == "col"]
    rows = {
        tr.find("th").text_content().split()[0]: [
            int(td.text_content().replace(",", "")) for td in tr.findall("td")
        ]
        for tr in table[0].find("tbody").iter("tr")
    }
    return chart, key, {"heads": heads, **rows}


def test_the_ratings_table_carries_every_figure_of_the_levels_chart(app, manager):  # noqa: F811
    """Its columns are the chart's ratings, "Not enough evidence" among them; a domain's
    competencies' figures add up to each part of the domain's bar."""
    learners = add_learners(app, ORG, 9)  # link workers, each rated in every competency
    with app.app_context():
        framework = next(f for f in catalogue().frameworks if "link-worker" in f.applies_to)
        first, second = framework.domains[0].competencies[:2]
        session = db.session()
        # One learner has no rating at all, another none in one competency, a third a stored
        # "Not enough evidence" (as once every answer behind a rating has expired).
        session.execute(delete(CompetencyLevel).where(CompetencyLevel.user_id == learners[0]))
        session.execute(
            delete(CompetencyLevel).where(
                CompetencyLevel.user_id == learners[1],
                CompetencyLevel.competency_code == first.code,
            )
        )
        session.execute(
            update(CompetencyLevel)
            .where(
                CompetencyLevel.user_id == learners[2],
                CompetencyLevel.competency_code == second.code,
            )
            .values(level="Not enough evidence")
        )
        session.commit()
    chart, key, table = chart_and_table(manager.get(f"/manage/?framework={framework.id}").text)

    names = ["Secure", "Developing", "Not yet", "Not enough evidence"]
    assert key == names and table.pop("heads") == ["Competency", *names]
    assert set(chart) == {domain.number for domain in framework.domains}
    for domain in framework.domains:
        rows = [table[c.code] for c in domain.competencies]
        summed = dict(zip(names, (sum(column) for column in zip(*rows, strict=True)), strict=True))
        assert summed == chart[domain.number], domain.number
        assert all(sum(row) == len(learners) for row in rows)  # every learner, once a competency
    assert table[first.code][-1] == 2 and table[second.code][-1] == 2
    in_first_domain = len(framework.domains[0].competencies) + 2
    assert chart[framework.domains[0].number]["Not enough evidence"] == in_first_domain
