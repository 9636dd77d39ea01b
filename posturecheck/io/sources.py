"""Frame sources behind one interface: video file, webcam, still image, image folder.

Every source is an iterable of :class:`~posturecheck.io.frames.Frame` with a
:class:`SourceDescription` known before the first frame is read. Sources are
validated when opened, so a bad file fails with a one-line
:class:`~posturecheck.errors.InputError` before any work is done.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import av
import cv2
import numpy as np

from posturecheck.errors import InputError
from posturecheck.io.frames import DEFAULT_MAX_SIDE, MAX_IMAGE_PIXELS, MIN_SHORT_SIDE, Frame, working_size
from posturecheck.io.kinds import IMAGE_SUFFIXES, Expect

SourceKind = Literal["video", "image", "image_folder", "webcam"]

# ffmpeg demuxers that mean "a still picture", not a clip. A GIF is either:
# one with a single frame is opened as a still (open_source), an animated one as a clip.
_IMAGE_DEMUXERS = ("image2", "png_pipe", "jpeg_pipe", "bmp_pipe", "webp_pipe", "tiff_pipe")
_GIF_SIGNATURES = (b"GIF87a", b"GIF89a")

# A camera that gives no frame for this long is taken as disconnected.
CAMERA_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class SourceDescription:
    """What a source holds, known once it is opened.

    ``width``/``height`` are the upright frame size in pixels of the original
    (rotation applied, before scaling to working size); ``rotation_deg`` is the
    clockwise rotation applied to the stored pixels; ``fps`` the nominal rate
    (``None`` for stills); ``n_frames`` the expected count (``None`` if unknown).
    """

    path: str
    kind: SourceKind
    width: int
    height: int
    work_width: int
    work_height: int
    fps: float | None
    rotation_deg: int
    n_frames: int | None


class SourceEndedEarly(InputError):
    """A source could not be read whole (truncated or damaged file, camera disconnected).

    It is raised after every readable frame was yielded, so nothing readable
    is lost; ``frames_read`` says how many frames were.
    """

    def __init__(self, message: str, frames_read: int) -> None:
        super().__init__(message)
        self.frames_read = frames_read


def _check_size(path: str, width: int, height: int) -> None:
    if min(width, height) < MIN_SHORT_SIDE:
        raise InputError(
            f"{path}: frames are too small ({width}x{height} px); at least {MIN_SHORT_SIDE} px needed"
        )
    if width * height > MAX_IMAGE_PIXELS:
        raise InputError(
            f"{path}: frames are too large ({width}x{height} px); at most {MAX_IMAGE_PIXELS:,} pixels"
        )


def _upright(image: np.ndarray, rotation_deg: int) -> np.ndarray:
    """Rotate pixels clockwise by ``rotation_deg`` (0, 90, 180 or 270)."""
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(image, codes[rotation_deg]) if rotation_deg in codes else image


def _describe(
    path: str,
    kind: SourceKind,
    size: tuple[int, int],
    max_side: int,
    fps: float | None = None,
    rotation_deg: int = 0,
    n_frames: int | None = None,
) -> SourceDescription:
    """The description of a source whose upright frames are ``size`` (w, h), checked for size."""
    width, height = size
    _check_size(path, width, height)
    work_width, work_height = working_size(width, height, max_side)
    return SourceDescription(path, kind, width, height, work_width, work_height, fps, rotation_deg, n_frames)


def _to_working_size(image: np.ndarray, description: SourceDescription) -> np.ndarray:
    """``image`` scaled (area-averaged) to the source's working size, C-contiguous."""
    size = (description.work_width, description.work_height)
    return np.ascontiguousarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA))


class VideoFileSource:
    """Frames of a video file, decoded with PyAV (FFmpeg).

    Rotation metadata (the display matrix phones write) is applied, so frames
    come out upright. ``time_s`` is each frame's presentation time minus the
    first frame's, so variable frame rate clips keep their true timing.
    A file that stops decoding early raises :class:`SourceEndedEarly` after the
    frames before the damage were yielded.
    """

    def __init__(self, path: str | Path, max_side: int = DEFAULT_MAX_SIDE) -> None:
        self.path = str(path)
        self._container = _open_container(self.path)
        stream = self._container.streams.video[0]
        self._stream = stream
        self._rotation = _clockwise_rotation(self._container, self.path)
        width, height = stream.codec_context.width, stream.codec_context.height
        if self._rotation in (90, 270):
            width, height = height, width
        fps = float(stream.average_rate) if stream.average_rate else None
        self.description = _describe(
            self.path, "video", (width, height), max_side, fps, self._rotation, stream.frames or None
        )

    def __iter__(self) -> Iterator[Frame]:
        desc = self.description
        # Scale before rotating: the decoder's rows are the unrotated ones.
        scaled_w, scaled_h = (
            (desc.work_height, desc.work_width)
            if self._rotation in (90, 270)
            else (desc.work_width, desc.work_height)
        )
        first_time: float | None = None
        index = 0
        damaged = 0
        try:
            for packet in self._container.demux(self._stream):
                try:
                    decoded = packet.decode()
                except av.error.InvalidDataError:
                    damaged += 1  # FFmpeg conceals what it can; a packet it rejects is skipped
                    continue
                for av_frame in decoded:
                    raw_time = av_frame.time if av_frame.time is not None else index / (desc.fps or 30.0)
                    first_time = raw_time if first_time is None else first_time
                    rgb = av_frame.to_ndarray(
                        width=scaled_w, height=scaled_h, format="rgb24", interpolation="AREA"
                    )
                    yield Frame(
                        index=index,
                        time_s=raw_time - first_time,
                        image=np.ascontiguousarray(_upright(rgb, self._rotation)),
                    )
                    index += 1
        except av.error.FFmpegError as exc:
            raise SourceEndedEarly(
                f"{self.path}: video is corrupt or truncated after frame {index} ({exc.__class__.__name__})",
                index,
            ) from exc
        finally:
            self._container.close()
        if index == 0:
            raise InputError(f"{self.path}: no frame could be decoded (corrupt or truncated video)")
        expected = desc.n_frames
        if expected and index < 0.95 * expected - 1:
            raise SourceEndedEarly(
                f"{self.path}: video is truncated or damaged: {index} of {expected} frames could be decoded",
                index,
            )
        if damaged:
            raise SourceEndedEarly(
                f"{self.path}: video is damaged: {damaged} packets could not be decoded", index
            )


def _open_container(path: str) -> av.container.InputContainer:
    try:
        container = av.open(path, mode="r")
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path}: not a video or image file that can be read ({_ffmpeg_reason(exc)})"
        ) from exc
    if not container.streams.video:
        container.close()
        raise InputError(f"{path}: has no video stream")
    if container.format.name in _IMAGE_DEMUXERS:
        container.close()
        raise InputError(f"{path}: is a still image, not a video clip")
    return container


def _ffmpeg_reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc).splitlines()[0]


def _clockwise_rotation(container: av.container.InputContainer, path: str) -> int:
    """Clockwise rotation (0/90/180/270) that makes the stored frames upright.

    FFmpeg reports the display matrix as the counter-clockwise angle the
    stored frame is already turned by (-90 for a phone's usual portrait
    matrix); turning the pixels clockwise by the negated angle makes them
    upright, as players show them. Read from the first decoded frame, then
    the container is rewound.
    """
    stream = container.streams.video[0]
    try:
        first = next(container.decode(stream))
    except (StopIteration, av.error.FFmpegError) as exc:
        container.close()
        raise InputError(f"{path}: no frame could be decoded (corrupt or truncated video)") from exc
    ccw = float(getattr(first, "rotation", 0) or 0)
    container.seek(0)
    return int(round(-ccw / 90.0)) * 90 % 360


class ImageSource:
    """One still image (EXIF orientation applied by OpenCV), as a one-frame source."""

    def __init__(self, path: str | Path, max_side: int = DEFAULT_MAX_SIDE) -> None:
        self.path = str(path)
        self._image = _read_image(self.path)
        height, width = self._image.shape[:2]
        self.description = _describe(self.path, "image", (width, height), max_side, n_frames=1)

    def __iter__(self) -> Iterator[Frame]:
        yield Frame(index=0, time_s=0.0, image=_to_working_size(self._image, self.description))


def _read_image(path: str) -> np.ndarray:
    if _is_gif(Path(path)):
        return _read_still_gif(path)
    header = cv2.imread(path, cv2.IMREAD_REDUCED_GRAYSCALE_8)
    if header is None:
        raise InputError(f"{path}: not a readable image")
    if header.shape[0] * header.shape[1] * 64 > MAX_IMAGE_PIXELS:
        raise InputError(f"{path}: image is too large (about {header.shape[1] * 8}x{header.shape[0] * 8} px)")
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    if bgr is None:
        raise InputError(f"{path}: not a readable image")
    _check_size(path, bgr.shape[1], bgr.shape[0])
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _read_still_gif(path: str) -> np.ndarray:
    """The first frame of a GIF as (h, w, 3) RGB, decoded by FFmpeg (OpenCV reads GIFs only from 4.11)."""
    try:
        with av.open(path, mode="r") as container:
            stream = container.streams.video[0]
            _check_size(path, stream.codec_context.width, stream.codec_context.height)
            rgb: np.ndarray = next(container.decode(stream)).to_ndarray(format="rgb24")
    except (av.error.FFmpegError, StopIteration, IndexError) as exc:
        raise InputError(f"{path}: not a readable image (damaged GIF)") from exc
    return rgb


class ImageFolderSource:
    """The images of a folder, in name order, as a sequence of stills of one size.

    ``time_s`` is the image's position in the sequence (0, 1, 2, ... s): the
    images are independent photos, each analysed on its own.
    """

    def __init__(self, path: str | Path, max_side: int = DEFAULT_MAX_SIDE) -> None:
        self.path = str(path)
        self._files = sorted(p for p in Path(path).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._files:
            raise InputError(f"{self.path}: folder holds no images ({', '.join(IMAGE_SUFFIXES)})")
        first = ImageSource(self._files[0], max_side).description
        size = (first.width, first.height)
        self.description = _describe(self.path, "image_folder", size, max_side, n_frames=len(self._files))

    def __iter__(self) -> Iterator[Frame]:
        size = (self.description.width, self.description.height)
        for index, file in enumerate(self._files):
            image = _read_image(str(file))
            # Pixel landmarks are scaled by the folder's one frame size, so a
            # photo of another size would give distorted angles: stop there.
            if (image.shape[1], image.shape[0]) != size:
                raise SourceEndedEarly(
                    f"{file}: is {image.shape[1]}x{image.shape[0]} px, the folder's first photo "
                    f"{size[0]}x{size[1]} px; a folder must hold photos of one size "
                    "(analyse the others apart)",
                    index,
                )
            yield Frame(index=index, time_s=float(index), image=_to_working_size(image, self.description))


class WebcamSource:
    """Live frames from a camera, timed by the monotonic clock.

    ``device`` is a camera index or anything else OpenCV's ``VideoCapture``
    opens as a live device (``/dev/video2``, a stream URL).

    A camera that gives no frame for :data:`CAMERA_TIMEOUT_S` seconds is taken
    as disconnected: iteration ends with :class:`SourceEndedEarly`, after every
    frame it did give was yielded.
    """

    def __init__(self, device: int | str = 0, max_side: int = DEFAULT_MAX_SIDE) -> None:
        self.path = f"camera {device}"
        self._capture = cv2.VideoCapture(device)
        if not self._capture.isOpened():
            raise InputError(f"{self.path}: could not be opened (no camera at that index, or it is in use)")
        # Keep no backlog of frames where the backend allows it: a reader slower than the camera
        # then gets the newest frame, not one from a queue behind the person.
        self._capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        width = int(self._capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(self._capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        fps = self._capture.get(cv2.CAP_PROP_FPS) or None
        self.description = _describe(self.path, "webcam", (width, height), max_side, fps)

    def __iter__(self) -> Iterator[Frame]:
        start = time.monotonic()
        last_ok = start
        index = 0
        try:
            while True:
                ok, bgr = self._capture.read()
                now = time.monotonic()
                if not ok or bgr is None:
                    if now - last_ok > CAMERA_TIMEOUT_S:
                        raise SourceEndedEarly(
                            f"{self.path}: camera stopped sending frames (disconnected?)", index
                        )
                    time.sleep(0.01)
                    continue
                last_ok = now
                small = _to_working_size(bgr, self.description)
                yield Frame(index=index, time_s=now - start, image=cv2.cvtColor(small, cv2.COLOR_BGR2RGB))
                index += 1
        finally:
            self._capture.release()


FrameSource = VideoFileSource | ImageSource | ImageFolderSource | WebcamSource


def open_source(path: str | Path, expect: Expect = "any", max_side: int = DEFAULT_MAX_SIDE) -> FrameSource:
    """Open a video file, a still image or a folder of images, by its content.

    Parameters
    ----------
    path : file or folder.
    expect : ``"clip"`` refuses stills, ``"image"`` refuses clips, ``"any"`` takes both.
    max_side : long side, in pixels, of the working frames.

    Raises
    ------
    InputError
        Missing, empty, unreadable, wrong kind, too small or too large input;
        the message names the file and the problem.
    """
    path = Path(path)
    try:
        return _open_by_content(path, expect, max_side)
    except PermissionError as exc:
        raise InputError(
            f"{path}: cannot be read (permission denied); allow reading it, or copy it where you can read it"
        ) from exc


def _open_by_content(path: Path, expect: Expect, max_side: int) -> FrameSource:
    """:func:`open_source` of a path whose permission errors the caller words."""
    name = str(path)
    if not path.exists():
        raise InputError(f"{name}: no such file or folder")
    if path.is_dir():
        if expect == "clip":
            raise InputError(f"{name}: is a folder of images; a video clip is needed here")
        return ImageFolderSource(path, max_side)
    if path.stat().st_size == 0:
        raise InputError(f"{name}: file is empty (0 bytes)")
    if _looks_like_image(path) or (_is_gif(path) and _gif_frames(path) == 1):
        if expect == "clip":
            raise InputError(f"{name}: is a still image; a video clip is needed here")
        return ImageSource(path, max_side)
    source = VideoFileSource(path, max_side)
    if expect == "image":
        raise InputError(f"{name}: is a video clip; a still image is needed here")
    return source


def _looks_like_image(path: Path) -> bool:
    """True if OpenCV's image decoders recognise the file's first bytes."""
    with path.open("rb") as handle:
        head = handle.read(16)
    signatures = (b"\x89PNG", b"\xff\xd8\xff", b"BM", b"II*\x00", b"MM\x00*")
    is_webp = head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    return is_webp or any(head.startswith(sig) for sig in signatures)


def _is_gif(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(6) in _GIF_SIGNATURES


def _gif_frames(path: Path) -> int:
    """Frames in a GIF, counted up to 2 (0 if FFmpeg cannot read it: the clip reader then says why)."""
    try:
        with av.open(str(path), mode="r") as container:
            count = 0
            for packet in container.demux(video=0):
                count += packet.size > 0
                if count > 1:
                    break
            return count
    except (av.error.FFmpegError, IndexError):
        return 0
