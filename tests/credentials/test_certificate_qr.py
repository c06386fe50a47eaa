"""The PDF certificate's QR code: rendered to an image, read by a decoder, opens the check."""

import os
from pathlib import Path

import pypdfium2
import zxingcpp

from app.content import catalogue
from tests.conftest import sign_in
from tests.credentials.test_independent_verification import http_get
from tests.web.journeys import pass_module

# Set LINKWISE_SHOTS to a folder to keep the rendered page for a person to look at.
SHOTS = os.environ.get("LINKWISE_SHOTS")


def test_the_qr_code_on_the_pdf_opens_the_verification_page(app, live_server, make_user, tmp_path):
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    email = make_user()
    client = app.test_client()
    sign_in(client, email)
    code = pass_module(app, client, email, module)
    pdf = client.get(f"/modules/{module.slug}/certificate.pdf").data
    document = pypdfium2.PdfDocument(pdf)
    # 150 dpi, about what a phone camera resolves from a printed page.
    image = document[0].render(scale=150 / 72).to_pil()
    target = Path(SHOTS) if SHOTS else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    image.save(target / "certificate-qr-page.png")
    found = [barcode.text for barcode in zxingcpp.read_barcodes(image)]
    assert found == [f"{live_server}/certificates/{code}"]
    status, body = http_get(found[0])
    assert status == 200 and b"Certificate confirmed" in body
