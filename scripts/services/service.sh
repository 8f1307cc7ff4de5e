#!/usr/bin/env bash
# Starts or stops one of the scale-out services from Debian's packages, on loopback only, with all of
# its state under DIR (so tests and CI can run throwaway instances side by side).
#
#   scripts/services/service.sh start redis      DIR PORT
#   scripts/services/service.sh start postgres   DIR PORT
#   scripts/services/service.sh start clickhouse DIR PORT   # HTTP on PORT, native TCP on PORT+1
#   scripts/services/service.sh stop  NAME DIR
#
# Packages: apt-get install -y clickhouse-server clickhouse-client postgresql redis-server
# ClickHouse: CLICKHOUSE_SHARD_PORTS="9101,9201" (native TCP ports) adds a cluster `zenovay` with one
# shard per port to remote_servers, for a Distributed table across several servers.
# `start` returns once the service answers; it prints the URL to use.
set -euo pipefail

action=${1:?start|stop}
name=${2:?redis|postgres|clickhouse}
dir=${3:?data directory}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

wait_until() { # wait_until SECONDS COMMAND...
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "timed out waiting for $name in $dir" >&2
      return 1
    fi
    sleep 0.2
  done
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1; }

# PostgreSQL refuses to run as root: when root, the data directory belongs to the `postgres` user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_redis() {
  local port=$1
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save '' --appendonly no
  wait_until 20 redis-cli -h 127.0.0.1 -p "$port" ping
  echo "redis://127.0.0.1:$port"
}

start_postgres() {
  local port=$1 bin
  bin=$(pg_bin)
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
  if [ ! -f "$dir/pgdata/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$dir/pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
  fi
  as_pg "$bin/pg_ctl" -D "$dir/pgdata" -l "$dir/postgres.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
  wait_until 30 "$bin/pg_isready" -h 127.0.0.1 -p "$port"
  echo "postgres://postgres@127.0.0.1:$port/postgres"
}

clickhouse_cluster_xml() {
  [ -n "${CLICKHOUSE_SHARD_PORTS:-}" ] || return 0
  echo "<remote_servers><zenovay>"
  local p
  for p in ${CLICKHOUSE_SHARD_PORTS//,/ }; do
    echo "<shard><replica><host>127.0.0.1</host><port>$p</port></replica></shard>"
  done
  echo "</zenovay></remote_servers>"
}

start_clickhouse() {
  local port=$1
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas" "$dir/log"
  cat >"$dir/users.xml" <<'XML'
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
  cat >"$dir/config.xml" <<XML
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/error.log</errorlog>
    <size>10M</size><count>2</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$port</http_port>
  <tcp_port>$((port + 1))</tcp_port>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <max_concurrent_queries>100</max_concurrent_queries>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  $(clickhouse_cluster_xml)
</yandex>
XML
  clickhouse-server --config-file="$dir/config.xml" --pid-file="$dir/clickhouse.pid" --daemon
  wait_until 60 clickhouse-client --host 127.0.0.1 --port "$((port + 1))" --query "SELECT 1"
  echo "http://127.0.0.1:$port"
}

stop_pidfile() { # stop_pidfile FILE: TERM, then KILL if it lingers
  local file=$1 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  kill "$pid" 2>/dev/null || { rm -f "$file"; return 0; }
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then kill -9 "$pid" 2>/dev/null || true; fi
    sleep 0.1
  done
  rm -f "$file"
}

case "$action:$name" in
  start:redis) start_redis "${4:?port}" ;;
  start:postgres) start_postgres "${4:?port}" ;;
  start:clickhouse) start_clickhouse "${4:?port}" ;;
  stop:redis) stop_pidfile "$dir/redis.pid" ;;
  stop:clickhouse) stop_pidfile "$dir/clickhouse.pid" ;;
  stop:postgres)
    if [ -f "$dir/pgdata/postmaster.pid" ]; then
      as_pg "$(pg_bin)/pg_ctl" -D "$dir/pgdata" -m fast -w stop >/dev/null || true
    fi
    ;;
  *)
    echo "usage: $0 start|stop redis|postgres|clickhouse DIR [PORT]" >&2
    exit 2
    ;;
esac
