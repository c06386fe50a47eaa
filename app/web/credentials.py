"""Open Badges credentials: the learner's download, what verifiers fetch, checking one."""

from flask import Blueprint, abort, jsonify, render_template, request
from flask_login import current_user, login_required

from app.domain.credential_files import read_credential_file
from app.security import csrf
from app.services import achievements, credential_downloads
from app.services.credential_checks import (
    MAX_TOKEN,
    check_token,
    issuer_profile,
    public_key,
    public_keys,
    state_of,
    status_list_token,
)
from app.web.throttles import limit_per_address

bp = Blueprint("credentials", __name__)

CHECKS_PER_ADDRESS = "60 per minute"
JSON_LD = "application/ld+json"


def _json(document: dict, status: int = 200, mimetype: str = "application/json"):
    response = jsonify(document)
    response.status_code = status
    response.mimetype = mimetype
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers run anywhere
    return response


@bp.get("/modules/<module_slug>/credential.jwt")
@login_required
def download(module_slug: str):
    """Download the learner's signed credential (VC-JWT) for a module, in the course or not;
    a revoked one answers 410 with what its public check says, as its PDF does."""
    found = credential_downloads.latest(current_user.db_id, module_slug) or abort(404)
    return _jwt_file(found, f"linkwise-credential-{module_slug}.jwt")


@bp.get("/modules/<module_slug>/credentials/<code>.jwt")
@login_required
def download_of_certificate(module_slug: str, code: str):
    """Download the signed credential of one of the learner's certificates for a module, by
    its code: an earlier one (a renewal's predecessor) as well as the latest. A revoked one
    answers 410, as the latest's does."""
    found = credential_downloads.of_certificate(current_user.db_id, module_slug, code)
    found = found or abort(404)
    return _jwt_file(found, f"linkwise-credential-{module_slug}-{found.code}.jwt")


def _jwt_file(found: credential_downloads.Download, filename: str):
    if found.revoked:
        certificate, state = found.revoked
        page = render_template(
            "certificates/verify.html", found=certificate, code=found.code, credential=state
        )
        return page, 410
    return (
        found.signed,
        200,
        {
            "Content-Type": "application/vc+jwt",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


@bp.get("/credentials/issuer", endpoint="issuer_profile")
def issuer_profile_view():
    """Show the issuer's Open Badges profile."""
    return _json(issuer_profile(), mimetype=JSON_LD)


@bp.get("/credentials/keys")
def keys():
    """List every public key that signs or has signed credentials (a JWK set)."""
    return _json(public_keys(), mimetype="application/jwk-set+json")


@bp.get("/credentials/keys/<thumbprint>", endpoint="public_key")
def public_key_view(thumbprint: str):
    """Show one public key as a JWK: the kid in each credential's header points here."""
    return _json(public_key(thumbprint) or abort(404), mimetype="application/jwk+json")


@bp.get("/credentials/status/<thumbprint>/<int:number>")
def status_list(thumbprint: str, number: int):
    """Serve a revocation status list (Bitstring Status List) as a VC-JWT signed by a key."""
    token = status_list_token(number, thumbprint) or abort(404)
    return (
        token,
        200,
        {
            "Content-Type": "application/vc+jwt",
            "Cache-Control": "public, max-age=60",
            "Access-Control-Allow-Origin": "*",
        },
    )


@bp.get("/credentials/achievements/<module_slug>")
def achievement(module_slug: str):
    """Describe a module as an Open Badges achievement, in the course or since left it."""
    return _json(achievements.document(module_slug) or abort(404), mimetype=JSON_LD)


@bp.get("/credentials/verify/<code>")
def verify_code(code: str):
    """Report, as JSON, whether the credential of a certificate is valid, expired or revoked."""
    state = state_of(code)
    if state is None:
        return _json({"status": "not-found", "certificate": code[:64]}, 404)
    return _json(state.as_json())


@bp.post("/credentials/verify")
@csrf.exempt  # a machine posts a credential to check; nothing changes, no cookie is read
@limit_per_address(CHECKS_PER_ADDRESS)
def verify_posted():
    """Check a posted credential (the JWT as the body, or {"credential": JWT}) as JSON."""
    return _json(check_token(_posted_token()).as_json())


def _posted_token() -> str:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # JSON nested deeper than the parser goes: holds no credential
        return ""
    if isinstance(body, dict):
        return str(body.get("credential", ""))
    if request.form:
        # A body typed as a form (what `curl -d` sends) is read as fields: a browser's form
        # names the token "credential"; a token sent whole is the name of the only field.
        if "credential" in request.form:
            return request.form["credential"]
        return next(iter(request.form)) if len(request.form) == 1 else ""
    return request.get_data(as_text=True)


@bp.route("/credentials/check", methods=["GET", "POST"])
@limit_per_address(CHECKS_PER_ADDRESS, methods=["POST"])
def check():
    """Check a credential file chosen, or its text pasted: valid, expired, revoked, or
    altered since it was signed."""
    if request.method == "GET":
        return check_page()
    pasted = request.form.get("credential", "")[:MAX_TOKEN]
    chosen = request.files.get("credential_file")
    if chosen is not None and chosen.filename:
        read = read_credential_file(
            chosen.filename, chosen.stream.read(MAX_TOKEN + 1), most=MAX_TOKEN
        )
        if read.problem:
            return check_page(error=read.problem, field="credential_file", pasted=pasted), 400
        return check_page(state=check_token(read.text), pasted=pasted)
    if not pasted.strip():
        error = "Choose the credential file, or paste what it contains"
        return check_page(error=error, field="credential_file", pasted=pasted), 400
    return check_page(state=check_token(pasted), pasted=pasted)


def check_page(*, state=None, error=None, field="credential", pasted=""):
    """Render the check page: the result of a check, or the one error found and its field."""
    return render_template(
        "credentials/check.html",
        state=state,
        error=error,
        error_field=field,
        pasted=pasted,
        max_kb=MAX_TOKEN // 1024,
    )


def too_large_upload():
    """Answer a check whose file is past the size of any request: the page, with the error."""
    error = f"The selected file must be {MAX_TOKEN // 1024} KB or smaller"
    return check_page(error=error, field="credential_file"), 413
