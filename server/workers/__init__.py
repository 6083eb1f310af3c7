"""Query workers: the pool of killable worker processes, their zygote and sandbox, the in-
process lookups and the backends that run jobs.
"""
