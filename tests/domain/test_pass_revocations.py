"""Which revocation can withdraw a pass when a learner holds several certificates."""

from datetime import UTC, datetime

from app.services.passes import counted, revoked_at

T1, T2, T3 = (datetime(2026, 1, day, tzinfo=UTC) for day in (1, 2, 3))


def test_a_pass_with_its_own_certificate_answers_to_that_certificate_only():
    certificates = [(1, T3), (2, None)]  # the first pass's certificate revoked, the renewal's not
    assert counted("assessment", T2, revoked_at(2, certificates))
    assert not counted("assessment", T1, revoked_at(1, certificates))


def test_a_pass_without_a_certificate_answers_to_the_latest_revocation_as_before():
    certificates = [(1, T2), (2, None)]
    assert revoked_at(9, certificates) == T2
    assert not counted("assessment", T1, revoked_at(9, certificates))
    assert counted("assessment", T3, revoked_at(9, certificates))
    assert revoked_at(9, []) is None
