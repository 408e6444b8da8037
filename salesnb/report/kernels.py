"""Running one notebook in a fresh kernel, over IPC sockets in a folder of its own."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

__all__ = ["execute_notebook", "ipc_kernel_manager"]


def ipc_kernel_manager(workdir: Path) -> type:
    """A kernel manager class whose kernels talk over IPC sockets in ``workdir``.

    TCP ports picked at random by parallel kernels collide now and then ("Address
    already in use"); socket files in a folder of their own cannot.
    """
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any):
            kwargs.setdefault("transport", "ipc")
            folder = tempfile.mkdtemp(prefix="kernel-", dir=workdir)
            kwargs.setdefault("ip", str(Path(folder) / "socket"))
            super().__init__(**kwargs)

    return IPCKernelManager


def execute_notebook(
    source: Path,
    target: Path,
    parameters: dict[str, Any],
    workdir: Path,
    cwd: Path | None = None,
) -> None:
    """Run ``source`` into ``target`` with papermill in a fresh kernel over IPC sockets.

    ``cwd`` None leaves the working folder alone: papermill would change the whole
    process's for the run, which two runs at once in one process must not do.
    """
    import papermill

    papermill.execute_notebook(
        str(source),
        str(target),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        log_output=False,
        cwd=None if cwd is None else str(cwd),
        kernel_manager_class=ipc_kernel_manager(workdir),
    )
