#!/usr/bin/env bash
# Runs rustgo-analyzer for the composite GitHub Action (action.yml) and writes the step's outputs.
#
# Everything comes in through environment variables and is only ever expanded inside double quotes, so no
# input, branch name or event field can become shell code; everything goes out as files, so the script runs
# the same way outside GitHub (the tests point GITHUB_OUTPUT and GITHUB_STEP_SUMMARY at temporary files).
#
# Inputs (all optional):
#   INPUT_PATH       repository to analyze (default: .)
#   INPUT_BASE       base revision: run `analyze diff` against it. Empty: the pull request's (or merge queue's)
#                    base commit from $GITHUB_EVENT_PATH when there is one. "none": analyze the tree, no diff.
#   INPUT_EXPECT     rust|go|both|undecided, passed as --expect
#   INPUT_FAIL_ON    passed as --fail-on (diffs only), e.g. verdict-change
#   INPUT_FORMAT     --format specs written in addition to the reports below, separated by spaces or
#                    newlines (default: github, i.e. workflow annotations in the log)
#   INPUT_SARIF      true: also write a SARIF file (for code scanning)
#   INPUT_SUMMARY    true (default): append the Markdown report to $GITHUB_STEP_SUMMARY
#   ANALYZER_PYTHON  the Python that has the analyzer installed (default: python3)
#   RUNNER_TEMP      the reports go to $RUNNER_TEMP/rustgo-analyzer (default: a new temporary directory)
# Outputs, appended to $GITHUB_OUTPUT when it is set:
#   verdict, base-verdict (diffs), report-path (Markdown), json-path, sarif-path, exit-code,
#   changed (diffs: true when the verdict, a lean, a marker or a finding moved, else false)
# Exit status: the analyzer's own (0 report produced, 1 a gate failed, 2 usage error, 3 internal error),
# after the outputs and the summary have been written, so later steps can still post the report.
set -euo pipefail

PY="${ANALYZER_PYTHON:-python3}"
# Every Python below runs isolated (-I): the working directory is the checkout, and without -I a root json.py,
# click.py or analyzer/ of the analyzed repository would be imported in place of the real module.

fail_usage() {
    echo "::error title=rustgo-analyzer::$1"
    exit 2
}

# Prints "true" or "false" for a boolean input; returns 1 for anything else.
flag() {
    case "$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')" in
        true | yes | on | 1) echo true ;;
        false | no | off | 0) echo false ;;
        *) return 1 ;;
    esac
}

# The base commit GitHub put in the event payload, if any (pull_request*, merge_group).
event_base() {
    [[ -n "${GITHUB_EVENT_PATH:-}" && -f "${GITHUB_EVENT_PATH}" ]] || return 0
    "$PY" -I - "$GITHUB_EVENT_PATH" <<'PYTHON'
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as handle:
        event = json.load(handle)
    sha = (event.get("pull_request") or {}).get("base", {}).get("sha") or (event.get("merge_group") or {}).get("base_sha")
except (OSError, ValueError, AttributeError):
    sha = None
print(sha if isinstance(sha, str) else "")
PYTHON
}

# Makes sure the base commit is in the clone: actions/checkout fetches one commit by default.
ensure_base() {
    local repo="$1" base="$2"
    local -a git_safe=(git -c core.fsmonitor=false -C "$repo")
    if "${git_safe[@]}" rev-parse --quiet --verify "${base}^{commit}" >/dev/null 2>&1; then
        return 0
    fi
    echo "rustgo-analyzer: fetching base commit $base"
    "${git_safe[@]}" fetch --quiet --no-tags --depth=1 origin "$base" ||
        fail_usage "base revision '$base' is not in the clone and could not be fetched; use actions/checkout with fetch-depth: 0"
}

# Prints one field of the JSON report: the verdict of the analyzed tree (the head side of a diff) or the base's.
json_verdict() {
    "$PY" -I - "$1" "$2" <<'PYTHON'
import json, sys
path, side = sys.argv[1], sys.argv[2]
try:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
except (OSError, ValueError):
    data = {}
def language(node):
    verdict = node.get("verdict") if isinstance(node, dict) else None
    value = verdict.get("language") if isinstance(verdict, dict) else None
    return value if isinstance(value, str) else None
if not isinstance(data, dict):
    data = {}
if side == "base":
    found = language(data.get("base"))
else:
    found = language(data) or language(data.get("head"))
print(found or "")
PYTHON
}

# Prints "true" when the JSON delta records any change, "false" when it records none, nothing for a report.
json_changed() {
    "$PY" -I - "$1" <<'PYTHON'
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as handle:
        data = json.load(handle)
except (OSError, ValueError):
    data = None
if isinstance(data, dict) and data.get("kind") == "delta":
    lists = ("added_markers", "removed_markers", "added_findings", "removed_findings")
    moved = bool(data.get("verdict_changed")) or data.get("lean_change") not in (0, 0.0, None)
    moved = moved or any(data.get(name) for name in lists)
    moved = moved or any(isinstance(c, dict) and c.get("change") not in (0, 0.0, None) for c in data.get("criteria") or ())
    print("true" if moved else "false")
PYTHON
}

# Appends name=value to $GITHUB_OUTPUT with a random delimiter, so no value can forge another output.
set_output() {
    [[ -n "${GITHUB_OUTPUT:-}" ]] || return 0
    local delimiter="rustgo_$RANDOM$RANDOM$RANDOM"
    printf '%s<<%s\n%s\n%s\n' "$1" "$delimiter" "$2" "$delimiter" >>"$GITHUB_OUTPUT"
}

main() {
    local path="${INPUT_PATH:-.}"
    local base="${INPUT_BASE:-}"
    local summary sarif
    summary="$(flag "${INPUT_SUMMARY:-true}")" || fail_usage "input summary must be true or false, not '${INPUT_SUMMARY}'"
    sarif="$(flag "${INPUT_SARIF:-false}")" || fail_usage "input sarif must be true or false, not '${INPUT_SARIF}'"
    [[ -d "$path" ]] || fail_usage "input path '$path' is not a directory"
    if [[ -z "$base" ]]; then
        base="$(event_base)"
    elif [[ "$base" == none || "$base" == NONE ]]; then
        base=""
    fi
    # A revision starting with '-' would be read as an option by git and by the analyzer.
    [[ "$base" != -* ]] || fail_usage "base revision must not start with '-': '$base'"

    local out="${RUNNER_TEMP:-}"
    if [[ -n "$out" ]]; then
        out="$out/rustgo-analyzer"
        mkdir -p "$out"
    else
        out="$(mktemp -d)"
    fi
    local markdown="$out/rustgo-report.md" json="$out/rustgo-report.json" sarif_file=""
    rm -f "$markdown" "$json" "$out/rustgo.sarif"

    local -a args
    if [[ -n "$base" ]]; then
        ensure_base "$path" "$base"
        args=(diff "$path" --base "$base")
        [[ -z "${INPUT_FAIL_ON:-}" ]] || args+=(--fail-on "$INPUT_FAIL_ON")
    else
        args=(check "$path")
        [[ -z "${INPUT_FAIL_ON:-}" ]] ||
            echo "::warning title=rustgo-analyzer::fail-on applies to diffs only and there is no base revision; ignored"
    fi
    [[ -z "${INPUT_EXPECT:-}" ]] || args+=(--expect "$INPUT_EXPECT")
    args+=(--format "markdown:$markdown" --format "json:$json")
    if [[ "$sarif" == true ]]; then
        sarif_file="$out/rustgo.sarif"
        args+=(--format "sarif:$sarif_file")
    fi
    local -a extra
    read -r -d '' -a extra <<<"${INPUT_FORMAT-github}" || true
    local spec
    # The ${a[@]+...} form keeps an empty array legal under `set -u` in the bash 3.2 of macOS.
    for spec in ${extra[@]+"${extra[@]}"}; do
        args+=(--format "$spec")
    done

    echo "rustgo-analyzer: analyze ${args[*]}"
    local status=0
    # The job summary is written below from the Markdown report, once, whatever formats were asked for.
    env -u GITHUB_STEP_SUMMARY "$PY" -I -m analyzer "${args[@]}" || status=$?

    local verdict="" base_verdict="" changed=""
    if [[ -f "$json" ]]; then
        verdict="$(json_verdict "$json" head)"
        base_verdict="$(json_verdict "$json" base)"
        changed="$(json_changed "$json")"
    fi
    [[ -f "$markdown" ]] || markdown=""
    [[ -z "$sarif_file" || -f "$sarif_file" ]] || sarif_file=""
    if [[ "$summary" == true && -n "$markdown" && -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
        { cat "$markdown"; echo; } >>"$GITHUB_STEP_SUMMARY"
    fi
    set_output verdict "$verdict"
    set_output base-verdict "$base_verdict"
    set_output report-path "$markdown"
    set_output json-path "$([[ -f "$json" ]] && echo "$json" || true)"
    set_output sarif-path "$sarif_file"
    set_output exit-code "$status"
    set_output changed "$changed"
    return "$status"
}

main "$@"
