# The handler of the shell-runtime example (Handler: function.handler), sourced once by ./bootstrap.
# Code at this level is the function's INIT; its variables live as long as the environment.
INVOCATIONS=0
echo "function.sh loaded (bash $BASH_VERSION, pid $$)" >&2

# $1 is the event (JSON). Print the response on stdout; log on stderr; return non-zero to fail.
handler() {
  local event=$1
  INVOCATIONS=$((INVOCATIONS + 1))
  echo "request $REQUEST_ID: invocation $INVOCATIONS of this environment" >&2
  case $event in
    *'"fail":true'*)
      echo "asked to fail (invocation $INVOCATIONS)"
      return 1
      ;;
  esac
  printf '{"echo":%s,"requestId":"%s","invocation":%d,"pid":%d,"runtime":"bash %s"}\n' \
    "$event" "$REQUEST_ID" "$INVOCATIONS" "$$" "${BASH_VERSION%%(*}"
}
