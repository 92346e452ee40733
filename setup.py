"""Builds vidsplit._native with the project's CMake (target vidsplit_python) and puts it in the package.

setuptools only drives CMake: the metadata is in pyproject.toml, the version in CMakeLists.txt.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        target = Path(self.get_ext_fullpath(ext.name)).resolve()
        build = Path(self.build_temp).resolve() / "cmake"
        subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                        "-DVIDSPLIT_BUILD_TESTS=OFF", "-DVIDSPLIT_PYTHON=ON",
                        f"-DPython3_EXECUTABLE={sys.executable}"], check=True)
        subprocess.run(["cmake", "--build", str(build), "--target", "vidsplit_python",
                        "-j", str(os.cpu_count() or 1)], check=True)
        built = next((build / "python" / "vidsplit").glob("_native*" + Path(target).suffix))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


version = re.search(r"project\(vidsplit VERSION ([0-9.]+)", (ROOT / "CMakeLists.txt").read_text()).group(1)
setup(version=version, ext_modules=[Extension("vidsplit._native", sources=[])], cmdclass={"build_ext": CMakeBuild})
