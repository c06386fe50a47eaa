"""What a certificate and its CPD time show, and what they do not: said once, printed alike.

A certificate is issued for passing a module's knowledge quiz, so it shows the module was
completed and its quiz passed; it does not show competence in practice (a supervisor
confirms that, app/services/practice.py). Its CPD time is the module's own estimate of its
reading, activities and reflection together, set by the module's authors: Linkwise does not
measure the time anyone spends. The module page, the certificate page and its PDF, the
public check pages and the learning record (page, PDF, CSV) all say so in these words.
"""

CPD_TIME = (
    "CPD time is the module's estimate of its reading, activities and reflection together, "
    "not a measure of the time spent."
)

# The learning record's CSV column of CPD time, saying the same in a heading.
CPD_TIME_COLUMN = "CPD time (module's estimate, minutes)"

SHOWS = (
    "A Linkwise certificate shows that its holder completed the module and passed its "
    "knowledge quiz. It does not show competence in practice."
)
