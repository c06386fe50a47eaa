"""Loading the valid fixture into an immutable catalogue, and discovering sources."""

import dataclasses
from pathlib import Path

import pytest

from app.domain.catalogue import load_catalogue, load_sources, validate
from app.domain.sources import discover

from .conftest import BROKEN, TINY_FRAMEWORK, VALID

FIRST_STEPS = VALID / "modules" / "first-steps"


@pytest.fixture(scope="module")
def catalogue():
    result = load_catalogue([FIRST_STEPS], [TINY_FRAMEWORK])
    assert result.problems == ()
    return result.catalogue


def test_module_carries_its_front_matter(catalogue):
    module = catalogue.module("first-steps")
    assert (module.title, module.order, module.estimated_minutes, module.cpd_minutes) == (
        "First steps",
        1,
        10,
        15,
    )
    assert module.learning_outcomes == ("Say what a link worker does",)
    assert module.competency_codes == ("TINY-1.1", "TINY-2.1")
    assert module.intro_html == (
        '<p>This module has <a href="/modules/first-steps/welcome/">three screens</a>.</p>'
    )


def test_screens_are_ordered_by_number_with_menu_titles(catalogue):
    module = catalogue.module("first-steps")
    assert [(s.number, s.slug, s.menu_title) for s in module.screens] == [
        (1, "welcome", "Welcome"),
        (2, "roles", "Roles and responsibilities"),
        (3, "model", "The model of personalised care"),
    ]
    assert module.item_keys == ("screen:welcome", "screen:roles", "screen:model")


def test_screen_html_is_rendered_once_at_load(catalogue):
    html = catalogue.screen("first-steps", "model").html
    assert 'src="/modules/first-steps/media/model.svg"' in html
    assert "nhsuk-warning-callout" in html


def test_media_maps_file_names_to_absolute_paths(catalogue):
    media = catalogue.module("first-steps").media
    assert dict(media) == {"model.svg": str((FIRST_STEPS / "model.svg").resolve())}
    with pytest.raises(TypeError):
        media["evil.svg"] = "/etc/passwd"


def test_next_and_previous_screens(catalogue):
    module = catalogue.module("first-steps")
    assert module.next_screen("welcome").slug == "roles"
    assert module.next_screen("model") is None
    assert module.previous_screen("roles").slug == "welcome"
    assert module.previous_screen("welcome") is None


def test_lookups_return_none_for_unknown_names(catalogue):
    assert catalogue.module("nope") is None
    assert catalogue.screen("first-steps", "nope") is None
    assert catalogue.competency("NOPE-1.1") is None


def test_competencies_are_found_by_code_and_linked_to_modules(catalogue):
    assert catalogue.competency("TINY-2.1").name == "Routes"
    assert catalogue.framework("tiny").title == "Tiny test framework"
    assert [m.slug for m in catalogue.modules_for("TINY-1.1")] == ["first-steps"]


def test_catalogue_is_immutable(catalogue):
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalogue.modules = ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalogue.module("first-steps").screens[0].html = "<script></script>"
    assert isinstance(catalogue.modules, tuple)


def test_discover_finds_modules_and_frameworks_under_a_folder():
    sources = discover([VALID], default_competencies_dir=Path("unused"))
    assert sources.module_dirs == (FIRST_STEPS,)
    assert sources.framework_files == (TINY_FRAMEWORK,)


def test_screen_file_stands_for_its_module_and_default_frameworks_are_used():
    sources = discover([FIRST_STEPS / "02-roles.md"], VALID / "competencies")
    assert sources.module_dirs == (FIRST_STEPS,)
    assert sources.framework_files == (TINY_FRAMEWORK,)
    assert load_sources(sources).catalogue is not None


def test_a_named_framework_file_replaces_the_installed_one_of_its_name_only():
    sources = discover([FIRST_STEPS, TINY_FRAMEWORK], BROKEN / "competencies")
    assert sources.framework_files == (BROKEN / "competencies" / "wonky.yaml", TINY_FRAMEWORK)


def test_missing_path_is_reported():
    (problem,) = discover([Path("no/such/place")], VALID / "competencies").problems
    assert str(problem) == "no/such/place: error: no such file or folder"


def test_validating_one_module_resolves_links_to_its_siblings(course):
    course({"01-routes.md": "---\ntitle: R\n---\nText.\n"}, "referrals")
    this = course({"01-a.md": "---\ntitle: A\n---\n[x](screen:referrals/routes)\n"}, "tiny")
    alone = validate([this], default_competencies_dir=VALID / "competencies")
    assert [p.message for p in alone if p.message.startswith("link")] != []
    with_siblings = validate(
        [this], default_competencies_dir=VALID / "competencies", default_modules_dir=this.parent
    )
    assert [p for p in with_siblings if p.message.startswith("link")] == []


def test_valid_fixture_validates_cleanly():
    assert validate([VALID], default_competencies_dir=Path("unused")) == ()


def test_screens_show_links_to_later_screens_of_their_module_as_words_and_keep_links_back(
    course,
):
    """Screens open in order, so a link on to a later one would only bounce the learner."""
    head = "---\ntitle: {}\n---\n"
    folder = course(
        {
            "01-a.md": head.format("A") + "On to [b](screen:b) and [c](screen:c).\n",
            "02-b.md": head.format("B") + "Back to [a](screen:a), on to [c](screen:c).\n",
            "03-c.md": head.format("C") + "Back to [a](screen:a) and [b](screen:b).\n",
        }
    )
    intro = (folder / "module.md").read_text() + "Start with [a](screen:a), not [b](screen:b).\n"
    (folder / "module.md").write_text(intro)
    result = load_catalogue([folder], [TINY_FRAMEWORK])
    module = result.catalogue.module("tiny")
    a, b, c = (screen.html for screen in module.screens)
    assert "href" not in a
    assert 'href="/modules/tiny/a/"' in b and "/modules/tiny/c/" not in b
    assert 'href="/modules/tiny/a/"' in c and 'href="/modules/tiny/b/"' in c
    assert 'href="/modules/tiny/a/"' in module.intro_html
    assert "/modules/tiny/b/" not in module.intro_html
    assert [(Path(p.path).name, p.line, p.severity) for p in result.problems] == [
        ("01-a.md", 4, "warning"),
        ("01-a.md", 4, "warning"),
        ("02-b.md", 4, "warning"),
        ("module.md", len(intro.splitlines()), "warning"),
    ]
