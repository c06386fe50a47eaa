"""A mistake that keeps a file from being read is reported once, where it is fixed: not
again at every quiz, link or count that depended on the file."""

from .test_validate_subset import check, site  # noqa: F401  (site is a fixture)

MODULES = "content/modules"


def test_a_module_md_renamed_module_md_is_one_error_at_its_folder(site):  # noqa: F811
    folder = site / MODULES / "referral-routes"
    (folder / "module.md").rename(folder / "Module.md")
    only = [
        f"{MODULES}/referral-routes: error: no module.md (found Module.md): rename it module.md"
    ]
    # Not "module 'referral-routes' does not exist" at each of its quizzes, nor at each link
    # to it from other modules, nor its competencies "cannot be rated".
    assert check(site) == only
    assert check(site, site / "content" / "quizzes" / "referral-routes-check-1.md") == only
    assert check(site, folder / "02-medical-routes.md") == only


def test_a_screen_slug_used_twice_is_one_error_not_a_later_screen_warning_too(site):  # noqa: F811
    folder = site / MODULES / "referral-routes"
    (folder / "10-a-good-referral.md").write_text(
        "---\ntitle: More on good referrals\n---\n## What to add\n\nText.\n"
    )
    # 09-summary links to the first screen of that slug, which comes before it.
    assert check(site) == [
        f"{MODULES}/referral-routes/10-a-good-referral.md:1: error: screen slug "
        "'a-good-referral' is also used by 05-a-good-referral.md"
    ]
