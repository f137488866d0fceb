"""What each signature means: one constant per meaning, written into the record when it is
signed and printed from the record (the PDF, FHIR and the sample never reword them).

The patient's own meanings (consent or informed refusal) are content: each pack states them in
the patient's language (``Pack.signature_meaning`` / ``Pack.refusal_meaning``). The interpreter's
is a message in the patient's language (``INTERPRETER_KEY``). Staff meanings are the clinic's
words, here.
"""

from __future__ import annotations

INTERPRETER_KEY = "patient.interpreter.meaning"  # message catalog key, patient's language
NURSE_VERIFIED = "Verified by nurse"
# What a nurse's signature meant before witnessing became its own statement (records signed
# then keep it; FHIR types such a signature as both verification and witness).
NURSE_VERIFIED_AND_WITNESSED = "Verified by nurse; witnessed the patient's signature"
SIGNATURE_WITNESSED = "Present when the patient signed; witnessed the patient's signature"
CLINICIAN_ATTESTED = "Clinician attestation"
CLINICIAN_REFUSAL = "Clinician countersignature of an informed refusal"
# AMA Code of Medical Ethics 2.1.1: what the clinician discussed, and that the patient could
# decide. The sample PDF (forms.synthetic) signs this same constant.
ATTESTATION_STATEMENT = (
    "I explained to the patient the nature of the procedure, its expected benefits and its "
    "risks, and the alternatives, including no treatment. I answered the patient's questions "
    "and reviewed the patient's screening answers. In my judgement the patient has the "
    "capacity to make this decision."
)
REFUSAL_STATEMENT = (
    "I explained to the patient the risks of refusing this treatment, and the alternatives. "
    "I answered the patient's questions. In my judgement the patient has the capacity to make "
    "this decision."
)
CLINICIAN_VISIT = "Clinician attestation of a course visit"
# The clinician's statement for a later session of a course: the course's consent still
# stands, and this session's answers and re-confirmation were reviewed.
VISIT_STATEMENT = (
    "I reviewed the patient's answers and re-confirmed risks for this session of the course. I "
    "answered the patient's questions. In my judgement the course's consent still applies and "
    "the patient has the capacity to make this decision."
)
SIGN_OUT_SIGNED = "Clinician sign-out of the procedure, as recorded"
SIGN_OUT_COSIGNED = "Clinician co-signature of the procedure sign-out a nurse entered"
