from icop.cli.main import app

app()
