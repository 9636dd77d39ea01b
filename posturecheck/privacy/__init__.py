"""Privacy of exported media: faces made unrecognisable before frames leave the machine."""

from posturecheck.privacy.blur import blur_faces

__all__ = ["blur_faces"]
