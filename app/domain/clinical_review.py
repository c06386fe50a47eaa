"""What a certificate, and the credential signed with it, say of its module's clinical review."""

from app.domain.provenance import names_a_reviewer

REVIEW_LABEL = "Clinical review of the content"


def content_review(clinical_reviewer: str | None) -> str:
    """Return the line a certificate prints about its module's clinical review, as recorded
    when its quiz was taken.

    The reviewer is the one the module named when the passing attempt started (its snapshot,
    services/module_as_started.py), or when it was graded for an attempt from before
    snapshots: the module may have named another since, or left the course, even before the
    certificate was issued. So the line says when it holds, and never claims more than the
    module said then: a review still to come says so, and a certificate from before reviews
    were recorded says none was.
    """
    if clinical_reviewer is None:
        return "Not recorded when the module's quiz was taken: no named reviewer is shown"
    if not names_a_reviewer(clinical_reviewer):
        return "Not yet reviewed by a named independent clinician when the module's quiz was taken"
    return (
        f"Reviewed by {clinical_reviewer.strip()}, as the module named them when its quiz was taken"
    )
