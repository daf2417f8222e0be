#!/bin/sh
# One-shot: Superset's metadata, the admin user, and the eight dashboards of deploy/superset/
# imported with the real database URI (the bundle carries a placeholder, never a password).
set -eu
pip install -q psycopg2-binary==2.9.13
superset db upgrade
superset fab create-admin --username admin --firstname ICOP --lastname Operator \
  --email admin@icop.local --password "$SUPERSET_ADMIN_PASSWORD" || \
  superset fab reset-password --username admin --password "$SUPERSET_ADMIN_PASSWORD"
superset init
python - <<'PY'
import os, pathlib, zipfile
placeholder = "postgresql+psycopg2://icop_superset:XXXXXXXXXX@localhost:5432/icop"
source = pathlib.Path("/app/icop/bundle")
with zipfile.ZipFile("/tmp/icop_dashboards.zip", "w") as bundle:
    for path in sorted(source.rglob("*.yaml")):
        text = path.read_text().replace(placeholder, os.environ["ICOP_ANALYTICS_URI"])
        bundle.writestr(f"icop_dashboards/{path.relative_to(source)}", text)
PY
superset import-dashboards -p /tmp/icop_dashboards.zip -u admin
