"""Per-point seeds: derived from the master seed and the point, nothing else.

A point's seed depends on the sweep's master seed, the point's parameter
values and, when the same values occur more than once (random sampling), on
which occurrence it is. It does not depend on the point's position in the
sweep, the executor or the number of workers, so

* serial, process-pool and Dask runs give identical results;
* adding values to a sweep leaves the seeds (and so the results) of the
  existing points unchanged.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

#: Seeds are kept below 2**63 so that they fit a signed 64-bit Parquet column.
SEED_BITS = 63


def canonical(value: Any) -> Any:
    """A JSON-stable form of a parameter value (floats that are integers stay floats)."""
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return canonical(value.item())
    return value


def point_seed(master_seed: int, params: Mapping[str, Any], occurrence: int = 0) -> int:
    """The seed of the point with parameter values ``params`` (a 63-bit integer)."""
    key = json.dumps(
        {"master": int(master_seed), "params": canonical(dict(params)), "n": int(occurrence)},
        sort_keys=True, separators=(",", ":"),
    )
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - SEED_BITS)
