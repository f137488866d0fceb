"""What each signature means: one constant per meaning, written into the record when it is
signed and printed from the record (the PDF, FHIR and the sample never reword them).

The patient's own meanings (consent or informed refusal) are content: each pack states them in
the patient's language (``Pack.signature_meaning`` / ``Pack.refusal_meaning``). The interpreter's
is a message in the patient's language (``INTERPRETER_KEY``). Staff meanings are the clinic's
words, here.
"""

from __future__ import annotations

INTERPRETER_KEY = "patient.interpreter.meaning"  # message catalog key, patient's language
NURSE_VERIFIED = "Verified by nurse; witnessed the patient's signature"
CLINICIAN_ATTESTED = "Clinician attestation"
ATTESTATION_STATEMENT = (
    "I explained the procedure, its risks and alternatives, and answered the patient's questions."
)
