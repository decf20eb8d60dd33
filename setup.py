"""The build of relgraph's compiled modules: the path search's inner loop
(relgraph/analysis/settle.py, with its C types in settle.pxd) and redundancy's
(relgraph/analysis/flow.py, flow.pxd, which reads settle's arrays), compiled by
Cython. Everything else about the package is in pyproject.toml. Where no C compiler
is at hand the build goes on without it, and the modules run as the Python they are."""

from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # built without Cython (it is a build requirement): plain Python
    ext_modules = []
else:
    ext_modules = cythonize(
        [
            Extension(f"relgraph.analysis.{name}", [f"relgraph/analysis/{name}.py"], optional=True)
            for name in ("settle", "flow")
        ],
        compiler_directives={
            "language_level": 3,
            "boundscheck": False,
            "wraparound": False,
            "initializedcheck": False,
            "cdivision": True,
            "annotation_typing": False,
        },
    )

setup(ext_modules=ext_modules)
