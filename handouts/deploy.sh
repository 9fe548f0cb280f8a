#!/usr/bin/env bash
# Deploy the team's mystery-shopper ETL pipeline: two CloudFormation stacks and the Lambda's code.
#
#   ./deploy.sh <aws-profile> <team-name> [region]
#   ./deploy.sh sot-academy la-vida-mocha             # a real AWS account (an AWS CLI profile)
#   ./deploy.sh sot-academy la-vida-mocha eu-west-1   # the same, region given
#   ./deploy.sh local la-vida-mocha                   # the course's local AWS (`course up` first)
#
# Steps: 1) the deployment-bucket stack, 2) the Lambda's code and dependencies into build/lambda,
# 3) `aws cloudformation package` (zips build/lambda, uploads it to the deployment bucket),
# 4) the ETL stack, 5) the stacks' outputs. Running it again with nothing changed is fine.
#
# The region: the third argument, else COURSE_REGION, else AWS_REGION, else eu-west-1 (the course's
# default). Every aws call is given --region, so the profile's own region never decides it.
#
# Optional environment variables:
#   NETWORK_STACK_NAME    the instructor's network stack (default redshift-course-network). On AWS
#                         the Lambda always runs in its private subnets: Redshift is reachable only
#                         from inside that VPC (docs/aws-network.md).
#   LEARNER_POLICY_STACK_NAME  the stack of infra/learner-policy-stack.yml (default
#                         redshift-course-learners); when it exists, the Lambda's role gets its
#                         permissions boundary, which the learner policy requires.
#   RESERVED_CONCURRENCY  concurrent runs reserved for the Lambda (default 0: none). A reservation
#                         is checked against the account's unreserved concurrency before anything
#                         is created: Lambda keeps at least 100 unreserved.
#   DEPLOY_BUILD_DIR      where the build folders go (default handouts/build)
#   DEPLOY_WHEELS_DIR     wheels of the Lambda's dependencies cached at set-up (default
#                         handouts/build/wheels: `make setup` fills local/, `make wheels-aws` fills
#                         lambda/). When they are there, pip installs from them without a network.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/.." && pwd)"
BUILD="${DEPLOY_BUILD_DIR:-${HERE}/build}"
DEFAULT_REGION="eu-west-1"
DEFAULT_NETWORK_STACK="redshift-course-network"
DEFAULT_LEARNER_STACK="redshift-course-learners"
# Every stack gets these tags; CloudFormation puts them on every resource that takes tags, so one
# tag filter finds whatever a class left behind (docs/instructor-guide.md, "Back to nothing").
COURSE_TAG="aws-07-redshift"

usage() {
  cat >&2 <<EOF
Usage: $(basename "$0") <aws-profile> <team-name> [region]

  aws-profile  an AWS CLI profile (e.g. sot-academy), or 'local' for the course's local AWS
  team-name    lowercase letters, digits and single dashes, starting with a letter, e.g. la-vida-mocha
  region       the AWS region (default: COURSE_REGION, else AWS_REGION, else ${DEFAULT_REGION})

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
warn() { printf 'deploy.sh: warning: %s\n' "$*" >&2; }
fail() { printf 'deploy.sh: %s\n' "$*" >&2; exit 1; }

# Why AWS would refuse a name built from this team, or nothing if every name is fine.
# The same rules, with their sources, are listed in docs/aws-naming-rules.md.
team_name_problem() {
  local team="$1" identifier="${1//-/_}" bucket
  if ! [[ "${team}" =~ ^[a-z0-9]+(-[a-z0-9]+)*$ ]] || (( ${#team} > 40 )); then
    echo "use lowercase letters, digits and single dashes, starting and ending with a letter or digit, at most 40 characters"
    return
  fi
  # Rule 1: CloudFormation stack names (<team>-shopper-etl-pipeline) start with a letter.
  if ! [[ "${team}" =~ ^[a-z] ]]; then
    echo "it must start with a letter: CloudFormation stack names such as ${team}-shopper-etl-pipeline must"
    return
  fi
  # Rule 2: Parameter Store refuses names (<team_>_redshift_settings) that begin with aws or ssm.
  case "${identifier}" in aws*|ssm*)
    echo "it must not start with 'aws' or 'ssm': Parameter Store refuses the name ${identifier}_redshift_settings"
    return;;
  esac
  # Rule 3: S3 refuses bucket names with these prefixes and suffixes. Both buckets' names start
  # with the team: <team>-raw-data-<account> and <team>-shopper-deployment-bucket-<generated>.
  for bucket in "${team}-raw-data-123456789012" "${team}-shopper-deployment-bucket-deploymentbucket-0a1b2c3d"; do
    case "${bucket}" in
      xn--*|sthree-*|amzn-s3-demo-*)
        echo "S3 refuses bucket names that start with xn--, sthree- or amzn-s3-demo- (here ${bucket})"
        return;;
      *-s3alias|*--ol-s3|*.mrap|*--x-s3|*--table-s3)
        echo "S3 refuses bucket names that end with -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3 (here ${bucket})"
        return;;
    esac
  done
  # Rule 4: the team's database must not be one the cluster (or the local PostgreSQL) already has.
  case "${identifier}" in dev|padb_harvest|template0|template1|postgres)
    echo "its database name '${identifier}' is taken: Redshift has dev, padb_harvest, template0 and template1, the local PostgreSQL has postgres"
    return;;
  esac
  # Rule 5: the team's Redshift user must be a name a user can have.
  case "${identifier}" in public|pg_*)
    echo "its user name '${identifier}' is reserved: PUBLIC means every user, and names starting with pg_ belong to the system"
    return;;
  esac
}

[[ $# -eq 2 || $# -eq 3 ]] || usage
PROFILE="$1"
TEAM="$2"
[[ -n "${PROFILE}" ]] || usage
# Checked before anything else runs, so a name AWS would refuse never creates half a pipeline.
PROBLEM="$(team_name_problem "${TEAM}")"
[[ -z "${PROBLEM}" ]] || fail "team name '${TEAM}' is not valid: ${PROBLEM} (e.g. la-vida-mocha)."
REGION_ARGUMENT="${3:-}"
REGION="${REGION_ARGUMENT:-${COURSE_REGION:-${AWS_REGION:-${DEFAULT_REGION}}}}"
[[ "${REGION}" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]] || fail "'${REGION}' is not an AWS region name (e.g. ${DEFAULT_REGION})."

PARAMETER_NAME="${TEAM//-/_}_redshift_settings"
BUCKET_STACK="${TEAM}-shopper-deployment-bucket"
ETL_STACK="${TEAM}-shopper-etl-pipeline"
FUNCTION_NAME="${TEAM}-shopper-etl"

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
  # The local stack lives in the course's region (COURSE_REGION), which `course env` exported.
  if [[ -n "${REGION_ARGUMENT}" && "${REGION_ARGUMENT}" != "${AWS_REGION}" ]]; then
    fail "the local stack runs in ${AWS_REGION} (COURSE_REGION), not ${REGION_ARGUMENT}."
  fi
  REGION="${AWS_REGION}"
  AWS=("${AWS_BIN}" --region "${REGION}")
  # The local AWS has no EventBridge delivery: S3 calls the Lambda itself (see etl-stack.yml).
  TRIGGER_DELIVERY="S3Notification"
  NETWORK_STACK="${NETWORK_STACK_NAME:-}"
  BOUNDARY=""
  RESERVED="${RESERVED_CONCURRENCY:-0}"
  # The local Lambda runs on this machine's Python, the one the course's .venv uses.
  PIP_PLATFORM=()
  WHEELS_SUBDIR="local"
  PLATFORM_TAG="local-$("${PYTHON}" -c 'import sys, sysconfig; print(f"{sysconfig.get_platform()}-py{sys.version_info[0]}.{sys.version_info[1]}")')"
else
  # A terminal that once ran `eval "$(course env)"` still points the AWS CLI at the local AWS:
  # AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>) beat the profile, so this deploy would go
  # to the local AWS. They are dropped here, and configured endpoints are ignored altogether.
  LEAKED=()
  while IFS= read -r name; do
    case "${name}" in AWS_ENDPOINT_URL|AWS_ENDPOINT_URL_*) LEAKED+=("${name}");; esac
  done < <(compgen -e)
  if (( ${#LEAKED[@]} > 0 )); then
    warn "ignoring ${LEAKED[*]} (set by local mode, e.g. eval \"\$(course env)\"): they would send this deploy to the local AWS instead of profile ${PROFILE}."
    for name in "${LEAKED[@]}"; do unset "${name}"; done
  fi
  export AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true
  if [[ "${AWS_ACCESS_KEY_ID:-}" == testing-local-dummy* ]]; then
    warn "ignoring the local AWS's dummy AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY: profile ${PROFILE} signs in instead."
    unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
  fi
  AWS=("${AWS_BIN}" --profile "${PROFILE}" --region "${REGION}")
  "${AWS[@]}" sts get-caller-identity >/dev/null \
    || fail "AWS profile '${PROFILE}' cannot sign in: run 'aws sso login --profile ${PROFILE}' (or 'aws configure --profile ${PROFILE}')."
  TRIGGER_DELIVERY="EventBridge"
  # Redshift admits connections only from inside the instructor's VPC (docs/aws-network.md), so
  # the Lambda runs in its private subnets: the network stack must be there, with its exports.
  NETWORK_STACK="${NETWORK_STACK_NAME:-${DEFAULT_NETWORK_STACK}}"
  EXPORTS="$("${AWS[@]}" cloudformation describe-stacks --stack-name "${NETWORK_STACK}" \
    --query 'Stacks[0].Outputs[].ExportName' --output text 2>/dev/null)" \
    || fail "the network stack '${NETWORK_STACK}' is not in ${REGION} for profile ${PROFILE}. The Lambda must run in the instructor's VPC to reach Redshift: ask your instructor for the stack's name and region (NETWORK_STACK_NAME=<name> ./deploy.sh ${PROFILE} ${TEAM} <region>), or deploy infra/network-stack.yml first (docs/instructor-guide.md)."
  for export in PrivateSubnet1Id PrivateSubnet2Id PrivateSubnet3Id LambdaSecurityGroupId; do
    [[ " $(tr -s '[:space:]' ' ' <<<"${EXPORTS}") " == *" ${NETWORK_STACK}-${export} "* ]] \
      || fail "the network stack '${NETWORK_STACK}' has no export ${NETWORK_STACK}-${export}: update it from infra/network-stack.yml."
  done
  # Learners may create roles only with the class's permissions boundary: pass it when the class
  # has the learner policy stack (an instructor's admin profile needs none).
  LEARNER_STACK="${LEARNER_POLICY_STACK_NAME:-${DEFAULT_LEARNER_STACK}}"
  BOUNDARY="$("${AWS[@]}" cloudformation describe-stacks --stack-name "${LEARNER_STACK}" \
    --query "Stacks[0].Outputs[?OutputKey=='LearnerRoleBoundaryArn'].OutputValue" --output text 2>/dev/null || true)"
  [[ "${BOUNDARY}" == arn:* ]] || BOUNDARY=""
  RESERVED="${RESERVED_CONCURRENCY:-0}"
  [[ "${RESERVED}" =~ ^[0-9]+$ ]] || fail "RESERVED_CONCURRENCY must be a whole number (0 reserves none), not '${RESERVED}'."
  if (( RESERVED > 0 )); then
    # Lambda refuses a reservation that leaves fewer than 100 unreserved runs in the account, and
    # the stack would be left in ROLLBACK_COMPLETE: check first. What this function already holds
    # would be given back, so it counts as free.
    UNRESERVED="$("${AWS[@]}" lambda get-account-settings \
      --query 'AccountLimit.UnreservedConcurrentExecutions' --output text)"
    HELD="$("${AWS[@]}" lambda get-function-concurrency --function-name "${FUNCTION_NAME}" \
      --query 'ReservedConcurrentExecutions' --output text 2>/dev/null || true)"
    [[ "${HELD}" =~ ^[0-9]+$ ]] || HELD=0
    if (( UNRESERVED + HELD - RESERVED < 100 )); then
      fail "RESERVED_CONCURRENCY=${RESERVED} is more than this account can reserve: it has ${UNRESERVED} unreserved concurrent runs and Lambda keeps at least 100 unreserved. Deploy without RESERVED_CONCURRENCY (no reservation), or ask AWS for a higher concurrency quota."
    fi
  fi
  # Lambda's platform, whatever this machine is: wheels only, for python3.12 on x86_64 Linux
  # (etl-stack.yml's Runtime and Architectures).
  PIP_PLATFORM=(--platform manylinux2014_x86_64 --implementation cp --python-version 3.12 --only-binary=:all:)
  PLATFORM_TAG="lambda-manylinux2014_x86_64-py3.12"
  WHEELS_SUBDIR="lambda"
fi

# A stack whose first creation failed is left in ROLLBACK_COMPLETE, which CloudFormation can only
# delete; one with a deploy or delete under way must be left to finish.
stack_status() {
  local out errors
  errors="$(mktemp)"
  if out="$("${AWS[@]}" cloudformation describe-stacks --stack-name "$1" \
      --query 'Stacks[0].StackStatus' --output text 2>"${errors}")"; then
    echo "${out}"
  elif grep -q "does not exist" "${errors}"; then
    echo "NONE"
  else
    cat "${errors}" >&2
    rm -f "${errors}"
    return 1
  fi
  rm -f "${errors}"
}
make_deployable() {
  local stack="$1" status
  status="$(stack_status "${stack}")" || fail "cannot read the state of stack ${stack} (see above)."
  case "${status}" in
    ROLLBACK_COMPLETE|ROLLBACK_FAILED)
      echo "Stack ${stack} is in ${status}: its first creation failed, and CloudFormation can only delete such a stack. Deleting it and creating it again."
      "${AWS[@]}" cloudformation delete-stack --stack-name "${stack}"
      "${AWS[@]}" cloudformation wait stack-delete-complete --stack-name "${stack}" \
        || fail "stack ${stack} could not be deleted: see its events in the CloudFormation console, delete it there, then run deploy.sh again."
      ;;
    UPDATE_ROLLBACK_FAILED)
      fail "stack ${stack} is UPDATE_ROLLBACK_FAILED: CloudFormation could not undo a failed update. Run 'aws cloudformation continue-update-rollback --stack-name ${stack} --profile ${PROFILE} --region ${REGION}', then deploy.sh again."
      ;;
    REVIEW_IN_PROGRESS|*_COMPLETE|NONE) ;;
    *_IN_PROGRESS)
      fail "stack ${stack} is ${status}: another deploy (or delete) is under way. Wait until it ends, then run deploy.sh again (one person per team deploys)."
      ;;
  esac
}
# Why a deploy failed, from the stack's events: the first reasons CloudFormation gives.
explain_failure() {
  "${AWS[@]}" cloudformation describe-stack-events --stack-name "$1" --max-items 25 \
    --query "StackEvents[?contains(ResourceStatus, 'FAILED')].[LogicalResourceId, ResourceStatusReason]" \
    --output text >&2 2>/dev/null || true
}

echo "Team ${TEAM}, region ${REGION}, profile ${PROFILE}."
make_deployable "${BUCKET_STACK}"
say "1/5 Deployment bucket stack ${BUCKET_STACK}"
"${AWS[@]}" cloudformation deploy \
  --stack-name "${BUCKET_STACK}" \
  --template-file "${HERE}/deployment-bucket-stack.yml" \
  --parameter-overrides "TeamName=${TEAM}" \
  --tags "course=${COURSE_TAG}" "team=${TEAM}" \
  --no-fail-on-empty-changeset \
  || { explain_failure "${BUCKET_STACK}"; fail "deploying stack ${BUCKET_STACK} failed (reasons above)."; }
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
    PIP_INSTALL=("${PYTHON}" -m pip install --quiet --disable-pip-version-check --no-compile
      ${PIP_PLATFORM[@]+"${PIP_PLATFORM[@]}"} --target "${DEPS_TMP}" -r "${REQUIREMENTS}")
    # The wheels cached at set-up first (no network needed), else the package index.
    WHEELS="${DEPLOY_WHEELS_DIR:-${HERE}/build/wheels}/${WHEELS_SUBDIR}"
    if compgen -G "${WHEELS}/*.whl" >/dev/null \
      && "${PIP_INSTALL[@]}" --no-index --find-links "${WHEELS}" 2>/dev/null; then
      echo "Dependencies installed from the wheels cached in ${WHEELS}."
    else
      echo "No usable wheels cached in ${WHEELS}: downloading the dependencies from the package index."
      rm -rf "${DEPS_TMP:?}"/* && "${PIP_INSTALL[@]}"
    fi
  fi
  # boto3 and botocore come with Lambda's Python runtime (and with the course's .venv, where the
  # local Lambda runs); leaving them out keeps the package ~20 MB smaller.
  rm -rf "${DEPS_TMP:?}"/boto3 "${DEPS_TMP:?}"/boto3-* "${DEPS_TMP:?}"/botocore "${DEPS_TMP:?}"/botocore-* \
    "${DEPS_TMP:?}"/s3transfer "${DEPS_TMP:?}"/s3transfer-* "${DEPS_TMP:?}"/bin
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
# Lambda runs the code as a user that owns none of it, so every file must be world-readable (and
# every folder world-searchable). The zip keeps each file's mode, and a umask of 077 (or a clone
# made under one) would otherwise ship 0600 files that Lambda cannot import. Done on every run, so
# a folder made by an older deploy.sh is fixed too; a mode that is already right is not touched.
chmod -R u+rwX,go+rX "${PACKAGE_DIR}"
# Lambda's limit for a package from S3 is 250 MB unzipped; say so here rather than after upload.
UNZIPPED_KB="$(du -sk "${PACKAGE_DIR}/build/lambda" | cut -f1)"
(( UNZIPPED_KB < 250 * 1024 )) || fail "the Lambda's files are ${UNZIPPED_KB} KB, over Lambda's 250 MB unzipped limit."
WORK="$(mktemp -d "${BUILD}/run.XXXXXX")"
trap 'rm -rf "${WORK}"' EXIT

say "3/5 Package: upload the Lambda's zip to s3://${DEPLOYMENT_BUCKET}"
"${AWS[@]}" cloudformation package \
  --template-file "${PACKAGE_DIR}/etl-stack.yml" \
  --s3-bucket "${DEPLOYMENT_BUCKET}" \
  --s3-prefix "${TEAM}/etl" \
  --output-template-file "${WORK}/etl-stack.packaged.yml" >/dev/null 2>"${WORK}/package.log" \
  || { cat "${WORK}/package.log" >&2; fail "packaging the Lambda failed (see above)."; }

make_deployable "${ETL_STACK}"
say "4/5 ETL stack ${ETL_STACK}"
"${AWS[@]}" cloudformation deploy \
  --stack-name "${ETL_STACK}" \
  --template-file "${WORK}/etl-stack.packaged.yml" \
  --capabilities CAPABILITY_IAM \
  --no-fail-on-empty-changeset \
  --tags "course=${COURSE_TAG}" "team=${TEAM}" \
  --parameter-overrides \
    "TeamName=${TEAM}" \
    "RedshiftSettingsParameterName=${PARAMETER_NAME}" \
    "ReservedConcurrency=${RESERVED}" \
    "NetworkStackName=${NETWORK_STACK}" \
    "TriggerDelivery=${TRIGGER_DELIVERY}" \
    "RolePermissionsBoundary=${BOUNDARY}" \
  || { explain_failure "${ETL_STACK}"; fail "deploying stack ${ETL_STACK} failed (reasons above)."; }

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
if [[ "${PROFILE}" == "local" ]]; then
  echo "  aws s3 cp data/mystery_shops_2024-03.csv s3://${RAW_BUCKET}/"
else
  echo "  aws s3 cp data/mystery_shops_2024-03.csv s3://${RAW_BUCKET}/ --profile ${PROFILE} --region ${REGION}"
fi
