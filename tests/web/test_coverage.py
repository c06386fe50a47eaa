"""Trainers see how well the quizzes cover the competency framework."""

from app.content import catalogue
from app.domain.coverage import coverage
from tests.conftest import sign_in


def test_coverage_counts_every_aligned_assessment_question(app):
    with app.app_context():
        course = catalogue()
        rows = {row.competency.code: row for row in coverage(course)}
        expected = sum(
            len(q.competencies)
            for m in course.modules
            if m.assessment
            for q in m.assessment.questions
        )
    assert sum(len(row.questions) for row in rows.values()) == expected
    assert set(rows) == {c.code for c in course.competencies}


def test_trainers_see_the_coverage_page_and_flags(client, make_user, app):
    sign_in(client, make_user(email="trainer@example.org", role="trainer"))
    page = client.get("/author/coverage").text
    with app.app_context():
        rows = coverage(catalogue())
    assert "Aligned questions per competency" in page
    short = [row for row in rows if not row.enough]
    assert (f"{len(short)} competencies need more questions" in page) == bool(short)


def test_learners_get_404_for_the_coverage_page(signed_in):
    assert signed_in.get("/author/coverage").status_code == 404


def coverage_cells(page: str, code: str) -> list[str]:
    """Return the cells of a competency's row on the coverage page, after its name."""
    row = page.split(f"<strong>{code}</strong>", 1)[1].split("</tr>", 1)[0]
    return [cell.split(">", 1)[1].split("</td>", 1)[0] for cell in row.split("<td")[1:]]


def test_the_page_counts_what_every_attempt_is_sure_to_ask_not_every_pooled_question(
    client, make_user
):
    # SPLW-7.1 has five aligned questions: two asked every time, a pool of its own asking 1
    # of 2, and ri-q14 in a pool asking 1 of 7 that may skip it.
    sign_in(client, make_user(email="trainer@example.org", role="trainer"))
    cells = coverage_cells(client.get("/author/coverage").text, "SPLW-7.1")
    assert cells[:2] == ["3", "4"]  # sure to be asked, at most
    assert "Enough" in cells[2] and "3 needed" in cells[2] and "more" not in cells[2]
    assert cells[3] == (
        "ri-q01, ri-q02, ri-q14 (in a pool asking 1 of 7), ri-q25 (in a pool asking 1 of 2), "
        "ri-q26 (in a pool asking 1 of 2)"
    )
