"""The query page and the safety of HTML answers."""
