"""Builds the optional compiled parts of the parser (transforms/*.pyx); everything else is in pyproject.toml.

They are optional: where no C compiler or Python headers are at hand, the build says so and the parser runs its
pure-Python twins, which give the same rows (tests/test_compiled_parser.py). `insider-warehouse parser` tells
which one a machine runs.
"""

import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """Builds each extension it can and skips, with a note, one it cannot (setuptools' own `optional` flag does
    not hold for editable installs)."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # any failure to compile leaves the pure-Python parser
            print(f"note: the compiled parser was not built ({error}); using the pure-Python one", file=sys.stderr)

    def build_extension(self, extension: Extension) -> None:
        try:
            super().build_extension(extension)
        except Exception as error:
            print(f"note: {extension.name} was not built ({error}); using its pure-Python twin", file=sys.stderr)

    def get_outputs(self) -> list[str]:
        import os

        return [output for output in super().get_outputs() if os.path.exists(output)]


def _extensions() -> list[Extension]:
    try:
        import lxml
        from Cython.Build import cythonize
    except ImportError:  # no Cython in this build environment: pure Python
        return []
    walk = Extension("transforms._ownership_walk", ["transforms/_ownership_walk.pyx"], include_dirs=lxml.get_include())
    header = Extension("transforms._sgml_header", ["transforms/_sgml_header.pyx"])
    return cythonize([walk, header], quiet=True, compiler_directives={"language_level": "3"})


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
