"""Offline speech with the real espeak-ng: the worker process, its cache, failures; the chime."""

from __future__ import annotations

import array
import logging
import os
import signal
import subprocess
import sys
import wave
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from shared.paths import asset_path
from shared.rules.settings import VOICES, VoiceOptions
from shared.voice.render import cached_path, check_wav, resolve_voice_id
from shared.voice.speech import SpeechWorker

ROOT = Path(__file__).resolve().parents[2]
SENTENCE = "Mời công dân có số thứ tự một nghìn không trăm linh năm đến quầy số hai"
TIMEOUT_S = 60  # a bound for a hung worker, not a speed requirement


def wav_facts(path: Path) -> tuple[float, int, int, int]:
    """(duration in seconds, peak amplitude, channels, sample width) of a WAV file."""
    with wave.open(str(path), "rb") as wav:
        frames = wav.readframes(wav.getnframes())
        facts = wav.getnframes() / wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
    samples = array.array("h", frames)
    if sys.byteorder == "big":
        samples.byteswap()
    return facts[0], max(map(abs, samples)), facts[1], facts[2]


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "shared.voice.speech" and r.levelno == logging.WARNING
    ]


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "speech-cache"


@pytest.fixture
def worker(cache_dir: Path) -> Iterator[SpeechWorker]:
    speech = SpeechWorker(cache_dir)
    speech.start()
    yield speech
    speech.close()


def test_the_worker_finds_the_three_vietnamese_voices(worker: SpeechWorker) -> None:
    assert worker.wait_ready(TIMEOUT_S) is True
    ids = worker.voice_ids
    assert set(ids) == set(VOICES)
    # espeak-ng lists its voices through pyttsx3 by file name
    assert ids == {
        "vi": "aav/vi",
        "vi-vn-x-central": "aav/vi-vn-x-central",
        "vi-vn-x-south": "aav/vi-vn-x-south",
    }


def test_a_rendered_sentence_is_audible_speech_of_a_plausible_length(
    worker: SpeechWorker, cache_dir: Path
) -> None:
    path = worker.render(SENTENCE, VoiceOptions(voice="vi-vn-x-south", rate=140), TIMEOUT_S)
    assert path is not None
    assert path == cached_path(cache_dir, SENTENCE, "vi-vn-x-south", 140)
    duration, peak, channels, width = wav_facts(path)
    assert (channels, width) == (1, 2)
    assert 2 <= duration <= 15
    assert peak > 3000  # of 32767: clearly not silence
    assert check_wav(path) is None
    assert not [p for p in cache_dir.iterdir() if p != path], "no temporary file is left behind"


def test_queued_requests_all_complete_in_order(worker: SpeechWorker) -> None:
    sentences = [f"Mời công dân có số thứ tự {n} đến quầy số một" for n in range(1, 7)]
    voices = [VOICES[i % len(VOICES)] for i in range(len(sentences))]
    ids = [worker.request(s, v, 140) for s, v in zip(sentences, voices, strict=True)]
    results = [worker.get(TIMEOUT_S) for _ in ids]
    assert [r.request_id if r else None for r in results] == ids
    paths = []
    for result in results:
        assert result is not None and result.error is None and result.path is not None
        assert check_wav(result.path) is None
        paths.append(result.path)
    assert len(set(paths)) == len(paths)
    assert worker.poll() == []


def test_the_cache_returns_the_same_file_without_rendering_it_again(
    worker: SpeechWorker, cache_dir: Path
) -> None:
    voice = VoiceOptions(voice="vi", rate=150)
    first = worker.render(SENTENCE, voice, TIMEOUT_S)
    assert first is not None
    before = first.stat()
    again = worker.render(SENTENCE, voice, TIMEOUT_S)
    assert again == first
    after = first.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    # another worker process (the display restarted) uses the same cached file
    with SpeechWorker(cache_dir) as other:
        assert other.render(SENTENCE, voice, TIMEOUT_S) == first
    assert first.stat().st_mtime_ns == before.st_mtime_ns
    # a change of voice or rate is another file
    slower = worker.render(SENTENCE, VoiceOptions(voice="vi", rate=120), TIMEOUT_S)
    assert slower is not None and slower != first


def test_the_cache_keeps_the_newest_files_only(cache_dir: Path) -> None:
    cache_dir.mkdir()
    stale = cache_dir / ".0123.999.part.wav"  # left by a worker that died while rendering
    stale.write_bytes(b"RIFF")
    os.utime(stale, (1_000_000_000, 1_000_000_000))
    sentences = [f"Mời công dân có số thứ tự {n} đến quầy số ba" for n in ("một", "hai", "ba")]
    with SpeechWorker(cache_dir, max_files=2) as speech:
        paths: list[Path] = []
        for sentence in sentences:
            path = speech.render(sentence, VoiceOptions(voice="vi"), TIMEOUT_S)
            assert path is not None
            os.utime(path, (len(paths) + 1_700_000_000, len(paths) + 1_700_000_000))
            paths.append(path)
        assert sorted(cache_dir.iterdir()) == sorted(paths[1:])
        # a file that was pruned is simply rendered again
        again = speech.render(sentences[0], VoiceOptions(voice="vi"), TIMEOUT_S)
    assert again == paths[0] and check_wav(again) is None
    assert sorted(cache_dir.iterdir()) == sorted([paths[0], paths[2]])


def test_the_rate_is_applied_to_every_sentence(worker: SpeechWorker) -> None:
    # pyttsx3's espeak driver loses rate changes unless the worker waits for espeak-ng
    durations: dict[int, list[float]] = {}
    for rate in (100, 250, 100, 250):
        path = worker.render(f"{SENTENCE} lần {rate}", VoiceOptions(voice="vi", rate=rate))
        assert path is not None
        durations.setdefault(rate, []).append(wav_facts(path)[0])
    assert min(durations[100]) > 1.8 * max(durations[250])


def test_an_unknown_voice_gives_no_file_and_one_warning(
    worker: SpeechWorker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="shared.voice.speech")
    assert worker.render(SENTENCE, VoiceOptions(voice="tlh-klingon")) is None
    assert worker.render("Xin chào", VoiceOptions(voice="tlh-klingon")) is None
    assert warnings_of(caplog) == ["speech: voice 'tlh-klingon' is not installed on this PC"]
    # the worker still renders with a voice that exists
    assert worker.render(SENTENCE, VoiceOptions(voice="vi")) is not None


def test_without_a_speech_engine_every_request_gets_none_and_one_warning(
    cache_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="shared.voice.speech")
    with SpeechWorker(cache_dir, driver_name="no_such_driver") as speech:
        ids = [speech.request(f"Câu số {i}", "vi", 140) for i in range(3)]
        results = [speech.get(TIMEOUT_S) for _ in ids]
        assert speech.available is False
        assert speech.render(SENTENCE, VoiceOptions()) is None
    assert [(r.request_id, r.path) for r in results if r] == [(i, None) for i in ids]
    assert all(r and "no_such_driver" in (r.error or "") for r in results)
    warned = warnings_of(caplog)
    assert len(warned) == 1
    assert "no speech" in warned[0] and "chime only" in warned[0]


def test_a_worker_that_dies_fails_its_pending_requests_with_one_warning(
    worker: SpeechWorker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="shared.voice.speech")
    assert worker.wait_ready(TIMEOUT_S) is True
    assert worker.pid is not None
    os.kill(worker.pid, signal.SIGTERM)
    ids = [worker.request(f"Câu số {i}", "vi", 140) for i in range(2)]
    results = [worker.get(TIMEOUT_S) for _ in ids]
    assert [(r.request_id, r.path) for r in results if r] == [(i, None) for i in ids]
    assert warnings_of(caplog) == ["the speech worker stopped: calls get the chime only"]


def test_requests_before_start_and_empty_sentences_are_refused(cache_dir: Path) -> None:
    speech = SpeechWorker(cache_dir)
    with pytest.raises(RuntimeError, match="start"):
        speech.request(SENTENCE, "vi", 140)
    with pytest.raises(ValueError, match="empty"):
        speech.request("  ", "vi", 140)
    speech.close()  # closing a worker that never started does nothing


def test_render_wav_for_the_command_line(tmp_path: Path) -> None:
    # in a process of its own, as `motcua announce --out FILE.wav` runs it
    out = tmp_path / "call.wav"
    code = (
        "import sys; from pathlib import Path; from shared.voice.render import render_wav; "
        "render_wav(sys.argv[1], 'vi-vn-x-central', 140, Path(sys.argv[2]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, SENTENCE, str(out)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # pyttsx3's "Audio saved to ..." line is not printed
    duration, peak, _, _ = wav_facts(out)
    assert 2 <= duration <= 15 and peak > 3000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["call.wav"]


def test_render_wav_without_the_voice_raises_a_speech_error(tmp_path: Path) -> None:
    code = (
        "from pathlib import Path; from shared.voice.render import render_wav, SpeechError\n"
        "try:\n    render_wav('Xin chào', 'klingon', 140, Path('x.wav'))\n"
        "except SpeechError as exc:\n    print(exc.code, exc.en)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
        cwd=tmp_path,
    )
    assert done.stdout.strip() == "speech voice 'klingon' is not installed on this PC"
    assert not (tmp_path / "x.wav").exists()


# ----------------------------------------------------------------- pieces without the engine


def _voice(id_: str, name: str, languages: list[str]) -> SimpleNamespace:
    return SimpleNamespace(id=id_, name=name, languages=languages)


def test_voice_ids_of_espeak_and_of_windows() -> None:
    espeak = [
        _voice("gmw/en", "English", ["en"]),
        _voice("aav/vi", "Vietnamese (Northern)", ["vi"]),
        _voice("aav/vi-vn-x-south", "Vietnamese (Southern)", ["vi-vn-x-south"]),
    ]
    assert resolve_voice_id("vi", espeak) == "aav/vi"
    assert resolve_voice_id("vi-vn-x-south", espeak) == "aav/vi-vn-x-south"
    assert resolve_voice_id("aav/vi", espeak) == "aav/vi"
    # a voice missing from espeak-ng falls back to another Vietnamese voice
    assert resolve_voice_id("vi-vn-x-central", espeak) == "aav/vi"
    sapi = [
        _voice(r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Speech\Voices\Tokens\TTS_MS_EN-US_ZIRA_11.0",
               "Microsoft Zira Desktop", []),
        _voice(r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Speech\Voices\Tokens\TTS_MS_VI-VN_AN_11.0",
               "Microsoft An - Vietnamese (Vietnam)", []),
    ]  # fmt: skip
    for name in VOICES:
        assert resolve_voice_id(name, sapi) == sapi[1].id
    assert resolve_voice_id("vi", sapi[:1]) is None
    assert resolve_voice_id("en-us", espeak) is None


def _write_wav(path: Path, samples: list[int], rate: int = 22050) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(array.array("h", samples).tobytes())
    return path


def test_check_wav_refuses_what_cannot_be_played_as_speech(tmp_path: Path) -> None:
    loud = [(-1) ** i * 8000 for i in range(22050)]
    assert check_wav(_write_wav(tmp_path / "ok.wav", loud)) is None
    assert check_wav(_write_wav(tmp_path / "silent.wav", [3] * 22050)) == "silent"
    assert "too short" in (check_wav(_write_wav(tmp_path / "short.wav", loud[:1000])) or "")
    truncated = tmp_path / "truncated.wav"
    truncated.write_bytes((tmp_path / "ok.wav").read_bytes()[:30])
    assert "unreadable" in (check_wav(truncated) or "")
    assert "unreadable" in (check_wav(tmp_path / "missing.wav") or "")


# ----------------------------------------------------------------- the chime


def test_the_chime_is_a_short_audible_unclipped_sound() -> None:
    chime = asset_path("sounds/chime.wav")
    with wave.open(str(chime), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
    duration, peak, _, _ = wav_facts(chime)
    assert 0.5 <= duration <= 2
    assert 8000 < peak < 32000  # clearly audible, never clipping


def test_the_chime_is_what_its_generator_writes(tmp_path: Path) -> None:
    out = tmp_path / "chime.wav"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_chime.py"), "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=TIMEOUT_S,
    )
    with wave.open(str(out), "rb") as made, wave.open(str(asset_path("sounds/chime.wav"))) as kept:
        assert made.getparams() == kept.getparams()
        new = array.array("h", made.readframes(made.getnframes()))
        old = array.array("h", kept.readframes(kept.getnframes()))
    # the same up to one step of rounding (the maths library may differ by platform)
    assert max(abs(a - b) for a, b in zip(new, old, strict=True)) <= 1
