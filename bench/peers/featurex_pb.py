"""featurex's wire contract for the Python peers, generated at run time.

Runs Debian's protoc (3.21, matching python3-protobuf 3.21) on
proto/src/main/proto/featurex/v1/featurex.proto into a scratch directory and imports the result,
so no generated code is committed. Python 3 stdlib + python3-protobuf only.
"""

import importlib
import os
import subprocess
import sys
import tempfile

_HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_ROOT = os.path.normpath(os.path.join(_HERE, "..", "..", "proto", "src", "main", "proto"))
PROTO_FILE = os.path.join(PROTO_ROOT, "featurex", "v1", "featurex.proto")


def load(out_dir=None):
    """Returns the featurex_pb2 module (ImageRef, FeatureVector, DeadLetter, ...)."""
    out_dir = out_dir or tempfile.mkdtemp(prefix="featurex-pb-")
    os.makedirs(out_dir, exist_ok=True)
    subprocess.run(["protoc", "-I", PROTO_ROOT, "--python_out=" + out_dir, PROTO_FILE], check=True)
    if out_dir not in sys.path:
        sys.path.insert(0, out_dir)
    return importlib.import_module("featurex.v1.featurex_pb2")


def peak_rss_bytes():
    """This process's peak resident set (VmHWM), or -1 where /proc is missing."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return -1
