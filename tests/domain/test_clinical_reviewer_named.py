"""A certificate claims its content was reviewed only where the module names a reviewer and
says nothing of a review still to come (app/domain/provenance.py)."""

import pytest

from app.domain.certificates import content_review
from app.domain.provenance import names_a_reviewer


@pytest.mark.parametrize(
    "said",
    [
        "Awaiting named independent clinical reviewer",
        "Under review",
        "Review pending",
        "TBD",
        "TBC",
        "N/A",
        "none",
        "To be confirmed",
        "Dr A Smith (pending)",
        "Dr A Smith, not yet signed off",
        "Draft: clinical lead to check",
        "",
        None,
    ],
)
def test_no_review_is_claimed_while_one_is_to_come(said):
    assert not names_a_reviewer(said)
    assert "Reviewed by" not in content_review(said)


@pytest.mark.parametrize(
    "said", ["Dr A Reviewer, GP and clinical lead", "Noor Ahmed, GP", "Nadia Tobin, pharmacist"]
)
def test_a_named_reviewer_is_named(said):
    assert names_a_reviewer(said)
    assert said in content_review(said)
