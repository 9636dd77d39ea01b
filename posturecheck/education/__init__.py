"""Educational notes shown beside results: short Markdown texts shipped inside the package.

Start with :func:`load_note` or :func:`all_notes`; :data:`TOPICS` lists the note ids.
"""

from posturecheck.education.loader import DISCLAIMER, TOPICS, Note, all_notes, load_note, parse_note

__all__ = ["DISCLAIMER", "TOPICS", "Note", "all_notes", "load_note", "parse_note"]
