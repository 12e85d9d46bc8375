# shellcheck shell=bash
# Makes sure the PostgreSQL that the tests use is reachable. Sourced by bin/test.
#
# PORTICO_TEST_DB_URL (jdbc:postgresql://host:port/db) names the server; without it the
# local service on 127.0.0.1:5432 is used: started if it is stopped, installed with
# apt-get if it is missing (then local TCP connections are trusted, as on our CI machines).

pg_host_port() {
  local url="${PORTICO_TEST_DB_URL:-jdbc:postgresql://127.0.0.1:5432/postgres}"
  local hostport="${url#jdbc:postgresql://}"
  hostport="${hostport%%/*}"
  PG_HOST="${hostport%%:*}"
  PG_PORT="5432"
  [[ "$hostport" == *:* ]] && PG_PORT="${hostport##*:}"
}

pg_reachable() {
  (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null
}

pg_wait() {
  for _ in $(seq 1 30); do
    pg_reachable && return 0
    sleep 1
  done
  return 1
}

pg_start_local_clusters() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 1
  local version cluster
  while read -r version cluster _; do
    [[ "$version" =~ ^[0-9]+$ ]] || continue
    echo "Starting PostgreSQL cluster $version/$cluster"
    pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || true
  done < <(pg_lsclusters --no-header 2>/dev/null)
  pg_wait
}

pg_install_local() {
  command -v apt-get >/dev/null 2>&1 || { echo "apt-get not found: install PostgreSQL or set PORTICO_TEST_DB_URL" >&2; return 1; }
  local sudo=""
  [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
  echo "Installing PostgreSQL with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  local hba
  for hba in /etc/postgresql/*/main/pg_hba.conf; do
    # a throw-away test database server: trust local TCP connections, like the CI machines
    $sudo sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
  done
  pg_start_local_clusters
}

ensure_postgres() {
  pg_host_port
  if pg_reachable; then
    return 0
  fi
  if [[ -n "${PORTICO_TEST_DB_URL:-}" ]]; then
    echo "PostgreSQL at $PG_HOST:$PG_PORT (PORTICO_TEST_DB_URL) is not reachable" >&2
    return 1
  fi
  if [[ "$PG_HOST" != "127.0.0.1" && "$PG_HOST" != "localhost" ]]; then
    return 1
  fi
  pg_start_local_clusters && return 0
  pg_install_local && return 0
  echo "Could not start or install a local PostgreSQL" >&2
  return 1
}
