"""Shared vocabulary: the message catalog, dates and times in the reader's words."""
