"""The Ray engine: the same per-input job as Ray tasks, on a cluster or a local Ray instance.

Inputs are read and results written through their paths, so on a cluster
every node must see the inputs and the output folder at the same paths (a
shared folder: NFS, SMB, a cluster file system). The pose model is not
assumed on the nodes' disks: its bytes are put in Ray's object store once,
and each worker writes them to a temporary file of its own and checks the
SHA-256 before using it. posturecheck itself must be installed on every node.

Without ``address`` a local Ray instance is started for the batch and
stopped after it (with one, the driver only disconnects): no dashboard, no
usage statistics, and every one of its servers listening on 127.0.0.1 only.
On Linux, Ray replaces a loopback ``_node_ip_address`` by the machine's
address and listens on all interfaces; its single-machine mode (the one it
uses on macOS and Windows, ``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0``, read
when ray is imported) keeps it on 127.0.0.1, and the engine checks that it did.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from posturecheck.batch.engines import (
    JOBS_PER_WORKER,
    ONE_THREAD_ENV,
    FramesDone,
    JobDone,
    environment,
    machine_cores,
)
from posturecheck.batch.job import Job, run_job
from posturecheck.batch.resume import Outcome
from posturecheck.errors import ModelError, PostureCheckError
from posturecheck.io.digest import file_sha256
from posturecheck.pose.landmarker import ModelInfo

INSTALL_HINT = "the Ray engine needs ray: pip install 'posturecheck[cluster]' (or pip install 'ray>=2.9')"
LOCALHOST = "127.0.0.1"
# Seconds between looks at finished tasks.
POLL_S = 0.5


class RayEngineError(PostureCheckError):
    """Ray is not installed, or the cluster cannot be reached."""


# Read by ray when imported: no usage statistics; with SINGLE_MACHINE_ENV, a local instance on 127.0.0.1 only.
PRIVATE_ENV = {"RAY_USAGE_STATS_ENABLED": "0"}
SINGLE_MACHINE_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}


def import_ray(address: str | None) -> Any:
    """Import ray, its environment set first for a cluster at ``address`` or a local instance (``None``).

    An address on 127.0.0.1 or localhost is a single-machine instance: it is
    joined in Ray's single-machine mode, as it was started.

    Raises
    ------
    RayEngineError
        With the install command, when ray is not installed.
    """
    os.environ.update(PRIVATE_ENV)
    if not address or address.rsplit(":", 1)[0] in (LOCALHOST, "localhost"):
        os.environ.update(SINGLE_MACHINE_ENV)
    try:
        import ray
    except ImportError as exc:
        raise RayEngineError(INSTALL_HINT) from exc
    return ray


def shipped_model(bundle: bytes, sha256: str) -> Path:
    """The model ``bundle`` as a file in this worker's temporary folder, checked against ``sha256``.

    Written once per node and worker user (the file's name is its hash) and
    checked each time it is used, so a damaged or half-written copy is
    rewritten rather than trusted.

    Raises
    ------
    ModelError
        If the bytes received do not have the expected SHA-256.
    """
    folder = Path(tempfile.gettempdir()) / "posturecheck-models"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{sha256}.task"
    if path.is_file() and file_sha256(path) == sha256:
        return path
    temp = folder / f".{sha256}.{os.getpid()}.writing"
    temp.write_bytes(bundle)
    if file_sha256(temp) != sha256:
        temp.unlink(missing_ok=True)
        raise ModelError(f"model bundle {sha256[:12]}: the copy shipped to this worker is damaged")
    os.replace(temp, path)
    return path


def _ray_job(job: Job, bundle: bytes, sha256: str) -> Outcome:
    """The Ray task: the model written locally, OpenCV on one thread, then the local engine's job."""
    from posturecheck.batch.engines import one_thread_in_this_process

    one_thread_in_this_process()
    return run_job(job, model_path=shipped_model(bundle, sha256))


def start_ray(address: str | None, workers: int) -> Any:
    """Connect to the cluster at ``address``, or start a local one with ``workers`` CPUs; returns ``ray``.

    Raises
    ------
    RayEngineError
        Ray missing, the cluster unreachable, or a local instance that would
        listen beyond this computer (ray was imported before its environment was set).
    """
    ray = import_ray(address)
    try:
        if address:
            ray.init(
                address=address,
                runtime_env={"env_vars": dict(ONE_THREAD_ENV)},
                log_to_driver=False,
                logging_level=logging.ERROR,
            )
        else:
            # A local instance's servers and workers copy this process's environment when started: the
            # workers get their one-thread limits that way, with no runtime environment to set up.
            with environment(ONE_THREAD_ENV):
                ray.init(
                    num_cpus=workers,
                    include_dashboard=False,
                    log_to_driver=False,
                    logging_level=logging.ERROR,
                )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = address or "a local instance"
        cause = str(exc.__cause__ or exc).strip().splitlines() or [exc.__class__.__name__]
        raise RayEngineError(f"Ray at {where}: cannot start or connect ({cause[0]})") from exc
    gcs = ray.get_runtime_context().gcs_address
    if not address and not gcs.startswith(f"{LOCALHOST}:"):
        ray.shutdown()
        raise RayEngineError(
            f"the local Ray instance would listen on {gcs}, not {LOCALHOST} only: ray was imported "
            "before posturecheck could keep it on this computer; stopped"
        )
    return ray


def run_ray(
    jobs: Sequence[Job],
    workers: int | None,
    model: ModelInfo,
    address: str | None,
    on_frames: FramesDone,
    on_done: JobDone,
) -> str:
    """Run ``jobs`` as Ray tasks, at most ``workers`` at a time; returns the address of Ray's GCS used.

    Outcomes reach ``on_done`` as they finish.

    ``workers`` ``None``: the cores of this machine for a local instance, the
    cluster's CPUs with an ``address``.

    Frames are counted when a task finishes (Ray tasks report nothing
    before). A task Ray itself loses (its worker died) is a "failed" outcome
    that is not recorded, so a re-run tries it again. Ctrl-C cancels the
    tasks and re-raises :class:`KeyboardInterrupt`.
    """
    ray = start_ray(address, workers or machine_cores())
    gcs = str(ray.get_runtime_context().gcs_address)
    try:
        limit = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        bundle = ray.put(model.path.read_bytes())
        task = ray.remote(num_cpus=1, max_retries=0, max_calls=JOBS_PER_WORKER)(_ray_job)
        waiting = list(reversed(jobs))
        running: dict[Any, Job] = {}
        try:
            while waiting or running:
                while waiting and len(running) < limit:
                    job = waiting.pop()
                    running[task.remote(job, bundle, model.sha256)] = job
                finished, _ = ray.wait(list(running), num_returns=1, timeout=POLL_S)
                for ref in finished:
                    outcome = _collect(ray, ref, running.pop(ref))
                    on_frames(outcome.frames if not outcome.skipped else 0)
                    on_done(outcome)
        except BaseException:
            for ref in running:
                ray.cancel(ref, force=True)
            raise
    finally:
        ray.shutdown()  # stops a local instance; only disconnects from a cluster
    return gcs


def _collect(ray: Any, ref: Any, job: Job) -> Outcome:
    try:
        return ray.get(ref)
    except ray.exceptions.RayError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        reason = f"{job.path}: the Ray task stopped ({exc.__class__.__name__}: {first})"
        return Outcome(input=str(job.path), result=job.name, status="failed", reason=reason)
