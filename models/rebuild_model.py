"""Rebuild ``pose_landmarker_full.task`` from the ``mediapipe==0.10.14`` wheel and check its sha256.

The bundled model is MediaPipe's BlazePose GHUM *full* pose model. The two
TFLite files ship inside the ``mediapipe==0.10.14`` wheel on PyPI; this script

1. makes a throwaway virtualenv in a temporary folder and installs
   ``mediapipe==0.10.14`` (and the pinned ``flatbuffers`` that serialises the
   metadata) into it,
2. runs MediaPipe's own metadata writer inside that virtualenv to add the
   Tasks input metadata to each model,
3. zips the two results uncompressed, in the order and under the names the
   PoseLandmarker task expects, with fixed entry dates,
4. compares the sha256 with the documented one and exits non-zero on a
   mismatch, saying what differs from the shipped file.

Notes
-----
The metadata writer is run in a separate virtualenv because the writer of
mediapipe 1.2.x (the project's runtime) no longer imports, while 0.10.14's
does. mediapipe 0.10.14 publishes wheels for CPython 3.8-3.12 only; use
``--python`` to point at such an interpreter if the current one is newer.

Run ``python models/rebuild_model.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

MEDIAPIPE_VERSION = "0.10.14"
# The metadata flatbuffer is serialised by this package, so its version is
# pinned too: a different builder could lay the same metadata out differently.
FLATBUFFERS_VERSION = "25.12.19"
EXPECTED_SHA256 = "32c31069be5550b6d9c31a5ff3e4d6d9bb0b53d1214d54f8f9b8dd0b2fac1a52"
# The shipped bundle lives inside the package; models/pose_landmarker_full.task links to it.
SHIPPED_MODEL = Path(__file__).resolve().parents[1] / "posturecheck/pose/models/pose_landmarker_full.task"
# The earliest date a zip entry can hold; a fixed date keeps the bundle reproducible.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Member:
    """One model inside the bundle.

    Parameters
    ----------
    source : str
        Path of the TFLite file inside the installed ``mediapipe`` package.
    name : str
        Name of the zip entry the PoseLandmarker task looks for.
    norm_mean, norm_std : float
        Input normalisation written to the metadata: the model sees
        ``(pixel - norm_mean) / norm_std`` for 0..255 RGB pixels.
    """

    source: str
    name: str
    norm_mean: float
    norm_std: float


# Order matters for the byte-exact check: detector first, then landmarks.
MEMBERS = (
    # Detector input in -1..1.
    Member("modules/pose_detection/pose_detection.tflite", "pose_detector.tflite", 127.5, 127.5),
    # Landmark model input in 0..1.
    Member("modules/pose_landmark/pose_landmark_full.tflite", "pose_landmarks_detector.tflite", 0.0, 255.0),
)

# Runs inside the throwaway virtualenv. argv[1] is a JSON object with the
# output folder and the members. General info ("model", "BlazePose") and an RGB
# image input with the given normalisation are all the metadata written; the
# writer fills the output tensor names itself.
METADATA_SCRIPT = r"""
import json
import sys
from importlib.metadata import version
from pathlib import Path

import mediapipe
from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

job = json.loads(sys.argv[1])
package = Path(mediapipe.__file__).parent
out_dir = Path(job["out_dir"])
print(f"  mediapipe {version('mediapipe')}, flatbuffers {version('flatbuffers')}")
for member in job["members"]:
    model = bytearray((package / member["source"]).read_bytes())
    writer = (
        metadata_writer.MetadataWriter.create(model)
        .add_general_info("model", "BlazePose")
        .add_image_input(norm_mean=[member["norm_mean"]], norm_std=[member["norm_std"]])
    )
    content, _ = writer.populate()
    (out_dir / member["name"]).write_bytes(content)
    print(f"  {member['source']} -> {member['name']} ({len(content)} bytes)")
"""


class RebuildError(Exception):
    """A step of the rebuild failed; the message names the step."""


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run(command: list[str], step: str) -> None:
    """Run a command, letting it print, and raise :class:`RebuildError` naming ``step`` if it fails."""
    result = subprocess.run(command, check=False)
    if result.returncode != 0:
        raise RebuildError(f"{step} failed (exit code {result.returncode}): {' '.join(command)}")


def make_venv(folder: Path, python: str | None) -> Path:
    """Create a virtualenv in ``folder`` and return its python executable.

    Parameters
    ----------
    folder : Path
        Empty folder for the virtualenv.
    python : str or None
        Interpreter to base it on; ``None`` means the one running this script.
    """
    if python is None:
        venv.EnvBuilder(with_pip=True).create(folder)
    else:
        run([python, "-m", "venv", str(folder)], "creating the virtualenv")
    bin_dir = "Scripts" if sys.platform == "win32" else "bin"
    return folder / bin_dir / ("python.exe" if sys.platform == "win32" else "python")


def install_mediapipe(venv_python: Path) -> None:
    """Install the pinned mediapipe and flatbuffers into the virtualenv."""
    run(
        [
            str(venv_python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"mediapipe=={MEDIAPIPE_VERSION}",
            f"flatbuffers=={FLATBUFFERS_VERSION}",
        ],
        f"pip install mediapipe=={MEDIAPIPE_VERSION}",
    )


def write_metadata(venv_python: Path, out_dir: Path) -> None:
    """Write each member, with its Tasks metadata added, into ``out_dir`` using the virtualenv."""
    job = {
        "out_dir": str(out_dir),
        "members": [
            {"source": m.source, "name": m.name, "norm_mean": m.norm_mean, "norm_std": m.norm_std}
            for m in MEMBERS
        ],
    }
    run([str(venv_python), "-c", METADATA_SCRIPT, json.dumps(job)], "writing the model metadata")


def bundle(model_dir: Path, output: Path) -> None:
    """Zip the members from ``model_dir`` into ``output``: stored (uncompressed), fixed date, fixed order.

    Notes
    -----
    MediaPipe reads the models straight out of the bundle, so entries are
    stored uncompressed. ``zipfile.ZipInfo`` gives each entry Unix
    permissions 0600 and no extra fields, which the shipped file also has.
    """
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_STORED) as archive:
        for member in MEMBERS:
            info = zipfile.ZipInfo(member.name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, (model_dir / member.name).read_bytes())


_ZIP_FIELDS = (
    "date_time",
    "compress_type",
    "external_attr",
    "create_system",
    "create_version",
    "extract_version",
    "flag_bits",
    "extra",
    "comment",
    "header_offset",
)


def _member_differences(
    built: zipfile.ZipFile, reference: zipfile.ZipFile, name: str
) -> tuple[list[str], list[str]]:
    """Return (content differences, zip field differences) of one entry present in both archives."""
    content: list[str] = []
    fields: list[str] = []
    if built.read(name) != reference.read(name):
        content.append(f"bytes of {name}")
    built_info, reference_info = built.getinfo(name), reference.getinfo(name)
    for field in _ZIP_FIELDS:
        ours, theirs = getattr(built_info, field), getattr(reference_info, field)
        if ours != theirs:
            fields.append(f"{name} {field} {ours!r} (shipped {theirs!r})")
    return content, fields


def describe_difference(built: Path, reference: Path) -> str:
    """Say how a rebuilt bundle differs from the reference one.

    Parameters
    ----------
    built, reference : Path
        The rebuilt bundle and the shipped one.

    Returns
    -------
    str
        One line: whether the model bytes differ, or only the zip container
        (and which fields), or neither (then the difference is in bytes no
        field accounts for).
    """
    if not reference.is_file():
        return f"no reference file at {reference} to compare with"
    if sha256_of(built) == sha256_of(reference):
        return f"the rebuilt bundle is identical to {reference}; the expected sha256 matches neither"
    try:
        with zipfile.ZipFile(built) as ours, zipfile.ZipFile(reference) as theirs:
            our_names, their_names = ours.namelist(), theirs.namelist()
            content: list[str] = []
            fields: list[str] = []
            if our_names != their_names:
                content.append(f"entry names/order {our_names} (shipped {their_names})")
            for name in (n for n in our_names if n in their_names):
                member_content, member_fields = _member_differences(ours, theirs, name)
                content += member_content
                fields += member_fields
            if ours.comment != theirs.comment:
                fields.append(f"archive comment {ours.comment!r} (shipped {theirs.comment!r})")
    except zipfile.BadZipFile as error:
        return f"cannot compare: {error}"
    if content:
        return "bundle content differs: " + "; ".join(content + fields)
    if fields:
        return "content differs only in zip container fields: " + "; ".join(fields)
    return "entries and zip fields are identical; the difference is in zip bytes outside them"


def rebuild(output: Path, python: str | None) -> None:
    """Build the bundle into ``output`` using a throwaway virtualenv (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="rebuild_pose_model_") as tmp:
        tmp_dir = Path(tmp)
        print(f"creating a throwaway virtualenv in {tmp_dir / 'venv'}")
        venv_python = make_venv(tmp_dir / "venv", python)
        print(f"installing mediapipe=={MEDIAPIPE_VERSION} flatbuffers=={FLATBUFFERS_VERSION} (takes a while)")
        install_mediapipe(venv_python)
        print("adding the Tasks metadata")
        model_dir = tmp_dir / "models"
        model_dir.mkdir()
        write_metadata(venv_python, model_dir)
        bundle(model_dir, output)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description=(
            f"Rebuild pose_landmarker_full.task from the mediapipe=={MEDIAPIPE_VERSION} wheel "
            "and check it against the documented sha256. Exits 0 on a match, 1 on a mismatch, "
            "2 if the rebuild itself failed."
        )
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="where to write the rebuilt bundle (default: a temporary file, deleted after the check)",
    )
    parser.add_argument(
        "--reference",
        type=Path,
        default=SHIPPED_MODEL,
        help="bundle to compare against if the hash differs (default: %(default)s)",
    )
    parser.add_argument(
        "--expected-sha256",
        default=EXPECTED_SHA256,
        help="sha256 the rebuilt bundle must have (default: the documented one)",
    )
    parser.add_argument(
        "--python",
        default=None,
        help=f"interpreter for the throwaway virtualenv; mediapipe {MEDIAPIPE_VERSION} needs CPython "
        "3.8-3.12 (default: the one running this script)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Rebuild, compare and report; return the exit code."""
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rebuilt_pose_model_") as out_tmp:
        built = Path(out_tmp) / "pose_landmarker_full.task"
        try:
            rebuild(built, args.python)
        except RebuildError as error:
            print(f"rebuild failed: {error}", file=sys.stderr)
            return 2
        digest = sha256_of(built)
        print(f"rebuilt sha256:  {digest}")
        print(f"expected sha256: {args.expected_sha256}")
        matched = digest == args.expected_sha256.lower()
        if matched:
            print("MATCH: the rebuilt bundle is byte for byte the documented one")
        else:
            print("MISMATCH: " + describe_difference(built, args.reference))
        if args.output is not None:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_bytes(built.read_bytes())
            print(f"wrote {args.output}")
    return 0 if matched else 1


if __name__ == "__main__":
    sys.exit(main())
