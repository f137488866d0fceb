"""Use cases the pages and the command line call: plain values in, a unit of work, rules checked."""
