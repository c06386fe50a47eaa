"""What a certificate records of a module, as an attempt keeps it when it starts.

An attempt keeps these (attempt.module_facts) beside the module's title, so the certificate
its pass earns says what the module said when the learner started, whatever a trainer
edits part way through (services/module_as_started.py reads them back).
"""

from app.domain.content import Catalogue, Module


def module_facts(module: Module, found: Catalogue) -> dict:
    """Return the module's CPD minutes, outcomes, competencies and clinical reviewer now.

    The competencies are those of the module that a framework in `found` has, with their
    names ([[code, name], ...]): the ones a certificate issued now would name.
    """
    return {
        "cpd_minutes": module.cpd_minutes,
        "learning_outcomes": list(module.learning_outcomes),
        "competencies": [
            [c.code, c.name] for code in module.competency_codes if (c := found.competency(code))
        ],
        "clinical_reviewer": module.provenance.clinical_reviewer if module.provenance else None,
    }
