# Superset's configuration in deploy/docker-compose.yml (`icop analytics up` writes its own).
import os

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
SQLALCHEMY_DATABASE_URI = "sqlite:////app/superset_home/superset.db"
CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache"}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache"}
FEATURE_FLAGS = {"DASHBOARD_RBAC": True}
ROW_LIMIT = 50000
