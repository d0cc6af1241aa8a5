from retold.cli import app

app()
