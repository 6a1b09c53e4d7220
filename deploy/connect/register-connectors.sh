#!/bin/sh
# Registers each connector config file given (the {"name": ..., "config": {...}} form) through
# Kafka Connect's REST API at $CONNECT_URL, retrying while the worker starts or rebalances.
# A connector that already exists is left as it is: change it with PUT /connectors/NAME/config.
set -eu

connect_url="${CONNECT_URL:-http://connect:8083}"
response="$(mktemp)"

for file in "$@"; do
    attempt=1
    while :; do
        status="$(curl -sS -o "$response" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
            --data-binary "@$file" "$connect_url/connectors")" || status=000
        case "$status" in
            201)
                echo "Registered $file"
                break ;;
            409)
                # 409 is also the answer during a rebalance: only "already exists" is final.
                if grep -q 'already exists' "$response"; then
                    echo "Already registered, left as it is: $file"
                    break
                fi ;;
            400|422)
                echo "Connect refused $file (HTTP $status): $(cat "$response")" >&2
                exit 1 ;;
        esac
        if [ "$attempt" -ge 60 ]; then
            echo "Gave up on $file after $attempt attempts (HTTP $status): $(cat "$response")" >&2
            exit 1
        fi
        attempt=$((attempt + 1))
        sleep 5
    done
done
