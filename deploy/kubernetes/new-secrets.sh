#!/bin/sh
# The Secrets of Minzi on Kubernetes, new and random, as one manifest on standard output:
#
#   deploy/kubernetes/new-secrets.sh > deploy/kubernetes/secrets.yaml
#   kubectl apply -f deploy/kubernetes/secrets.yaml
#
# or, to move a compose installation with its passwords, from its .env file:
#
#   deploy/kubernetes/new-secrets.sh .env > deploy/kubernetes/secrets.yaml
#
# The values come from deploy/new-secrets.sh (the same passwords and keys compose takes) and are
# put together here the way docker-compose.yml passes them to each service: every service has a
# Secret of its own with its own RabbitMQ user's AMQP_URI and its own DATABASE_URL, and sees no
# other's. MINZI_NAMESPACE (default minzi) is the namespace they are made in. secrets.yaml is
# ignored by git: keep it out of version control, and back it up like compose's .env (the
# database and RabbitMQ keep what they were first started with). Needs openssl.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
namespace=${MINZI_NAMESPACE:-minzi}

if [ $# -ge 1 ]; then
  env_file=$1
else
  env_file=$(mktemp)
  trap 'rm -f "$env_file"' EXIT
  "$here/../new-secrets.sh" > "$env_file"
fi
set -a
# shellcheck disable=SC1090
. "$env_file"
set +a

for variable in MINZI_ADMIN_PASSWORD MINZI_OPEN311_API_KEY MINZI_WEB_OPEN311_API_KEY \
    MINZI_OPS_PASSWORD MINZI_METRICS_TOKEN MINZI_DB_PASSWORD MINZI_RABBIT_ADMIN_PASSWORD \
    MINZI_BUS_PASSWORD_INTAKE MINZI_BUS_PASSWORD_GATEWAY MINZI_BUS_PASSWORD_OPS \
    MINZI_BUS_PASSWORD_LEGAL_AID MINZI_BUS_PASSWORD_CAT_FUND MINZI_BUS_PASSWORD_MATCHMAKING \
    MINZI_BUS_PASSWORD_SMS_BROADCAST MINZI_BUS_PASSWORD_JOB_FAIR MINZI_BUS_PASSWORD_CO_BUILDING \
    MINZI_BUS_PASSWORD_AGENCY MINZI_BUS_PASSWORD_HOTLINE MINZI_BUS_PASSWORD_DOCTOR \
    MINZI_BUS_PASSWORD_FLEA_MARKET MINZI_BUS_PASSWORD_DOG_OWNERS MINZI_BUS_PASSWORD_VOLUNTEER_GRID \
    MINZI_STAFF_SIGNING_KEY MINZI_STAFF_VERIFY_KEY; do
  eval "value=\${$variable:-}"
  if [ -z "$value" ]; then
    echo "new-secrets.sh: $variable is not set in $env_file" >&2
    exit 2
  fi
done
# compose leaves these two empty when unset; here every console copy needs the same key
MINZI_SMS_INBOUND_SECRET=${MINZI_SMS_INBOUND_SECRET:-}
MINZI_CONSOLE_SECRET=${MINZI_CONSOLE_SECRET:-$(openssl rand -hex 24)}

rabbitmq=rabbitmq          # the RabbitmqCluster's Service
postgres=postgres          # PostgreSQL's Service
admin=minzi-admin          # RabbitMQ's administrator

secret() {  # secret NAME: a Secret's head; its stringData lines follow
  printf -- '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\n' \
    "$1" "$namespace"
  printf '  labels:\n    app.kubernetes.io/part-of: minzi\ntype: Opaque\nstringData:\n'
}
value() {  # value KEY VALUE: one line, single-quoted (no value here holds a quote)
  printf "  %s: '%s'\n" "$1" "$2"
}
amqp() { printf 'amqp://%s:%s@%s:5672//' "$1" "$2" "$rabbitmq"; }
management() { printf 'http://%s:%s@%s:15672' "$1" "$2" "$rabbitmq"; }
database() { printf 'postgresql://minzi:%s@%s/%s' "$MINZI_DB_PASSWORD" "$postgres" "$1"; }

echo "# made by deploy/kubernetes/new-secrets.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ)"

# RabbitMQ's administrator, in the form the Cluster Operator takes for its default user
secret rabbitmq-admin
value username "$admin"
value password "$MINZI_RABBIT_ADMIN_PASSWORD"
value host "$rabbitmq.$namespace.svc"
value port 5672
value provider rabbitmq
value type rabbitmq
printf '  default_user.conf: |\n    default_user = %s\n    default_pass = %s\n' \
  "$admin" "$MINZI_RABBIT_ADMIN_PASSWORD"

secret postgres-secrets
value POSTGRES_PASSWORD "$MINZI_DB_PASSWORD"

secret bus-setup-secrets
value RABBIT_MANAGEMENT_URL "$(management "$admin" "$MINZI_RABBIT_ADMIN_PASSWORD")"
value BUS_PASSWORD_INTAKE "$MINZI_BUS_PASSWORD_INTAKE"
value BUS_PASSWORD_GATEWAY "$MINZI_BUS_PASSWORD_GATEWAY"
value BUS_PASSWORD_MINZI_OPS "$MINZI_BUS_PASSWORD_OPS"
value BUS_PASSWORD_LEGAL_AID "$MINZI_BUS_PASSWORD_LEGAL_AID"
value BUS_PASSWORD_CAT_FUND "$MINZI_BUS_PASSWORD_CAT_FUND"
value BUS_PASSWORD_MATCHMAKING "$MINZI_BUS_PASSWORD_MATCHMAKING"
value BUS_PASSWORD_SMS_BROADCAST "$MINZI_BUS_PASSWORD_SMS_BROADCAST"
value BUS_PASSWORD_JOB_FAIR "$MINZI_BUS_PASSWORD_JOB_FAIR"
value BUS_PASSWORD_CO_BUILDING "$MINZI_BUS_PASSWORD_CO_BUILDING"
value BUS_PASSWORD_AGENCY "$MINZI_BUS_PASSWORD_AGENCY"
value BUS_PASSWORD_HOTLINE "$MINZI_BUS_PASSWORD_HOTLINE"
value BUS_PASSWORD_DOCTOR "$MINZI_BUS_PASSWORD_DOCTOR"
value BUS_PASSWORD_FLEA_MARKET "$MINZI_BUS_PASSWORD_FLEA_MARKET"
value BUS_PASSWORD_DOG_OWNERS "$MINZI_BUS_PASSWORD_DOG_OWNERS"
value BUS_PASSWORD_VOLUNTEER_GRID "$MINZI_BUS_PASSWORD_VOLUNTEER_GRID"

# the gateway's public key: every service but the gateway and the console checks staff with it
secret staff-verify-key
value STAFF_VERIFY_KEY "$MINZI_STAFF_VERIFY_KEY"

secret intake-secrets
value AMQP_URI "$(amqp intake "$MINZI_BUS_PASSWORD_INTAKE")"
# the administrator: intake makes the RabbitMQ user of each program an admin registers
value RABBIT_MANAGEMENT_URL "$(management "$admin" "$MINZI_RABBIT_ADMIN_PASSWORD")"
value DATABASE_URL "$(database intake)"
value BOOTSTRAP_ADMIN_PASSWORD "$MINZI_ADMIN_PASSWORD"
value BOOTSTRAP_OPEN311_API_KEY "$MINZI_OPEN311_API_KEY"
value BOOTSTRAP_WEB_OPEN311_API_KEY "$MINZI_WEB_OPEN311_API_KEY"
value BOOTSTRAP_OPS_PASSWORD "$MINZI_OPS_PASSWORD"

secret gateway-secrets
value AMQP_URI "$(amqp gateway "$MINZI_BUS_PASSWORD_GATEWAY")"
value STAFF_SIGNING_KEY "$MINZI_STAFF_SIGNING_KEY"
# ops' views and replay, as RabbitMQ's ops user
value RABBIT_MANAGEMENT_URL "$(management minzi-ops "$MINZI_BUS_PASSWORD_OPS")"
value OPS_AMQP_URI "$(amqp minzi-ops "$MINZI_BUS_PASSWORD_OPS")"
value METRICS_TOKEN "$MINZI_METRICS_TOKEN"

for program in legal_aid cat_fund matchmaking sms_broadcast job_fair co_building \
    agency hotline doctor flea_market dog_owners volunteer_grid; do
  upper=$(printf '%s' "$program" | tr '[:lower:]' '[:upper:]')
  eval "password=\$MINZI_BUS_PASSWORD_$upper"
  secret "$(printf '%s' "$program" | tr _ -)-secrets"
  value AMQP_URI "$(amqp "$program" "$password")"
  # its own user, for its health check
  value RABBIT_MANAGEMENT_URL "$(management "$program" "$password")"
  value DATABASE_URL "$(database "$program")"
  if [ "$program" = sms_broadcast ]; then
    value INBOUND_SECRET "$MINZI_SMS_INBOUND_SECRET"   # the SMS gateway's shared secret
  fi
done

secret console-secrets
# the web channel's own Open311 key, which intake makes at its first start
value CONSOLE_OPEN311_API_KEY "$MINZI_WEB_OPEN311_API_KEY"
# signs the forms' CSRF tokens: the same in every copy of the console
value CONSOLE_SECRET "$MINZI_CONSOLE_SECRET"
