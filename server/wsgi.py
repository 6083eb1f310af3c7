"""The WSGI app granian serves (``server.wsgi:app``, started by :mod:`server.front.launch`)."""

from server.app import create_app

app = create_app()
