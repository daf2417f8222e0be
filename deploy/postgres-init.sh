#!/bin/sh
# First start of the postgres container: ICOP's two roles, its database and pgvector
# (docs/operations.md, "Using an external PostgreSQL"; ADR 0002).
set -eu
psql -v ON_ERROR_STOP=1 --username postgres <<SQL
CREATE ROLE icop_owner LOGIN PASSWORD '${ICOP_DB_OWNER_PASSWORD}' NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS;
CREATE ROLE icop_app LOGIN PASSWORD '${ICOP_DB_APP_PASSWORD}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
CREATE DATABASE icop OWNER icop_owner;
\c icop
CREATE EXTENSION IF NOT EXISTS vector;
ALTER SCHEMA public OWNER TO icop_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO icop_app;
REVOKE ALL ON DATABASE icop FROM PUBLIC;
GRANT CONNECT ON DATABASE icop TO icop_app;
SQL
# The analytics role reads the analytics views only (migration 0027 grants them); Superset's
# login user is its member (docs/analytics.md, ADR 0037).
psql -v ON_ERROR_STOP=1 --username postgres --dbname icop <<SQL
CREATE ROLE icop_analytics NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
GRANT CONNECT ON DATABASE icop TO icop_analytics;
CREATE ROLE icop_superset LOGIN PASSWORD '${ICOP_DB_SUPERSET_PASSWORD}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS INHERIT IN ROLE icop_analytics;
ALTER ROLE icop_superset SET search_path = analytics;
SQL
