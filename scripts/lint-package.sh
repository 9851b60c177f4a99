#!/usr/bin/env bash
# Package hygiene for one published package (run from its directory after a build):
# publint in strict mode, then "are the types wrong" against the packed tarball.
set -euo pipefail
publint --strict
attw --pack . --profile node16 --format ascii
