"""CPD certificates: the learner's page and PDF, and the public verification page."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from app.content import catalogue
from app.domain import reflection
from app.domain.certificate_codes import normalise_code
from app.services import certificate_page, certificate_pdfs, certificates
from app.web.errors import shown_again

bp = Blueprint("certificates", __name__)


def _page_or_404(module_slug: str, code: str | None = None):
    # The learner's own certificate (the latest, or the one with `code`), whether or not its
    # module is still in the course; another learner's is not found.
    found = certificate_page.page(current_user.db_id, module_slug, catalogue(), code=code)
    return found or abort(404)


@bp.route("/modules/<module_slug>/certificate/", methods=["GET", "POST"])
@login_required
def certificate(module_slug: str):
    """Show the certificate with the reflective account to write, and the next module."""
    if request.method == "GET":
        return _certificate_page(module_slug, _page_or_404(module_slug))
    try:
        saving = certificates.save_reflection(current_user.db_id, module_slug, request.form)
    except SQLAlchemyError as error:  # the database is down or only reads: show it again
        return shown_again(
            error, lambda: _certificate_page(module_slug, _page_or_404(module_slug), unsaved=True)
        )
    if saving is None:
        abort(404)
    if saving.errors:
        status = 400 if saving.invalid else 409
        return _certificate_page(module_slug, _page_or_404(module_slug), status, saving)
    flash("Your reflective account has been saved. It is printed with your certificate.", "success")
    return redirect(url_for("certificates.certificate", module_slug=module_slug))


def _certificate_page(module_slug: str, page, status: int = 200, saving=None, unsaved=False):
    # Shown again unsaved, the form is as it was sent: for the certificate it was drawn for.
    if unsaved:
        parts = reflection.as_sent(page.details.reflection, request.form)
        drawn_for = request.form.get(reflection.CERTIFICATE) or page.details.code
    else:
        parts = saving.parts if saving else reflection.drawn(page.details.reflection)
        drawn_for = page.details.code
    return render_template(
        "certificates/certificate.html",
        module_slug=module_slug,
        module=page.module,
        details=page.details,
        reflection=parts,
        drawn_for=drawn_for,
        unsaved=unsaved,
        saved_others=bool(saving and saving.changed),
        limit=reflection.MAX_LENGTH,
        records=reflection.RECORDS,
        record_uses=reflection.RECORD_USES,
        next_module=page.next_module,
        credential=page.credential,
        validity=page.validity,
        earlier=page.earlier,
        completed_through=page.completed_through,
        organisation_by=page.organisation_by,
        dates=page.dates,
    ), status


@bp.get("/modules/<module_slug>/certificate.pdf")
@login_required
def certificate_pdf(module_slug: str):
    """Download the certificate as a PDF; a revoked one answers 410 with its page instead."""
    page = _page_or_404(module_slug)
    if page.credential and page.credential.revoked:
        return _certificate_page(module_slug, page, 410)
    return _pdf(page, f"linkwise-certificate-{module_slug}.pdf")


@bp.get("/modules/<module_slug>/certificates/<code>.pdf")
@login_required
def earlier_certificate_pdf(module_slug: str, code: str):
    """Download one of the learner's certificates for the module, by its code, as a PDF.

    A revoked one answers 410 with what its public check says of it.
    """
    page = _page_or_404(module_slug, code)
    if page.credential and page.credential.revoked:
        return verify(page.details.code)
    return _pdf(page, f"linkwise-certificate-{module_slug}-{page.details.code}.pdf")


def _pdf(page, filename: str):
    return (
        certificate_pdfs.pdf_for(page.details),
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


@bp.get("/certificates/<code>")
def verify(code: str):
    """Confirm a certificate's holder, module and date to anyone who has its code."""
    found, credential = certificate_page.check(code)
    revoked = found and (found.withdrawn_at or (credential and credential.revoked))
    status = 404 if found is None else 410 if revoked else 200
    # A code found is named as printed, whatever case, dashes or spaces it was typed with.
    shown = code if found is None else normalise_code(code)
    return render_template(
        "certificates/verify.html", found=found, code=shown, credential=credential
    ), status
