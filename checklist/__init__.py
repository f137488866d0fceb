"""What the patient is taken through and what the nurse checks: content as data, and its rules."""
