"""Operations: /health, /metrics, settings and version pages, request limits, admission,
rate limits and state shared by the web workers.
"""
