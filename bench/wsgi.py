"""The app as gunicorn serves it for benchmarks, plus a bare endpoint to compare against."""

from app import create_app

app = create_app()


@app.get("/bench/bare")
def bare():
    """Answer with the least work Flask can do: the yardstick for real pages."""
    return "ok"
