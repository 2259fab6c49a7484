"""A network printer on 127.0.0.1 that keeps every byte, and a reader of the raster it got."""

from __future__ import annotations

import socket
import struct
import subprocess
import threading
from pathlib import Path

from PIL import Image

GS_V_0 = b"\x1dv0"
GS_K = b"\x1d(k"


class CapturingPrinter:
    """Accepts connections one after the other on a fixed port and stores each job's bytes.

    Args:
        port: 0 for a free port; a given port lets a test "plug the printer back in".
    """

    def __init__(self, port: int = 0) -> None:
        self.jobs: list[bytes] = []
        self.job_done = threading.Event()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", port))
        self._server.listen(4)
        self._server.settimeout(0.2)
        self.port: int = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            data = bytearray()
            with conn:
                conn.settimeout(5)
                try:
                    while chunk := conn.recv(65536):
                        data.extend(chunk)
                except OSError:
                    pass
            self.jobs.append(bytes(data))
            self.job_done.set()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._server.close()


def free_port() -> int:
    """A port nothing listens on (a printer that is unplugged)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def raster_image(job: bytes) -> Image.Image:
    """Every GS v 0 raster block of a job, stacked top to bottom, as one 1-bit image."""
    blocks: list[Image.Image] = []
    at = job.find(GS_V_0)
    while at >= 0:
        width_bytes, height = struct.unpack("<HH", job[at + 4 : at + 8])
        size = width_bytes * height
        data = job[at + 8 : at + 8 + size]
        # ESC/POS: a set bit is a black dot; Pillow's mode "1" raw data: a set bit is white.
        inverted = bytes(b ^ 0xFF for b in data)
        blocks.append(Image.frombytes("1", (width_bytes * 8, height), inverted))
        at = job.find(GS_V_0, at + 8 + size)
    width = max(b.width for b in blocks)
    image = Image.new("1", (width, sum(b.height for b in blocks)), 1)
    y = 0
    for block in blocks:
        image.paste(block, (0, y))
        y += block.height
    return image


def decode_qr(image: Image.Image, tmp: Path) -> str:
    """What a phone reads from the QR code in IMAGE (zbarimg, as in the printing tests)."""
    path = tmp / "scan.png"
    image.convert("L").resize((image.width * 2, image.height * 2)).save(path)
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()
