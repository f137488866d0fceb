"""The patient's screens, split by group: start, questions, finish; ``page.run`` draws one."""
