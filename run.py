"""Development server: ``python run.py`` serves on http://127.0.0.1:5000.

Production runs ``gunicorn "app:create_app()"`` behind a reverse proxy instead.
"""
import os

from app import create_app

app = create_app()

if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")))
