"""A course whose first screen ends with two wide tables, and whose quiz asks about a table.

The tables have many columns and long words, so on a phone (320 px) they are far wider than
the page: one has a `Table N:` caption, the other none. Tests of how Markdown tables are shown
import the fixture `app` from here.
"""

from pathlib import Path

import pytest

from app import content
from tests.conftest import PROJECT_ROOT
from tests.web import course_files

CAPTION = "Table 9: Contacts a link worker might record in one week, by kind of support"
# Named from its first three column headings, as it has no caption.
UNCAPTIONED = "Table: Warning sign, What to do, Who to tell and 3 more columns"
QUESTION_TABLE = "Table: Need, Service, How to get in touch"

CONTACTS = [
    ["Kind of support", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
     "Outcome measure", "Recorded where"],
    ["Befriending", "3", "2", "4", "1", "2", "Wellbeing-questionnaire",
     "Practice-management-system"],
    ["Debt-and-benefits-advice", "1", "0", "2", "3", "1", "Accommodation-secured",
     "Multidisciplinary-meeting-notes"],
    ["Physical activity", "2", "2", "1", "0", "4", "Self-reported-activity",
     "Practice-management-system"],
]  # fmt: skip
WARNING_SIGNS = [
    ["Warning sign", "What to do", "Who to tell", "By when", "How to record", "Follow-up"],
    ["Unexplained weight loss", "Stop and refer back", "The person's GP", "The same day",
     "Safeguarding-and-clinical-concerns-log", "Interdisciplinary-review"],
    ["New confusion", "Stop and refer back", "The person's GP", "The same day",
     "Safeguarding-and-clinical-concerns-log", "Interdisciplinary-review"],
]  # fmt: skip
SERVICES = [
    ["Need", "Service", "How to get in touch"],
    ["Money worries", "An independent advice service", "Telephone-or-drop-in-appointments"],
    ["Loneliness", "A befriending scheme", "Referral-from-any-professional"],
]


def pipe_table(rows: list[list[str]], indent: str = "") -> str:
    """Write rows as a Markdown pipe table, the first row its headings."""
    lines = [rows[0], ["---"] * len(rows[0]), *rows[1:]]
    return "\n".join(f"{indent}| {' | '.join(cells)} |" for cells in lines)


WIDE_TABLES = f"""

## Keeping count

{CAPTION}

{pipe_table(CONTACTS)}

Sometimes a sign calls for more than a community group:

{pipe_table(WARNING_SIGNS)}
"""

TABLE_QUESTION = f"""
ID: t-table
Competencies: {{code}}
Outcomes: 1
6.  Which service in the table below helps with money worries?

{pipe_table(SERVICES, indent="    ")}
a)  A befriending scheme
*b) An independent advice service
"""


def first_screen(root: Path, module) -> Path:
    """Return the file of the module's first screen in the copy."""
    folder = root / "content" / "modules" / module.slug
    return next(path for path in sorted(folder.glob("*.md")) if path.name != "module.md")


@pytest.fixture(name="app")
def app_with_wide_tables(database_url, tmp_path, smtp_server):
    """Return an app on a copy of the course whose first module's first screen ends with the
    wide tables above, and whose quiz (the test's own) has a question holding a table."""
    from tests.conftest import build_app

    root = course_files.copy_course(tmp_path)
    shipped = content.load(PROJECT_ROOT / "content", PROJECT_ROOT / "competencies").catalogue
    module = shipped.modules[0]
    screen = first_screen(root, module)
    screen.write_text(screen.read_text("utf-8") + WIDE_TABLES, "utf-8")
    quiz = course_files.write_quiz(root, module)
    quiz.write_text(
        quiz.read_text("utf-8") + TABLE_QUESTION.format(code=module.competency_codes[0]),
        "utf-8",
    )
    served = build_app(
        database_url,
        smtp_server,
        CONTENT_DIR=root / "content",
        COMPETENCIES_DIR=root / "competencies",
    )
    yield served
    course_files.clean(served)
