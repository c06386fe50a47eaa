"""A knowledge check's `Screens:` lines are checked as an assessment's are: a slug that is no
screen of the module is an error at its line, since the feedback would link to a missing page."""

from .test_validate_subset import check, site  # noqa: F401  (site is a fixture)

CHECK = "content/quizzes/referral-routes-check-1.md"


def test_a_knowledge_check_naming_no_screen_of_its_module_is_an_error_at_its_line(site):  # noqa: F811
    path = site / CHECK
    text = path.read_text("utf-8")
    good = "Screens: a-good-referral, self-referral"
    assert good in text
    path.write_text(text.replace(good, "Screens: a-good-referral, self-referal"), "utf-8")
    line = text.splitlines().index(good) + 1
    assert check(site) == [
        f"{CHECK}:{line}: error: question 1 names screen 'self-referal' in 'Screens:', which is "
        "not a screen of module 'referral-routes' (did you mean 'self-referral'?)"
    ]
    # Named alone, the check is still held to its module's screens.
    assert check(site, path) == check(site)
