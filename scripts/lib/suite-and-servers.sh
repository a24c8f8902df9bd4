# Sourced by scripts/test and scripts/bench from the project root: makes .venv (Python 3.11) and
# installs the suite into it when a requirements or pyproject file has changed, then starts
# RabbitMQ (with its management plugin, which makes throwaway vhosts) and PostgreSQL when they are
# installed here but not running. MINZI_TEST_DATABASE_URL and RABBIT_MANAGEMENT_URL point at
# servers elsewhere; then nothing is started. Needs a function ``say``.

# -- Python and the suite's packages --------------------------------------------------------------
if [ -z "${VIRTUAL_ENV:-}" ]; then
  if [ ! -x .venv/bin/python ]; then
    python=$(command -v python3.11 || command -v python3)
    "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
      || { say "needs Python 3.11 (found $("$python" --version))"; exit 2; }
    say "making .venv with $python"
    "$python" -m venv .venv
  fi
  # shellcheck disable=SC1091
  . .venv/bin/activate
fi
stamp="$VIRTUAL_ENV/.minzi-installed"
wanted=$(cat requirements-dev.txt shared/pyproject.toml services/*/pyproject.toml \
         tests/support/*/pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  say "installing the suite and its test tools into $VIRTUAL_ENV"
  python -m pip install -q --upgrade pip
  python -m pip install -q -r requirements-dev.txt
  echo "$wanted" > "$stamp"
fi

# -- RabbitMQ with its management API, and PostgreSQL ---------------------------------------------
export MINZI_TEST_DATABASE_URL="${MINZI_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
management="${RABBIT_MANAGEMENT_URL:-http://127.0.0.1:15672}"

wait_until() {  # wait_until <seconds> <what> <command...>
  local seconds=$1 what=$2; shift 2
  for _ in $(seq 1 "$seconds"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  say "$what did not come up in ${seconds}s"; return 1
}
management_answers() { curl -fsu guest:guest "$management/api/overview"; }

if [ -z "${RABBIT_MANAGEMENT_URL:-}" ] && ! management_answers >/dev/null 2>&1; then
  if ! command -v rabbitmq-server >/dev/null; then
    say "RabbitMQ is not running and not installed here: install rabbitmq-server, or run"
    say "  docker compose up -d rabbitmq postgres"
    exit 2
  fi
  if ! rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    say "starting RabbitMQ"
    rabbitmq-server -detached
    wait_until 60 RabbitMQ rabbitmq-diagnostics -q ping
  fi
  rabbitmq-plugins enable rabbitmq_management rabbitmq_prometheus >/dev/null
  wait_until 60 "RabbitMQ's management API" management_answers
fi

if [[ "$MINZI_TEST_DATABASE_URL" == *"@127.0.0.1:5432/"* ]] && ! pg_isready -h 127.0.0.1 -q 2>/dev/null; then
  if ! command -v pg_ctlcluster >/dev/null; then
    say "PostgreSQL is not running on 127.0.0.1:5432 and not installed here"
    exit 2
  fi
  say "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  wait_until 30 PostgreSQL pg_isready -h 127.0.0.1 -q
fi
