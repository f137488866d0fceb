"""The patient's screens, split by group: start, questions, finish (interpreter, review), sign;
``page.run`` draws the one the draft is on."""
