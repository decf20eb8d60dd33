"""The build of relgraph's one compiled module: the path search's inner loop
(relgraph/analysis/settle.py, with its C types in settle.pxd), compiled by Cython.
Everything else about the package is in pyproject.toml. Where no C compiler is at
hand the build goes on without it, and the module runs as the Python it is."""

from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # built without Cython (it is a build requirement): plain Python
    ext_modules = []
else:
    ext_modules = cythonize(
        [Extension("relgraph.analysis.settle", ["relgraph/analysis/settle.py"], optional=True)],
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
