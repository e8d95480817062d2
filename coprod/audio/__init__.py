"""Spoken audio of every page: made by workers with pyttsx3 (espeak-ng), served as small MP3s."""
