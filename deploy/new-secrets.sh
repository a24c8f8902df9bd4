#!/bin/sh
# Every secret docker-compose.yml needs, new and random, as a .env file:
#
#   deploy/new-secrets.sh > .env        (then: docker compose up -d --build)
#
# Keep .env out of version control and back it up: the admin password and the Open311 keys are
# used on the first start only, but the database, RabbitMQ and key settings must stay the same
# for the data volumes made with them. Needs openssl.
set -eu
secret() { openssl rand -hex 24; }
one_line() { awk '{printf "%s\\n", $0}' | sed 's/\\n$//'; }   # a PEM file as one .env line

signing_key=$(openssl genpkey -algorithm ed25519)
verify_key=$(printf '%s\n' "$signing_key" | openssl pkey -pubout)

cat <<ENV
# made by deploy/new-secrets.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ)
MINZI_ENV=production
MINZI_ADMIN_PASSWORD=$(secret)
MINZI_OPEN311_API_KEY=$(secret)
# the console's residents' pages post through Open311 with a key of their own (named "web")
MINZI_WEB_OPEN311_API_KEY=$(secret)
MINZI_OPS_PASSWORD=$(secret)
MINZI_METRICS_TOKEN=$(secret)
MINZI_DB_PASSWORD=$(secret)
MINZI_RABBIT_ADMIN_PASSWORD=$(secret)
MINZI_BUS_PASSWORD_INTAKE=$(secret)
MINZI_BUS_PASSWORD_GATEWAY=$(secret)
MINZI_BUS_PASSWORD_OPS=$(secret)
MINZI_BUS_PASSWORD_LEGAL_AID=$(secret)
MINZI_BUS_PASSWORD_CAT_FUND=$(secret)
MINZI_BUS_PASSWORD_MATCHMAKING=$(secret)
MINZI_BUS_PASSWORD_SMS_BROADCAST=$(secret)
MINZI_BUS_PASSWORD_JOB_FAIR=$(secret)
MINZI_BUS_PASSWORD_CO_BUILDING=$(secret)
MINZI_BUS_PASSWORD_AGENCY=$(secret)
MINZI_BUS_PASSWORD_HOTLINE=$(secret)
MINZI_BUS_PASSWORD_DOCTOR=$(secret)
MINZI_BUS_PASSWORD_FLEA_MARKET=$(secret)
MINZI_BUS_PASSWORD_DOG_OWNERS=$(secret)
MINZI_BUS_PASSWORD_VOLUNTEER_GRID=$(secret)
# the SMS gateway sends residents' replies to sms_broadcast with this secret
MINZI_SMS_INBOUND_SECRET=$(secret)
MINZI_STAFF_SIGNING_KEY='$(printf '%s\n' "$signing_key" | one_line)'
MINZI_STAFF_VERIFY_KEY='$(printf '%s\n' "$verify_key" | one_line)'
ENV
