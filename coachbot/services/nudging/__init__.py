"""Nudges: the sweep finds what is due in the journey's tables, the dispatcher delivers it."""
