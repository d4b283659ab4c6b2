"""The top of the stack: the `onelog` command and what it composes.

It starts and stops the platform's processes and composes the worker from
every layer; what a domain adds (sample requests, audits, what `up` installs,
publishes and waits for) is its `onelog/<domain>/` package's `CLI`
(onelog/domain.py). It may import every layer; no layer imports it.
"""
