"""Make the example scripts in examples/applications importable by the tests."""

import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "applications"
if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))
