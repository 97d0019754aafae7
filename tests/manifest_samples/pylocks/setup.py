from setuptools import find_packages, setup

setup(
    name="service",
    version="1.0.0",
    packages=find_packages(),
    install_requires=[
        "requests>=2.31",
        "grpcio==1.62.1",
    ],
    extras_require={
        "server": ["uvicorn>=0.29"],
        "test": ["pytest>=8"],
        "dev:python_version>='3.8'": ["black"],
    },
    tests_require=["tox"],
    setup_requires=["setuptools_scm"],
)
