"""Build step for the one compiled part: the kernel's event queue in C.

Everything else is configured in pyproject.toml. The extension is optional:
without a C compiler the install still succeeds, and netqsim.kernel.queue
falls back to its pure-Python twin (same behaviour, slower).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "netqsim.kernel._cqueue",
            sources=["src/netqsim/kernel/_cqueue.c"],
            optional=True,
        )
    ]
)
