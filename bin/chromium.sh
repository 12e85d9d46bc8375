# shellcheck shell=bash
# Makes sure Debian's headless Chromium and its ChromeDriver are installed for the browser
# tests (a SMART app on fhirclient.js driven through a real launch). Sourced by bin/test.
ensure_chromium() {
  if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 || { echo "Install chromium and chromedriver for the browser tests" >&2; return 1; }
  local sudo=""
  [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
  echo "Installing chromium and chromium-driver with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
}
