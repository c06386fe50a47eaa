"""`linkwise validate` refuses values past their bounds, each at its file and line with the
range allowed, as the QA round's values once passed and then broke pages; and numbers not
written plainly, which YAML took as other numbers than they show."""

from .cli_helpers import run_linkwise
from .course_files import copy_course

# (file under the copy, text in it, what it becomes, the message after "error: ")
SLIPS = [
    (
        "content/quizzes/referral-routes-assessment.md",
        "max_attempts: 3\n",
        "max_attempts: 99999999999999999999999\n",
        "'max_attempts' must be from 1 to 100, not 99999999999999999999999",
    ),
    (
        "content/quizzes/referral-routes-assessment.md",
        "  wait_days: 7\n",
        "  wait_days: 3000000\n",
        "'wait_days' must be from 0 to 365 (a year), not 3000000",
    ),
    (
        "content/quizzes/safeguarding-risk-and-confidentiality-assessment.md",
        "\nmax_attempts:",
        "\ntime_limit_minutes: 99999999999\nmax_attempts:",
        "'time_limit_minutes' must be from 1 to 1440 (a day), not 99999999999",
    ),
    (
        "content/quizzes/referral-routes-assessment.md",
        "ID: rr-q22\n",
        "ID: rr-q22\nPoints: 1000000\n",
        "question 1 has points '1000000': points must be a number above 0 and at most 100",
    ),
    (
        "content/modules/referral-routes/module.md",
        "published: 2026-12-07\n",
        "published: 0001-01-01\n",
        "'published' must be a date from 2000-01-01 to 2099-12-31, not 0001-01-01",
    ),
    (
        "content/modules/how-the-system-works/module.md",
        "published: 2026-12-07\n",
        "published: 2026-02-30\n",
        "'published' must be a real date written like 2026-12-01, not 2026-02-30",
    ),
    (
        "content/modules/what-is-social-prescribing/module.md",
        "\norder: 1\n",
        "\norder: 99999999999999\n",
        "'order' must be from 0 to 1000, not 99999999999999",
    ),
    (
        "competencies/splw.yaml",
        "\nvalid_for: 3y\n",
        "\nvalid_for: 9000y\n",
        "'valid_for' can be at most 50 years (50y, 600m or 2608w), not 9000y",
    ),
    (
        "competencies/referrer.yaml",
        "        valid_for: 1y\n",
        "        valid_for: 100000000d\n",
        "'valid_for' can be at most 50 years (50y, 600m or 2608w), not 100000000d",
    ),
    # Numbers YAML or a looser reading once took silently, each as something else than shown.
    (
        "content/modules/referral-routes/module.md",
        "\norder: 3\n",
        "\norder: 010\n",
        "'order' is written '010', with a leading zero, which YAML reads as 8: write it as 10",
    ),
    (
        "content/quizzes/how-the-system-works-assessment.md",
        "\npass_mark: 80\n",
        "\npass_mark: +80\n",
        "'pass_mark' is written '+80', with a '+' sign: write it as 80",
    ),
    (
        "content/quizzes/how-the-system-works-assessment.md",
        "ID: hsw-q02\n",
        "ID: hsw-q02\nPoints: 1e0\n",
        "question 2 has points '1e0', with an exponent: write it as 1",
    ),
    (
        "competencies/referrer.yaml",
        "  minimum_evidence: 3\n",
        "  minimum_evidence: 1:30\n",
        "'minimum_evidence' is written '1:30', with a ':', which YAML reads as 90: write it as "
        "a plain whole number, in the digits 0 to 9",
    ),
]


def test_validate_reports_each_value_past_its_bound_at_its_line(tmp_path):
    course = copy_course(tmp_path)
    expected = []
    for file, old, new, message in SLIPS:
        path = course / file
        text = path.read_text("utf-8")
        assert old in text, old
        text = text.replace(old, new, 1)
        path.write_text(text, "utf-8")
        at = next(line for line in new.split("\n") if line and line not in old)
        expected.append((str(path), text.split("\n").index(at) + 1, message))
    result = run_linkwise(
        "validate",
        env={
            "LINKWISE_CONTENT_DIR": str(course / "content"),
            "LINKWISE_COMPETENCIES_DIR": str(course / "competencies"),
        },
    )
    errors = [shown for shown in result.stdout.splitlines() if ": error: " in shown]
    assert sorted(errors) == sorted(f"{path}:{line}: error: {msg}" for path, line, msg in expected)
    assert result.returncode == 1
