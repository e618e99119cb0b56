#!/bin/sh
# Starts Alertmanager with ops/alertmanager/alertmanager.yml rendered from the environment into a private
# file: the webhook token and the SMTP password go to files the config reads (*_file), the other ${VAR}s
# are substituted in place (unset ones get a harmless placeholder, so that receiver's sends fail in the log
# while the console webhook still works). amtool checks the result before Alertmanager starts.
set -eu

umask 077
mkdir -p /tmp/secrets
printf '%s' "${ALERT_WEBHOOK_TOKEN:?set ALERT_WEBHOOK_TOKEN}" > /tmp/secrets/alert-webhook-token
printf '%s' "${ALERT_SMTP_PASSWORD:-}" > /tmp/secrets/smtp-password

: "${ALERT_SMTP_SMARTHOST:=localhost:25}" "${ALERT_EMAIL_FROM:=alertmanager@localhost}" "${ALERT_SMTP_USERNAME:=}"
: "${ALERT_EMAIL_TEAM:=ops@localhost}" "${ALERT_EMAIL_ONCALL:=oncall@localhost}"
: "${ALERT_WECOM_CORP_ID:=unset}" "${ALERT_WECOM_AGENT_ID:=unset}" "${ALERT_WECOM_TO_PARTY:=unset}" "${ALERT_WECOM_SECRET:=unset}"

cp /etc/evcp-alertmanager/alertmanager.yml /tmp/alertmanager.yml
for name in ALERT_SMTP_SMARTHOST ALERT_EMAIL_FROM ALERT_SMTP_USERNAME ALERT_EMAIL_TEAM ALERT_EMAIL_ONCALL \
  ALERT_WECOM_CORP_ID ALERT_WECOM_AGENT_ID ALERT_WECOM_TO_PARTY ALERT_WECOM_SECRET; do
  eval "value=\$$name"
  # The value lands inside single quotes in YAML and inside a sed expression.
  case "$value" in
    *"'"* | *'|'* | *'\'* | *'&'*) echo "start.sh: $name must not contain ' | \\ or &" >&2; exit 1 ;;
  esac
  sed -i "s|\${$name}|$value|g" /tmp/alertmanager.yml
done

amtool check-config /tmp/alertmanager.yml
exec /bin/alertmanager --config.file=/tmp/alertmanager.yml --storage.path=/alertmanager \
  --web.external-url="${ALERT_EXTERNAL_URL:-http://127.0.0.1:9093}"
