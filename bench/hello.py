"""The bare Flask "hello" app that page benchmarks compare against (DESIGN §7)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
