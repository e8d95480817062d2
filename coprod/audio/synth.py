"""Speak sentences to WAV files with pyttsx3 (espeak-ng). Run only as a short-lived subprocess:

    python coprod/audio/synth.py --voice cy --rate 160 --out DIR  < sentences.json

(a JSON list of sentences; a [sentence, voice] pair speaks that sentence in another voice, e.g.
English content on a Welsh page) writes DIR/0000.wav, DIR/0001.wav ... one per sentence, and exits 0. Exit 3: no such voice.
pyttsx3/espeak-ng is not safe in threads and can crash or hang; in its own process a crash or a
hang only ends this process, and the worker that started it carries on.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import signal
import sys
import time
import wave

NO_VOICE = 3
_NOWHERE = io.StringIO()


def _wav_complete(path: str) -> bool:
    try:
        with wave.open(path, "rb") as wav:
            frames = wav.getnframes()
            return frames > 0 and len(wav.readframes(frames)) == frames * wav.getsampwidth()
    except (OSError, EOFError, wave.Error):
        return False


def _find_voice(engine, wanted: str):
    wanted = wanted.lower()
    for voice in engine.getProperty("voices"):
        languages = [str(language).lower() for language in (voice.languages or [])]
        if wanted in languages or voice.id.lower().rsplit("/", 1)[-1] == wanted:
            return voice
    return None


MAX_SECONDS = 600


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--voice", required=True)
    parser.add_argument("--rate", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--wait", type=float, default=10.0, help="seconds to wait for each file")
    args = parser.parse_args(argv)
    # The worker kills us when it times out, but if the worker itself dies first nobody would:
    # a hung espeak-ng must not live on as an orphan, so end ourselves after a hard limit.
    signal.alarm(MAX_SECONDS)
    sentences = json.load(sys.stdin)

    import pyttsx3

    engine = pyttsx3.init("espeak")
    voice = _find_voice(engine, args.voice)
    if voice is None:
        print(f"espeak-ng has no voice for {args.voice!r}", file=sys.stderr)
        return NO_VOICE
    engine.setProperty("voice", voice.id)
    engine.setProperty("rate", args.rate)
    found = {args.voice: voice}
    current = voice

    for number, sentence in enumerate(sentences):
        wanted = voice
        if isinstance(sentence, list):
            sentence, name = sentence
            if name not in found:
                found[name] = _find_voice(engine, name)
            # No voice for that language: the page's voice reads it rather than nothing at all.
            wanted = found[name] or voice
        if wanted is not current:
            engine.setProperty("voice", wanted.id)
            current = wanted
        # Again before every sentence: set only once at the start, espeak-ng now and then (about 1
        # clip in 30 under load) spoke at pyttsx3's default 200 words a minute instead of the
        # listener's speed. 0 in 700 once set here (tests/test_audio.py, "...at the listeners speed even under load").
        engine.setProperty("rate", args.rate)
        path = os.path.join(args.out, f"{number:04d}.wav")
        # runAndWait can return before the file is written (and the very first one may never be):
        # wait for a complete file, and ask again if it does not come.
        for _attempt in range(3):
            # pyttsx3 prints "Audio saved to ..." inside espeak-ng's callback. If that print fails
            # (a closed pipe, when the worker that started us has died) the callback never
            # finishes and runAndWait loops for ever: so its prints go nowhere, safely.
            with contextlib.redirect_stdout(_NOWHERE):
                engine.save_to_file(sentence, path)
                engine.runAndWait()
            deadline = time.monotonic() + args.wait / 3
            while not _wav_complete(path) and time.monotonic() < deadline:
                time.sleep(0.005)
            if _wav_complete(path):
                break
        else:
            print(f"no audio came for sentence {number}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
