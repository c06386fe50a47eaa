"""docs/course-review.md points at lines that still say what it quotes."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REVIEW = ROOT / "docs" / "course-review.md"
ROW = re.compile(
    r"^\| (?P<point>[^|]+?) \| `(?P<path>[^`:]+):(?P<line>\d+)` \| `(?P<text>[^`]+)` \|$"
)
# Every safety point issue 13 named, and each one its closing review added, must have at
# least one place in the table.
POINTS = [
    "Immediate danger: 999",
    "A&E",
    "NHS 111 option 2 (England)",
    "Crisis team",
    "Samaritans 116 123",
    "Shout 85258 (text)",
    "Not leaving the person alone",
    "Red flag: unexplained weight loss, GP told",
    "Red flag: unexplained weight loss, nutrition screen",
    "Red flag: new confusion",
    "Red flag: unexplained injuries",
    "Red flag: sudden decline",
    "Safeguarding adults",
    "Care Act 2014 section 42 enquiries",
    "Practice safeguarding lead",
    "Safeguarding children",
    "Children Act 1989 and 2004",
    "FGM: known cases in girls under 18 reported to the police (England and Wales)",
    "FGM: the professional reports in person, by the end of the next working day",
    "FGM: suspected cases and adults go through safeguarding",
    "Prevent: radicalisation to the safeguarding lead; 999 for an immediate threat",
    "Making Safeguarding Personal",
    "Mental capacity",
    "Mental Capacity Act 2005: five principles",
    "Consent meets confidentiality, not the UK GDPR lawful basis",
    "Common-law duty of confidentiality",
    "Caldicott Principles, including the 8th",
    "England scope",
    "Devolved nations differ",
    "HEE merged into NHS England on 1 April 2023",
]


def table_rows(text: str) -> list[dict[str, str]]:
    """Return the rows of the review table that point at a file and line."""
    return [m.groupdict() for m in map(ROW.match, text.splitlines()) if m]


def stale_rows(rows: list[dict[str, str]], root: Path) -> list[str]:
    """Return every row whose file or line does not hold the quoted text."""
    stale = []
    for row in rows:
        path, number = root / row["path"], int(row["line"])
        lines = path.read_text(encoding="utf-8").split("\n") if path.is_file() else []
        if not 1 <= number <= len(lines) or row["text"] not in lines[number - 1]:
            now = [str(n) for n, line in enumerate(lines, 1) if row["text"] in line]
            hint = f" (it is now on line {', '.join(now)})" if now else ""
            stale.append(f"{row['path']}:{number} does not say {row['text']!r}{hint}")
    return stale


def safety_table(text: str) -> list[str]:
    """Return the lines of the table under '## The table', up to the next heading."""
    section = text.split("\n## The table\n", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ")]


def test_every_row_points_at_a_line_that_says_what_the_table_quotes():
    text = REVIEW.read_text(encoding="utf-8")
    rows = table_rows(text)
    assert len(rows) == len(safety_table(text)) - 2  # every row but the header parses
    assert stale_rows(rows, ROOT) == []


def test_every_safety_point_of_the_issue_has_a_place():
    rows = table_rows(REVIEW.read_text(encoding="utf-8"))
    points = {row["point"] for row in rows}
    assert [p for p in POINTS if p not in points] == []
    assert all(len(row["text"].split()) >= 3 for row in rows)


def test_a_moved_line_or_a_reworded_phrase_is_caught(tmp_path):
    (tmp_path / "screen.md").write_text("first line\nCall 999 now\n")
    good = {"point": "x", "path": "screen.md", "line": "2", "text": "Call 999 now"}
    assert stale_rows([good], tmp_path) == []
    assert stale_rows([{**good, "line": "1"}], tmp_path) == [
        "screen.md:1 does not say 'Call 999 now' (it is now on line 2)"
    ]
    assert stale_rows([{**good, "line": "9"}], tmp_path)
    assert stale_rows([{**good, "text": "Call 111 now"}], tmp_path)
    assert stale_rows([{**good, "path": "gone.md"}], tmp_path)
