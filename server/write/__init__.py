"""Writes: guarded submissions, the Graph Store Protocol, write tokens and the /validate
service.
"""
