"""Run Ralph's LRS API on its filesystem backend, appending: `python ralph_lrs.py PORT`.

Ralph's filesystem backend writes each POST with "create", which refuses a file that
exists, so only the first POST would be stored; a real deployment of that backend appends.
Settings come from the environment (RALPH_*), as Ralph documents.
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

from ralph.api import app  # noqa: E402  (reads its settings once the backend is set)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
