"""Frame sources (video file, webcam, image, image folder), read-ahead, and the H.264 writer."""
