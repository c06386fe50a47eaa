"""CPD certificates: the learner's page and PDF, and the public verification page."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.content import catalogue
from app.domain.certificates import render_certificate_pdf
from app.services import certificates

bp = Blueprint("certificates", __name__)


def _earned_or_404(module_slug: str):
    module = catalogue().module(module_slug) or abort(404)
    return module, certificates.certificate_of(current_user.db_id, module.slug) or abort(404)


def _verify_url(code: str) -> str:
    return url_for("certificates.verify", code=code, _external=True)


@bp.route("/modules/<module_slug>/certificate/", methods=["GET", "POST"])
@login_required
def certificate(module_slug: str):
    """Show the certificate with a box for the learner's reflection."""
    module, certificate = _earned_or_404(module_slug)
    if request.method == "POST":
        certificates.save_reflection(certificate, request.form.get("reflection", ""))
        flash("Your reflection has been saved. It is printed on your certificate.", "success")
        return redirect(url_for("certificates.certificate", module_slug=module.slug))
    details = certificates.details(certificate, module, _verify_url(certificate.code), catalogue())
    return render_template(
        "certificates/certificate.html",
        module=module,
        details=details,
        limit=certificates.MAX_REFLECTION,
    )


@bp.get("/modules/<module_slug>/certificate.pdf")
@login_required
def certificate_pdf(module_slug: str):
    """Download the certificate as a PDF."""
    module, certificate = _earned_or_404(module_slug)
    details = certificates.details(certificate, module, _verify_url(certificate.code), catalogue())
    pdf = render_certificate_pdf(details)
    filename = f"linkwise-certificate-{module.slug}.pdf"
    return (
        pdf,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


@bp.get("/certificates/<code>")
def verify(code: str):
    """Confirm a certificate's holder, module and date to anyone who has its code."""
    found = certificates.verify(code)
    module = catalogue().module(found.module_slug) if found else None
    return render_template("certificates/verify.html", found=found, module=module, code=code), (
        200 if found else 404
    )
