"""The parse floor: compose every file with libyaml (PyYAML's CSafeLoader) and
nothing else, in one process. ``python libyaml_floor.py FILE...``"""

import sys

import yaml

if not yaml.__with_libyaml__:
    sys.exit("PyYAML was built without libyaml: no floor to measure")

for path in sys.argv[1:]:
    with open(path, "rb") as handle:
        yaml.compose(handle.read(), Loader=yaml.CSafeLoader)
