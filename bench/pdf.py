"""CPU time of the PDFs a learner downloads, and a digest of each to show the bytes are unchanged.

`python bench/pdf.py [RENDERS]` renders each document of the corpus RENDERS times (20 by
default) in one process, after one render to warm it up (the font files are read once a
process), and prints the CPU time of the first render, the median of the others, and the
SHA-256 of its bytes. Run it on two checkouts: the digests must match, the times say what a
change saved. Not part of `make bench`: it needs no server or database.
"""

import hashlib
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.domain.certificates import CertificateDetails, render_certificate_pdf  # noqa: E402
from app.domain.confirmation_pdf import ConfirmationRecord, render_confirmation_pdf  # noqa: E402
from app.domain.learning_record import CpdTotals, LearningRecord, ModuleRecord  # noqa: E402
from app.domain.record_pdf import render_record_pdf  # noqa: E402

TYPICAL = CertificateDetails(
    learner_name="Asha Patel",
    profession="Social prescribing link worker",
    registration_number="12A3456E",
    module_title="Social prescribing: roles and responsibilities",
    completed_on=date(2026, 11, 23),
    cpd_minutes=45,
    learning_outcomes=(
        "Explain what social prescribing is and who it helps.",
        "Describe how a link worker differs from a care co-ordinator.",
        "Plan a first conversation around what matters to the person.",
    ),
    competencies=(("SPLW-1.1", "Person-centred conversations"), ("SPLW-2.3", "Referral routes")),
    score_percent=85,
    code="LW-7KQ4-M9XD-2RTA-H3VN",
    verify_url="https://linkwise.example/certificates/LW-7KQ4-M9XD-2RTA-H3VN",
    reflection={"learned": "Most referrals come from GPs, but anyone can refer."},
)

# Outcomes and competencies enough that the first layout does not fit on one page.
BUSY = replace(
    TYPICAL,
    learning_outcomes=tuple(
        f"Outcome {n}: explain how a link worker supports someone with step {n}." for n in range(6)
    ),
    competencies=tuple((f"SPLW-{n}.1", f"Competency number {n} in words") for n in range(12)),
)

# A reflective account over several pages, two headings left blank.
LONG = replace(
    TYPICAL,
    reflection={
        "activity": " ".join(f"Sentence {n} says what happened in clinic {n}." for n in range(60)),
        "practice": " ".join(f"Sentence {n} says what I will change." for n in range(60)),
    },
)

# Too much for any layout: drawn in the first, over two pages.
HUGE = replace(
    TYPICAL,
    learning_outcomes=tuple(
        f"Outcome {n}: explain, in your own words and with an example from practice, how "
        f"a link worker supports someone through stage {n} of their plan."
        for n in range(30)
    ),
)

RECORD = LearningRecord(
    learner_name="Asha Patel",
    profession="Practice nurse",
    registration_number="12A3456E",
    generated_on=date(2027, 2, 3),
    modules=tuple(
        ModuleRecord(
            slug=f"module-{n}",
            title=f"Module {n}: working with people and their plans",
            status="completed",
            started_on=date(2026, 1, n + 1),
            completed_on=date(2026, 2, n + 1),
            score_percent=80 + n,
            cpd_minutes=45,
            certificate_code=f"LW-7KQ4-M9XD-2RTA-H3V{n}",
            reflection_written=n % 2 == 0,
        )
        for n in range(12)
    ),
    totals=CpdTotals(date(2026, 4, 1), 540, 3, date(2024, 2, 3), 540),
)

CONFIRMATION = ConfirmationRecord(
    reference="CP-1234",
    learner="Asha Patel",
    profession="Practice nurse",
    organisation="Leeds PCN",
    framework="Referring clinicians",
    competency="RC-1.1 Spotting needs",
    statement="Spots non-medical needs.",
    now_reads="",
    knowledge="Secure",
    self_assessment="Confident",
    reflection="I asked what matters to them first.",
    supervisor="Dr Sam Jones",
    confirmed_at=datetime(2026, 5, 6, 7, 8, tzinfo=UTC),
    comments="Well done.",
    valid_until="6 May 2029",
)

DOCUMENTS = {
    "typical certificate": lambda: render_certificate_pdf(TYPICAL),
    "busy certificate": lambda: render_certificate_pdf(BUSY),
    "long reflection": lambda: render_certificate_pdf(LONG),
    "huge certificate": lambda: render_certificate_pdf(HUGE),
    "hebrew certificate": lambda: render_certificate_pdf(replace(TYPICAL, learner_name="שרה כהן")),
    "mixed scripts": lambda: render_certificate_pdf(
        replace(TYPICAL, learner_name="Gwenllïan ap Dŵr 名前 🐉", reflection={"learned": "Ω ŵ"})
    ),
    "core-font certificate": lambda: render_certificate_pdf(TYPICAL, font_dirs=()),
    "learning record": lambda: render_record_pdf(RECORD, lambda code: f"https://x/{code}"),
    "confirmation": lambda: render_confirmation_pdf(CONFIRMATION),
}


def main(renders: int) -> None:
    print(f"{'document':24} {'first':>8} {'ms CPU':>8}  sha256")
    for name, render in DOCUMENTS.items():
        start = time.process_time()
        digest = hashlib.sha256(render()).hexdigest()[:16]
        first = time.process_time() - start
        times = []
        for _ in range(renders):
            start = time.process_time()
            assert hashlib.sha256(render()).hexdigest()[:16] == digest, name
            times.append(time.process_time() - start)
        median = statistics.median(times)
        print(f"{name:24} {first * 1000:8.1f} {median * 1000:8.1f}  {digest}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
