"""A rating's rules stamp names its framework and version and changes with any rule the one
rating function reads, whatever the version says; wording and spelling leave it alone."""

from dataclasses import replace
from pathlib import Path

from app.domain.competencies.durations import Duration
from app.domain.competencies.rules_stamp import framework_of, rules_stamp
from app.domain.framework_files import load_frameworks

REFERRER_YAML = Path(__file__).resolve().parents[2] / "competencies" / "referrer.yaml"


def with_first(framework, **changes):
    """Return the framework with its first competency changed so."""
    domain = framework.domains[0]
    first = replace(domain.competencies[0], **changes)
    domains = (replace(domain, competencies=(first, *domain.competencies[1:])),)
    return replace(framework, domains=domains + framework.domains[1:])


def referrer():
    (framework,) = load_frameworks([REFERRER_YAML]).frameworks
    return framework


def test_the_stamp_names_framework_and_version_and_reads_the_same_each_time():
    framework = referrer()
    stamp = rules_stamp(framework)
    assert framework_of(stamp) == f"referrer {framework.version}"
    assert rules_stamp(referrer()) == stamp  # loaded again: the same


def test_a_rule_changed_under_the_same_version_changes_the_stamp():
    framework = referrer()
    stamp = rules_stamp(framework)
    stricter = replace(framework, attainment=replace(framework.attainment, minimum_evidence=9))
    shorter = replace(framework, valid_for=Duration(months=6, text="6m"))
    own_span = with_first(framework, valid_for=Duration(months=1, text="1m"))
    for changed in (stricter, shorter, own_span):
        assert rules_stamp(changed) != stamp
        assert framework_of(rules_stamp(changed)) == framework_of(stamp)


def test_wording_and_spelling_leave_the_stamp_alone():
    framework = referrer()
    stamp = rules_stamp(framework)
    renamed = replace(
        with_first(framework, name="Another name", statement="Said otherwise"),
        title="Another title",
    )
    assert rules_stamp(renamed) == stamp
    if framework.valid_for is not None:
        months = framework.valid_for.months
        respelt = replace(framework, valid_for=replace(framework.valid_for, text=f"{months}m"))
        assert rules_stamp(respelt) == stamp
