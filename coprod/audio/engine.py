"""Making speech: sentences -> checked WAVs -> one small MP3, with the second each sentence starts.

The real engine is pyttsx3 (espeak-ng), always in a separate short-lived process with a time
limit (see synth.py). Every WAV is checked before use: a valid header, frames present, the data
not cut short, and a length that fits the number of words. The fake engine (AUDIO_ENGINE="fake")
writes a plain tone instead, only to make tests fast; it goes through the same checks.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import lameenc

from coprod.audio.reading import speakable

# 2: web addresses, emails and codes are read sensibly (reading.py).
# 3: the speed is set before every sentence (synth.py): clips once made too fast are made again.
PIPELINE_VERSION = "3"
MP3_KBPS = 24          # mono speech: about 3 KB per second
MP3_QUALITY = 7        # lame's 0 (best, slowest) .. 9; 7 is plenty for synthetic speech, and quick
PAUSE_SECONDS = 0.25   # between sentences, on top of espeak's own pause
FAKE_SPEED = 2.5         # the fake engine "speaks" this many times faster than asked (a plausible length)


# Run synth.py as a script, not as coprod.audio.synth: importing the coprod package (Flask and all)
# would add a quarter of a second to every clip.
SYNTH_COMMAND = [sys.executable, str(Path(__file__).with_name("synth.py"))]


class EngineError(Exception):
    """The speech could not be made. The message is plain enough for the log and `coprod audio status`."""


@dataclass
class Speech:
    pcm: bytes               # 16-bit mono
    sample_rate: int
    starts: list[float]      # the second at which each sentence starts
    seconds: float


@lru_cache(maxsize=4)
def engine_version(engine: str) -> str:
    """Part of every clip's key: a new engine or new settings make new files."""
    if engine == "fake":
        return f"coprod-{PIPELINE_VERSION};fake;mp3-{MP3_KBPS}"
    from importlib.metadata import PackageNotFoundError, version

    try:
        pyttsx3_version = version("pyttsx3")
    except PackageNotFoundError:
        pyttsx3_version = "missing"
    try:
        from pyttsx3.drivers import _espeak

        espeak_version = (_espeak.Info(None) or b"?").decode()
    except Exception:  # no library: the key still works, the job will say what is wrong
        espeak_version = "missing"
    return f"coprod-{PIPELINE_VERSION};pyttsx3-{pyttsx3_version};espeak-ng-{espeak_version};mp3-{MP3_KBPS}"


def _words(sentence: str) -> int:
    return max(1, len(sentence.split()))


def _longest_words(sentence: str) -> float:
    """At most how many words' time the sentence may take: long words (numbers, names) take longer."""
    return max(_words(sentence), sum(len(word) for word in sentence.split()) / 5)


def check_wav(path: str, sentence: str, words_per_minute: int) -> tuple[bytes, int]:
    """The PCM frames of a WAV that is whole and about as long as the sentence needs."""
    try:
        with wave.open(path, "rb") as wav:
            channels, width, rate, frames = wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes()
            data = wav.readframes(frames)
    except FileNotFoundError:
        raise EngineError("the speech engine wrote no audio") from None
    except (OSError, EOFError, wave.Error) as error:
        raise EngineError(f"the speech engine wrote a broken WAV file: {error}") from None
    if (channels, width) != (1, 2) or not 8000 <= rate <= 48000:
        raise EngineError(f"unexpected WAV format: {channels} channel(s), {width * 8} bit, {rate} Hz")
    if frames == 0:
        raise EngineError("the speech engine wrote an empty WAV file")
    if len(data) != frames * width:
        raise EngineError("the WAV file was cut short")
    seconds = frames / rate
    # `sentence` is what was said (reading.speakable): an address is counted as the words it became.
    expected = _words(sentence) * 60 / words_per_minute
    longest = _longest_words(sentence) * 60 / words_per_minute
    if seconds < expected * 0.25 or seconds > longest * 4 + 3:
        raise EngineError(f"{seconds:.2f} s of audio for {_words(sentence)} word(s) is not plausible")
    return data, rate


@lru_cache(maxsize=1)
def _fake_tone(rate: int) -> bytes:
    """A tenth of a second of a 440 Hz beep. Made once: sample by sample in Python it cost about a
    minute of CPU over the test suite."""
    return b"".join(struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * i / rate))) for i in range(rate // 10))


def _write_fake(sentences: list[str], folder: str, words_per_minute: int) -> None:
    rate = 22050
    for number, sentence in enumerate(sentences):
        frames = int(rate * _words(sentence) * 60 / words_per_minute / FAKE_SPEED)
        tone = _fake_tone(rate)[: 2 * min(frames, rate // 10)]
        pcm = (tone * (frames // max(1, len(tone) // 2) + 1))[: frames * 2]
        with wave.open(os.path.join(folder, f"{number:04d}.wav"), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(rate)
            wav.writeframes(pcm)


def _run_synth(command: list[str], sentences: list, voice: str, rate: int, folder: str, timeout: float) -> None:
    args = [*command, "--voice", voice, "--rate", str(rate), "--out", folder]
    try:
        process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, start_new_session=True)
    except OSError as error:
        raise EngineError(f"the speech engine could not start: {error}") from None
    try:
        _out, err = process.communicate(json.dumps(sentences).encode(), timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise EngineError(f"the speech engine took longer than {timeout:g} s and was stopped") from None
    message = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
    if process.returncode < 0:
        raise EngineError(f"the speech engine crashed (signal {-process.returncode}) {message[0]}".strip())
    if process.returncode != 0:
        raise EngineError(f"the speech engine failed (exit {process.returncode}): {message[0]}")


def speak(sentences: list[str], *, voice: str, words_per_minute: int, engine: str = "espeak",
          command: list[str] | None = None, timeout: float = 60.0, voices: list[str] | None = None) -> Speech:
    """Speech for `sentences`, each sentence checked, joined with a short pause between them.
    `voices`: one voice per sentence, when some are in another language than `voice`."""
    if not sentences:
        raise EngineError("nothing to say")
    # What is said: web addresses, emails and codes in words a listener can follow.
    sentences = [speakable(sentence, sentence_voice)
                 for sentence, sentence_voice in zip(sentences, voices or [voice] * len(sentences))]
    folder = tempfile.mkdtemp(prefix="coprod-speech-")
    try:
        if engine == "fake":
            _write_fake(sentences, folder, words_per_minute)
        else:
            _run_synth(command or SYNTH_COMMAND, [list(pair) for pair in zip(sentences, voices)] if voices
                       else sentences, voice,
                       words_per_minute, folder, timeout)
        chunks, starts, sample_rate, position = [], [], None, 0
        for number, sentence in enumerate(sentences):
            data, rate = check_wav(os.path.join(folder, f"{number:04d}.wav"), sentence, words_per_minute)
            if sample_rate not in (None, rate):
                raise EngineError("the sentences came back at different sample rates")
            sample_rate = rate
            pause = b"\0\0" * int(rate * PAUSE_SECONDS) if number else b""
            position += len(pause) // 2
            starts.append(round(position / rate, 3))
            chunks += [pause, data]
            position += len(data) // 2
        return Speech(b"".join(chunks), sample_rate, starts, round(position / sample_rate, 3))
    except OSError as error:  # e.g. no space left for the temporary files
        raise EngineError(f"could not make the speech: {error}") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def encode_mp3(speech: Speech) -> bytes:
    """MP3, mono, MP3_KBPS constant bit rate (about 3 KB per second of speech)."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(MP3_KBPS)
    encoder.set_in_sample_rate(speech.sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(MP3_QUALITY)
    data = bytes(encoder.encode(speech.pcm) + encoder.flush())
    if len(data) < 100 or data[0] != 0xFF or data[1] & 0xE0 != 0xE0:
        raise EngineError("the MP3 encoder gave no valid audio")
    return data
