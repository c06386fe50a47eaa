# The yardstick for a page: Flask's least work, served by the same gunicorn command.
from flask import Flask

app = Flask(__name__)


@app.get("/")
def bare():
    return "ok"
