"""JSON out: Starlette's JSONResponse, rendered by orjson.

The same compact UTF-8 JSON as Starlette's (no spaces, non-ASCII as is),
about ten times faster; every gateway answer in JSON goes through it.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse as StarletteJSONResponse


class JSONResponse(StarletteJSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
