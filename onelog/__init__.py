"""The top of the stack: the `onelog` command and what it composes.

It starts and stops the platform's processes, publishes the judge's problems,
installs the judge's toolchains and composes the worker from every layer.
It may import every layer; no layer imports it.
"""
