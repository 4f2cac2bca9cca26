"""The benchmark's jobs, one module per family, each a function per engine.

Every job function runs in a child process (:func:`bench.harness.run_in_child`) as
``job(clock, prepared, ...)``: it reads its input from the files of :mod:`bench.jobs.data`,
times its own part with ``with clock:``, and returns an :class:`bench.harness.Outcome` the
other engines' are compared with. Each family module also declares its :class:`bench.harness.Job`
(the engines, how their results compare, what each runs), which :mod:`bench.plan` runs.
"""
