"""Query workers: the pool of killable worker processes, their zygote and sandbox, the
in-process lookups, the backends that run jobs and the jobs themselves."""
