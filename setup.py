"""Builds the optional compiled parser (transforms/_batch_parser.pyx); everything else is in pyproject.toml.

It is optional: where no C compiler or Python headers are at hand, the build says so and the pipeline runs the
pure-Python parser, which gives the same frames (tests/test_compiled_parser.py).
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
            print(f"note: {extension.name} was not built ({error}); using the pure-Python parser", file=sys.stderr)

    def get_outputs(self) -> list[str]:
        import os

        return [output for output in super().get_outputs() if os.path.exists(output)]


def _extensions() -> list[Extension]:
    try:
        import lxml
        from Cython.Build import cythonize
    except ImportError:  # no Cython in this build environment: pure Python
        return []
    parser = Extension("transforms._batch_parser", ["transforms/_batch_parser.pyx"], include_dirs=lxml.get_include())
    return cythonize([parser], quiet=True, compiler_directives={"language_level": "3"})


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
