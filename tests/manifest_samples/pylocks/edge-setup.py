"""A setup.py that builds its arguments before calling setup; none of this may run."""
import os
import setuptools

REQUIRES = [
    "cryptography>=42",  # a literal list assigned to a name first
    "click",
]
EXTRA = os.environ.get("EXTRA", "")
DYNAMIC = [line for line in open("requirements.txt")]
REQUIRES = REQUIRES + ["paramiko"]

meta = dict(
    tests_require="""
        pytest
        # a comment line
        hypothesis
    """,
)

if __name__ == "__main__":
    setuptools.setup(
        name="edge",
        install_requires=REQUIRES,
        extras_require={"web": DYNAMIC, EXTRA: ["never"]},
        setup_requires=get_build_requires(),
        **meta,
    )
