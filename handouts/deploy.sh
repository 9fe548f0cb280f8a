#!/usr/bin/env bash
# Deploy the team's mystery-shopper ETL pipeline: two CloudFormation stacks and the Lambda's code.
#
#   ./deploy.sh <aws-profile> <team-name>
#   ./deploy.sh sot-academy la-vida-mocha     # a real AWS account (an AWS CLI profile)
#   ./deploy.sh local la-vida-mocha           # the course's local AWS (`course up` first)
#
# Steps: 1) the deployment-bucket stack, 2) the Lambda's code and dependencies into build/lambda,
# 3) `aws cloudformation package` (zips build/lambda, uploads it to the deployment bucket),
# 4) the ETL stack, 5) the stacks' outputs. Running it again with nothing changed is fine.
#
# Optional environment variables:
#   NETWORK_STACK_NAME    the instructor's network stack (runs the Lambda in its private subnets)
#   RESERVED_CONCURRENCY  concurrent runs reserved for the Lambda (default 10; 0 reserves none)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/.." && pwd)"
BUILD="${HERE}/build"

usage() {
  cat >&2 <<EOF
Usage: $(basename "$0") <aws-profile> <team-name>

  aws-profile  an AWS CLI profile (e.g. sot-academy), or 'local' for the course's local AWS
  team-name    lowercase letters, digits and single dashes, e.g. la-vida-mocha

Example: $(basename "$0") sot-academy la-vida-mocha
EOF
  exit 2
}

# Rename a finished folder into place; if a concurrent run got there first, keep theirs.
# (os.rename is atomic and, unlike `mv`, never moves a folder *into* an existing one.)
publish_dir() {
  "${PYTHON}" -c 'import os, shutil, sys
try: os.rename(sys.argv[1], sys.argv[2])
except OSError: shutil.rmtree(sys.argv[1])' "$1" "$2"
}

say() { printf '\n==> %s\n' "$*"; }
fail() { printf 'deploy.sh: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 2 ]] || usage
PROFILE="$1"
TEAM="$2"
[[ -n "${PROFILE}" ]] || usage
if ! [[ "${TEAM}" =~ ^[a-z0-9]+(-[a-z0-9]+)*$ ]] || (( ${#TEAM} > 40 )); then
  fail "team name '${TEAM}' is not valid: use lowercase letters, digits and single dashes, starting and ending with a letter or digit, at most 40 characters (e.g. la-vida-mocha)."
fi

PARAMETER_NAME="${TEAM//-/_}_redshift_settings"
BUCKET_STACK="${TEAM}-shopper-deployment-bucket"
ETL_STACK="${TEAM}-shopper-etl-pipeline"

# The real AWS CLI: on PATH, or the one in the course's .venv.
find_tool() {
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"
  elif [[ -x "${REPO}/.venv/bin/$1" ]]; then echo "${REPO}/.venv/bin/$1"
  else return 1
  fi
}
AWS_BIN="$(find_tool aws)" || fail "the AWS CLI (aws) is not installed: see the course README (make lab installs it into .venv)."

# The Python that installs the Lambda's dependencies (and, locally, runs the Lambda): the course's.
PYTHON="$(find_tool python3)"
[[ -x "${REPO}/.venv/bin/python" ]] && PYTHON="${REPO}/.venv/bin/python"

if [[ "${PROFILE}" == "local" ]]; then
  COURSE_BIN="$(find_tool course)" || fail "the 'course' command is not installed: run 'make lab' in ${REPO} first."
  # The local AWS's endpoint and its labelled DUMMY credentials (not secrets). AWS_ENDPOINT_URL
  # matters: `aws cloudformation package` ignores --endpoint-url.
  eval "$("${COURSE_BIN}" env)"
  "${COURSE_BIN}" status >/dev/null 2>&1 || fail "the local stack is not running: run 'course up' first."
  AWS=("${AWS_BIN}")
  # The local Lambda runs on this machine's Python, the one the course's .venv uses.
  PIP_PLATFORM=()
  PLATFORM_TAG="local-$("${PYTHON}" -c 'import sys, sysconfig; print(f"{sysconfig.get_platform()}-py{sys.version_info[0]}.{sys.version_info[1]}")')"
else
  AWS=("${AWS_BIN}" --profile "${PROFILE}")
  "${AWS[@]}" sts get-caller-identity >/dev/null \
    || fail "AWS profile '${PROFILE}' cannot sign in: run 'aws sso login --profile ${PROFILE}' (or 'aws configure --profile ${PROFILE}')."
  # Lambda's platform, whatever this machine is: wheels only, for python3.12 on x86_64 Linux.
  PIP_PLATFORM=(--platform manylinux2014_x86_64 --implementation cp --python-version 3.12 --only-binary=:all:)
  PLATFORM_TAG="lambda-manylinux2014_x86_64-py3.12"
fi

say "1/5 Deployment bucket stack ${BUCKET_STACK}"
"${AWS[@]}" cloudformation deploy \
  --stack-name "${BUCKET_STACK}" \
  --template-file "${HERE}/deployment-bucket-stack.yml" \
  --parameter-overrides "TeamName=${TEAM}" \
  --no-fail-on-empty-changeset
# Read from the stack's resources rather than its Outputs: the same answer, and robust to a stack
# whose Outputs are still being refreshed.
DEPLOYMENT_BUCKET="$("${AWS[@]}" cloudformation describe-stack-resource \
  --stack-name "${BUCKET_STACK}" --logical-resource-id DeploymentBucket \
  --query StackResourceDetail.PhysicalResourceId --output text)"
echo "Deployment bucket: ${DEPLOYMENT_BUCKET}"

say "2/5 Lambda code and dependencies into build/lambda (${PLATFORM_TAG})"
REQUIREMENTS="${HERE}/src/requirements.txt"
[[ -f "${HERE}/src/mystery_shop_etl_lambda.py" ]] || fail "${HERE}/src/mystery_shop_etl_lambda.py is missing."
mkdir -p "${BUILD}"
# Dependencies are installed once per requirements file and platform and then reused, so an
# unchanged re-run zips identical files and CloudFormation sees no change.
DEPS_KEY="$("${PYTHON}" -c 'import hashlib, pathlib, sys; p = pathlib.Path(sys.argv[1]); print(hashlib.sha256(p.read_bytes() if p.exists() else b"").hexdigest()[:16])' "${REQUIREMENTS}")"
DEPS_DIR="${BUILD}/deps-${PLATFORM_TAG}-${DEPS_KEY}"
if [[ ! -d "${DEPS_DIR}" ]]; then
  # Installed beside the final name and renamed, so a run that is interrupted (or a second
  # deploy.sh running at the same time) never sees half a folder.
  DEPS_TMP="$(mktemp -d "${BUILD}/deps-tmp.XXXXXX")"
  if [[ -s "${REQUIREMENTS}" ]]; then
    "${PYTHON}" -m pip install --quiet --disable-pip-version-check --no-compile \
      ${PIP_PLATFORM[@]+"${PIP_PLATFORM[@]}"} --target "${DEPS_TMP}" -r "${REQUIREMENTS}"
  fi
  # boto3 and botocore come with Lambda's Python runtime (and with the course's .venv, where the
  # local Lambda runs); leaving them out keeps the package ~20 MB smaller.
  rm -rf "${DEPS_TMP}"/boto3 "${DEPS_TMP}"/boto3-* "${DEPS_TMP}"/botocore "${DEPS_TMP}"/botocore-* \
    "${DEPS_TMP}"/s3transfer "${DEPS_TMP}"/s3transfer-* "${DEPS_TMP:?}"/bin
  publish_dir "${DEPS_TMP}" "${DEPS_DIR}"
fi
# The package folder is named after the hash of everything in it and never changed once made:
# an unchanged re-run zips the very same folder (same files, times and order), so the zip's hash
# and with it the template are unchanged and CloudFormation sees no change. Two deploy.sh runs at
# once share it safely: it is assembled beside its final name and renamed into place.
PACKAGE_KEY="$("${PYTHON}" - "${HERE}" "${DEPS_KEY}" "${PLATFORM_TAG}" <<'PY'
import hashlib, pathlib, sys
here, *salt = sys.argv[1:]
digest = hashlib.sha256("|".join(salt).encode())
files = [pathlib.Path(here, "etl-stack.yml")] + sorted(
    p for p in pathlib.Path(here, "src").rglob("*")
    if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith("requirements"))
for path in files:
    digest.update(str(path.relative_to(here)).encode() + b"\0" + path.read_bytes())
print(digest.hexdigest()[:16])
PY
)"
PACKAGE_DIR="${BUILD}/package-${PACKAGE_KEY}"
if [[ ! -d "${PACKAGE_DIR}" ]]; then
  PACKAGE_TMP="$(mktemp -d "${BUILD}/package-tmp.XXXXXX")"
  # The template's `Code: build/lambda` is relative to the template, so it is copied in too.
  cp -p "${HERE}/etl-stack.yml" "${PACKAGE_TMP}/etl-stack.yml"
  mkdir -p "${PACKAGE_TMP}/build/lambda"
  cp -Rp "${DEPS_DIR}/." "${PACKAGE_TMP}/build/lambda/"
  tar -C "${HERE}/src" --exclude='__pycache__' --exclude='*.pyc' --exclude='requirements*.txt' -cf - . \
    | tar -C "${PACKAGE_TMP}/build/lambda" -xpf -
  publish_dir "${PACKAGE_TMP}" "${PACKAGE_DIR}"
fi
WORK="$(mktemp -d "${BUILD}/run.XXXXXX")"
trap 'rm -rf "${WORK}"' EXIT

say "3/5 Package: upload the Lambda's zip to s3://${DEPLOYMENT_BUCKET}"
"${AWS[@]}" cloudformation package \
  --template-file "${PACKAGE_DIR}/etl-stack.yml" \
  --s3-bucket "${DEPLOYMENT_BUCKET}" \
  --s3-prefix "${TEAM}/etl" \
  --output-template-file "${WORK}/etl-stack.packaged.yml" >/dev/null 2>"${WORK}/package.log" \
  || { cat "${WORK}/package.log" >&2; fail "packaging the Lambda failed (see above)."; }

say "4/5 ETL stack ${ETL_STACK}"
"${AWS[@]}" cloudformation deploy \
  --stack-name "${ETL_STACK}" \
  --template-file "${WORK}/etl-stack.packaged.yml" \
  --capabilities CAPABILITY_IAM \
  --no-fail-on-empty-changeset \
  --parameter-overrides \
    "TeamName=${TEAM}" \
    "RedshiftSettingsParameterName=${PARAMETER_NAME}" \
    "ReservedConcurrency=${RESERVED_CONCURRENCY:-10}" \
    "NetworkStackName=${NETWORK_STACK_NAME:-}"

say "5/5 Stack outputs"
for stack in "${BUCKET_STACK}" "${ETL_STACK}"; do
  echo "${stack}:"
  "${AWS[@]}" cloudformation describe-stacks --stack-name "${stack}" \
    --query 'Stacks[0].Outputs[].[OutputKey,OutputValue]' --output text
done
RAW_BUCKET="$("${AWS[@]}" cloudformation describe-stack-resource \
  --stack-name "${ETL_STACK}" --logical-resource-id RawDataBucket \
  --query StackResourceDetail.PhysicalResourceId --output text)"
echo
echo "Done. Upload a mystery-shop CSV to trigger the Lambda, e.g.:"
echo "  aws s3 cp data/mystery_shops_2024-03.csv s3://${RAW_BUCKET}/"
