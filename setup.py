"""What the wheel carries: the code, its compiled translations, and the top-level folders.

templates/, static/ and migrations/ stay at the top of the repository (where a checkout keeps
them) and go into the wheel inside the package, as petitions/templates/ and so on, where
create_app looks first once installed. Their subfolders are found here, so a new template
folder needs no entry anywhere. tests/test_packaging.py builds the wheel and runs it.
"""

from setuptools import find_namespace_packages, setup

#: Top-level folder of the repository -> the package it becomes inside the wheel.
SHIPPED = {
    "templates": "petitions.templates",
    "static": "petitions.static",
    "migrations": "petitions.migrations",
}
_NOT_PACKAGES = ["__pycache__", "*.__pycache__", "*.egg-info"]

packages = find_namespace_packages(include=["petitions", "petitions.*"], exclude=_NOT_PACKAGES)
package_dir = {}
#: Compiled catalogs, and the sRGB profile that PDF/A bundles embed.
package_data = {"": ["*.mo"], "petitions.bundles": ["icc/*"]}
for folder, package in SHIPPED.items():
    package_dir[package] = folder
    found = [package] + [
        f"{package}.{sub}" for sub in find_namespace_packages(folder, exclude=_NOT_PACKAGES)
    ]
    packages += found
    package_data.update({name: ["*"] for name in found})

setup(packages=packages, package_dir=package_dir, package_data=package_data)
