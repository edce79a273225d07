#!/bin/bash
# LocalStack init hook (runs inside the container once LocalStack is ready): creates what
# serverless.yml expects to exist before `serverless deploy --stage local`, i.e. the token
# signing secret as an SSM SecureString. Idempotent: an existing secret is kept, so tokens
# stay valid across restarts while LocalStack keeps state (PERSISTENCE is a Pro feature, so
# normally a restart means a fresh secret, fresh buckets and a redeploy).
set -euo pipefail

STAGE="${AUDMG_STAGE:-local}"
NAME="/audmg-drive/${STAGE}/token-secret"
# Same account (000000000000 for the key "test") and region as `serverless deploy --stage local`.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_DEFAULT_REGION="${AUDMG_REGION:-us-east-1}"

if awslocal ssm get-parameter --name "$NAME" >/dev/null 2>&1; then
  echo "audmg: SSM parameter $NAME already exists"
  exit 0
fi

# 256 random bits as 64 hex characters (never starts with '-' or 'http', which the AWS CLI
# would treat as an option or a URL to fetch).
SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
awslocal ssm put-parameter --name "$NAME" --type SecureString --value "$SECRET" \
  --description "Audmg Drive token signing secret (${STAGE})" >/dev/null
echo "audmg: created SSM SecureString $NAME"
