"""A bare Flask "hello", served by scripts/benchmark.py the same way as Coprod (gunicorn, the same
workers) in the same run: the ceiling the site's pages are measured against."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello"
