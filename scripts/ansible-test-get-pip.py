"""Stand-in for the get-pip.py that ansible-test downloads to bootstrap pip into its sanity venvs.

ansible-test fetches get-pip.py from ci-files.testing.ansible.com, which the test bed does not reach
(only PyPI and the Debian mirrors); it documents saving the script into its cache by hand instead.
scripts/build-collection.sh saves this one there: pip from the interpreter's own ensurepip, then the
pinned packages ansible-test asks for (pip itself included) from PyPI, as get-pip.py would install.
"""

import os
import subprocess
import sys

# get-pip.py's own switches; pip does not know them.
GET_PIP_ONLY = ("--no-setuptools", "--no-wheel")
# ensurepip leaves PIP_CONFIG_FILE=/dev/null behind, which hides the machine's pip configuration
# (index, certificates) from the install from PyPI.
ENSUREPIP_LEFTOVERS = ("PIP_CONFIG_FILE", "ENSUREPIP_OPTIONS")

subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
environment = {name: value for name, value in os.environ.items() if name not in ENSUREPIP_LEFTOVERS}
subprocess.check_call(
    [sys.executable, "-m", "pip", "install", *(a for a in sys.argv[1:] if a not in GET_PIP_ONLY)],
    env=environment,
)
