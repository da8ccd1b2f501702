# Lambda Workbench's Python runtime: the program an execution environment spawns for python3.*
# functions (in effect `python -u bootstrap.py`). It speaks the Runtime API (2018-06-01) exactly
# as AWS's Python runtime (awslambdaric) does -- init, then a /next -> handler -> /response|/error
# loop -- and mirrors it in handler loading, `context`, log format and error shapes.
#
# Standard library only, Python 3.9+. It is on every cold start, so the startup path imports
# nothing heavy: the Runtime API is spoken over one kept-alive raw socket (_socket, the C core
# of `socket`) with HTTP/1.1 written by hand, and `logging` is configured the moment something
# imports it rather than imported here.

import sys
import os
import time

# Started through the runtime's loader (`python -c LOADER bootstrap.py`, see pythonRuntime.ts,
# which keeps this file's bytecode): back to the configured bytecode policy, without the
# loader's names.
sys.dont_write_bytecode = bool(sys.flags.dont_write_bytecode)
globals().pop("_L", None)
globals().pop("_m", None)

# Like AWS's runtime, whose sys.path starts with the task root: what Python prepends (the
# script's directory, or '' when started through `-c`) goes; the runtime directory is on
# PYTHONPATH anyway, after the task root and the layers.
if sys.path and sys.path[0] in ("", os.path.dirname(os.path.abspath(__file__))):
    del sys.path[0]

_socket = __import__("_socket")

_BASE = "/2018-06-01/runtime"
_FAILED = "Failed to get next invocation. No Response from endpoint"
_INIT_START_HEADER = "Lambda-Workbench-Function-Init-Start"

# ---------------------------------------------------------------------------------------------
# Errors, as awslambdaric shapes them: {errorMessage, errorType, requestId, stackTrace}.


class FaultException(Exception):
    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, exception_type, msg, trace=None):
        Exception.__init__(self, msg)
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def _user_frames(tb):
    """The traceback as (file, line, function, code) tuples, without our own leading frames."""
    import traceback

    tuples = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i in range(len(tuples)):
        if "/bootstrap.py" not in tuples[i][0]:
            return tuples[i:]
    return tuples


def _fault_from_exception(exc, invoke_id=None):
    """(error result, X-Ray cause) for an exception raised by user code."""
    import traceback

    frames = _user_frames(exc.__traceback__)
    error_type = type(exc).__name__
    result = make_error(str(exc), error_type, traceback.format_list(frames), invoke_id)
    return result, _xray_fault(error_type, str(exc), frames)


def _xray_fault(error_type, message, frames):
    stack = []
    files = set()
    for tb_file, tb_line, tb_method, _code in frames:
        stack.append({"label": tb_method, "path": tb_file, "line": tb_line})
        files.add(tb_file)
    return {
        "working_directory": os.getcwd(),
        "exceptions": [{"message": message, "type": error_type, "stack": stack}],
        "paths": list(files),
    }


# ---------------------------------------------------------------------------------------------
# Log sink: AWS's telemetry framing on the fd the platform hands over (u32 BE frame type,
# u32 BE length, u64 BE timestamp in microseconds, message), so a multi-line record stays one
# record; without it, stdout.

_FRAME_TEXT = (0xA55A0003).to_bytes(4, "big")
_FRAME_TEXT_ERROR = (0xA55A0017).to_bytes(4, "big")
_ERROR_LOG_IDENT = "\u00a0"  # NO-BREAK SPACE, as AWS indents traceback lines in log records
_ERROR_LOG_LINE_TERMINATE = "\r"


class FramedTelemetryLogSink(object):
    def __init__(self, fd):
        self.fd = fd

    def log(self, msg, frame_type=None):
        data = msg.encode("utf-8", "replace")
        frame = (
            (frame_type or _FRAME_TEXT)
            + len(data).to_bytes(4, "big")
            + (time.time_ns() // 1000).to_bytes(8, "big")
            + data
        )
        view = memoryview(frame)
        while view:
            view = view[os.write(self.fd, view):]

    def log_error(self, message_lines):
        self.log("\n".join(message_lines), _FRAME_TEXT_ERROR)


class StandardLogSink(object):
    def log(self, msg, frame_type=None):
        sys.stdout.write(msg)

    def log_error(self, message_lines):
        sys.stdout.write(_ERROR_LOG_LINE_TERMINATE.join(message_lines) + "\n")


def _create_log_sink():
    fd = os.environ.pop("_LAMBDA_TELEMETRY_LOG_FD", None)
    if fd is not None:
        try:
            fd = int(fd)
            os.fstat(fd)
            return FramedTelemetryLogSink(fd)
        except (ValueError, OSError):
            pass
    return StandardLogSink()


_log_sink = _create_log_sink()


def _replace_line_indentation(line, indent_char, new_indent_char):
    count = 0
    for c in line:
        if c != indent_char:
            break
        count += 1
    return (new_indent_char * count) + line[count:]


def log_error(error_result):
    """`[ERROR] Type: message` and the traceback, one record (AWS's text format)."""
    description = "[ERROR]"
    error_type = error_result.get("errorType")
    if error_type:
        description += " " + error_type
    message = error_result.get("errorMessage")
    if message:
        if error_type:
            description += ":"
        description += " " + message
    lines = [description]
    stack_trace = error_result.get("stackTrace")
    if stack_trace is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack_trace:
            if element == "":
                lines.append("")
            else:
                for trace_line in element.splitlines():
                    lines.append(_replace_line_indentation(trace_line, " ", _ERROR_LOG_IDENT))
    _log_sink.log_error(lines)


_UNHANDLED_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. However, in rare "
    "cases, a Lambda runtime update can cause unexpected function behavior. For functions using managed runtimes, "
    "runtime updates can be triggered by a function change, or can be applied automatically. To determine if the "
    "runtime has been updated, check the runtime version in the INIT_START log entry. If this error correlates with "
    "a change in the runtime version, you may be able to mitigate this error by temporarily rolling back to the "
    "previous runtime version. For more information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)

# ---------------------------------------------------------------------------------------------
# Logging, as AWS sets it up: a handler on the root logger formatting
# `[LEVEL]\t<UTC time>.<ms>Z\t<request id>\t<message>\n`, one record per call. `logging` costs
# several milliseconds to import, so instead of importing it here a finder waits for the first
# `import logging` (user code or a library) and configures it as soon as the module has run --
# before any code can use it.

_request_id = None
_LOG_FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n"
_LOG_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _log_level_from_env():
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL")
    return {None: "", "TRACE": "DEBUG"}.get(level, level).upper()


def _setup_logging(logging):
    logging.Formatter.converter = time.gmtime
    sink = _log_sink

    class LambdaLoggerHandler(logging.Handler):
        def __init__(self, log_sink):
            logging.Handler.__init__(self)
            self.log_sink = log_sink

        def emit(self, record):
            self.log_sink.log(self.format(record))

    class LambdaLoggerFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = _request_id or ""
            record.tenant_id = None
            return True

    handler = LambdaLoggerHandler(sink)
    handler.setFormatter(logging.Formatter(_LOG_FORMAT, _LOG_DATE_FORMAT))
    handler.addFilter(LambdaLoggerFilter())
    logger = logging.getLogger()
    level = _log_level_from_env()
    if level in logging._nameToLevel:
        logger.setLevel(level)
    logger.addHandler(handler)


def _configure_logging_module(module):
    if getattr(module, "Handler", None) is None or getattr(module, "getLogger", None) is None:
        return  # a module of the user's own called `logging`
    _setup_logging(module)


class _ConfigureAfterExec(object):
    """Wraps the loader of `logging`: runs the module, then configures it."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        create = getattr(self.loader, "create_module", None)
        return create(spec) if create is not None else None

    def exec_module(self, module):
        self.loader.exec_module(module)
        try:
            module.__loader__ = self.loader
            module.__spec__.loader = self.loader
        except AttributeError:
            pass
        _configure_logging_module(module)

    def __getattr__(self, name):
        if name == "loader":
            raise AttributeError(name)
        return getattr(self.loader, name)


class _LoggingImportHook(object):
    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if fullname != "logging":
            return None
        try:
            sys.meta_path.remove(cls)
        except ValueError:
            pass
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            if find_spec is None:
                continue
            spec = find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _ConfigureAfterExec(spec.loader)
                return spec
        return None


if "logging" in sys.modules:
    _configure_logging_module(sys.modules["logging"])
else:
    sys.meta_path.insert(0, _LoggingImportHook)


def _log_warning(message):
    """A WARNING record in the root handler's format, without importing logging."""
    logging = sys.modules.get("logging")
    if logging is not None and getattr(logging, "warning", None) is not None:
        logging.warning(message)
        return
    now = time.time()
    stamp = time.strftime(_LOG_DATE_FORMAT, time.gmtime(now))
    _log_sink.log("[WARNING]\t%s.%03dZ\t%s\t%s\n" % (stamp, int((now - int(now)) * 1000), _request_id or "", message))


# ---------------------------------------------------------------------------------------------
# Runtime API client: HTTP/1.1 over one kept-alive socket. The platform always answers with
# Content-Length and handles pipelined requests in order, so after an invocation the result POST
# and the next GET /next leave in one write.


class RuntimeApiClient(object):
    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.host = address
        sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
        sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
        sock.connect((host, int(port)))
        self.sock = sock
        self.buffer = b""
        ua = "aws-lambda-python/%d.%d.%d-lambda-workbench" % sys.version_info[:3]
        self.common = "Host: %s\r\nUser-Agent: %s\r\n" % (address, ua)

    def request_bytes(self, method, path, body=None, headers=None):
        head = "%s %s%s HTTP/1.1\r\n%s" % (method, _BASE, path, self.common)
        if headers:
            for key, value in headers.items():
                head += "%s: %s\r\n" % (key, value)
        if body is not None:
            head += "Content-Length: %d\r\n" % len(body)
        head = (head + "\r\n").encode("utf-8")
        return head + body if body is not None else head

    def send(self, data):
        self.sock.sendall(data)

    def read_response(self):
        """(status, headers with lower-case names, body) of the next response on the socket."""
        buf = self.buffer
        recv = self.sock.recv
        end = buf.find(b"\r\n\r\n")
        while end < 0:
            chunk = recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            buf += chunk
            end = buf.find(b"\r\n\r\n", max(0, len(buf) - len(chunk) - 3))
        try:
            head = buf[:end].decode("utf-8")
        except UnicodeDecodeError:
            head = buf[:end].decode("latin-1")
        lines = head.split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            key, sep, value = line.partition(":")
            if sep:
                headers[key.strip().lower()] = value.strip()
        total = end + 4 + int(headers.get("content-length") or 0)
        if len(buf) < total:
            chunks = [buf]
            have = len(buf)
            while have < total:
                chunk = recv(max(65536, total - have))
                if not chunk:
                    raise EOFError("connection closed")
                chunks.append(chunk)
                have += len(chunk)
            buf = b"".join(chunks)
        self.buffer = buf[total:]
        return status, headers, buf[end + 4:total]


def _platform_gone():
    try:
        sys.stdout.flush()
    except Exception:
        pass
    try:
        sys.stderr.write(_FAILED + "\n")
        sys.stderr.flush()
    except Exception:
        pass
    os._exit(1)


# ---------------------------------------------------------------------------------------------
# Handler loading, as awslambdaric does it: `path/to/module.function`.


def _get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(FaultException.MALFORMED_HANDLER_NAME, "Bad handler '{}': {}".format(handler, str(e)))

    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                FaultException.BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module {} as a handler module".format(modname),
            )
        import importlib

        m = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(FaultException.IMPORT_MODULE_ERROR, "Unable to import module '{}': {}".format(modname, str(e)))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            FaultException.USER_CODE_SYNTAX_ERROR,
            "Syntax error in module '{}': {}".format(modname, str(e)),
            trace,
        )

    try:
        request_handler = getattr(m, fname)
    except AttributeError:
        raise FaultException(FaultException.HANDLER_NOT_FOUND, "Handler '{}' missing on module '{}'".format(fname, modname), None)
    return request_handler


# ---------------------------------------------------------------------------------------------
# The context object, attribute for attribute as awslambdaric builds it.


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __repr__(self):
        return "%s([cognito_identity_id=%s,cognito_identity_pool_id=%s])" % (
            self.__class__.__name__,
            self.cognito_identity_id,
            self.cognito_identity_pool_id,
        )


class Client(object):
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]

    def __repr__(self):
        return "%s([installation_id=%s,app_title=%s,app_version_name=%s,app_version_code=%s,app_package_name=%s])" % (
            self.__class__.__name__,
            self.installation_id,
            self.app_title,
            self.app_version_name,
            self.app_version_code,
            self.app_package_name,
        )


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]

    def __repr__(self):
        return "%s([custom=%s,env=%s,client=%s])" % (self.__class__.__name__, self.custom, self.env, self.client)


def make_obj_from_dict(_class, _dict):
    if _dict is None:
        return None
    obj = _class()
    for field in _class.__slots__:
        setattr(obj, field, _dict.get(field, None))
    return obj


_W3C_ALLOWED_FIELDS = ("traceparent", "tracestate", "baggage")


class LambdaContext(object):
    def __init__(
        self,
        invoke_id,
        client_context,
        cognito_identity,
        epoch_deadline_time_in_ms,
        invoked_function_arn=None,
        tenant_id=None,
    ):
        env = os.environ
        self.aws_request_id = invoke_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id
        self._w3c_fields = {}
        if isinstance(client_context, dict) and "w3c" in client_context:
            raw = client_context.pop("w3c")
            if isinstance(raw, dict):
                self._w3c_fields = {k: raw[k] for k in _W3C_ALLOWED_FIELDS if isinstance(raw.get(k), str)}
        self.client_context = make_obj_from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = make_obj_from_dict(Client, self.client_context.client)
        self.identity = make_obj_from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")
        self._epoch_deadline_time_in_ms = epoch_deadline_time_in_ms

    def get_remaining_time_in_millis(self):
        delta_ms = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return delta_ms if delta_ms > 0 else 0

    def w3c(self):
        return dict(self._w3c_fields)

    def log(self, msg):
        _log_sink.log(str(msg))

    def __repr__(self):
        return (
            "%s([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,function_name=%s,memory_limit_in_mb=%s,"
            "function_version=%s,invoked_function_arn=%s,client_context=%s,identity=%s,tenant_id=%s])"
            % (
                self.__class__.__name__,
                self.aws_request_id,
                self.log_group_name,
                self.log_stream_name,
                self.function_name,
                self.memory_limit_in_mb,
                self.function_version,
                self.invoked_function_arn,
                self.client_context,
                self.identity,
                self.tenant_id,
            )
        )


# ---------------------------------------------------------------------------------------------
# Marshalling, as awslambdaric: JSON (Decimal as a number; non-ASCII kept as is on python3.12,
# escaped elsewhere), bytes passed through.


def _make_encoder(json):
    class Encoder(json.JSONEncoder):
        def default(self, obj):
            decimal = sys.modules.get("decimal")
            if decimal is not None and isinstance(obj, decimal.Decimal):
                if obj.is_nan():
                    return float("nan")
                # awslambdaric writes the Decimal's digits verbatim; the standard library's encoder
                # cannot, so integral values become ints and the others floats.
                return int(obj) if obj == obj.to_integral_value() else float(obj)
            return json.JSONEncoder.default(self, obj)

    ensure_ascii = os.environ.get("AWS_EXECUTION_ENV") not in ("AWS_Lambda_python3.12",)
    return Encoder(ensure_ascii=ensure_ascii)


def _parse_json_header(json, value, name):
    try:
        return json.loads(value)
    except Exception as e:
        raise FaultException(
            FaultException.LAMBDA_CONTEXT_UNMARSHAL_ERROR,
            "Unable to parse {} JSON: {}".format(name, str(e)),
            None,
        )


# ---------------------------------------------------------------------------------------------
# The invoke loop.


def _invoke(client, json, encoder, request_handler, headers, body):
    """Runs one invocation; returns the bytes to send back (the result or error POST)."""
    global _request_id
    invoke_id = headers.get("lambda-runtime-aws-request-id", "")
    _request_id = invoke_id
    trace_id = headers.get("lambda-runtime-trace-id")
    if trace_id is not None:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)

    error_result = None
    xray_fault = None
    try:
        client_context = headers.get("lambda-runtime-client-context")
        cognito_identity = headers.get("lambda-runtime-cognito-identity")
        context = LambdaContext(
            invoke_id,
            _parse_json_header(json, client_context, "Client Context") if client_context else None,
            _parse_json_header(json, cognito_identity, "Cognito Identity") if cognito_identity else None,
            int(headers.get("lambda-runtime-deadline-ms") or 0),
            headers.get("lambda-runtime-invoked-function-arn"),
            headers.get("lambda-runtime-aws-tenant-id"),
        )
        content_type = headers.get("content-type", "application/json")
        if content_type != "application/json":
            event = body
        elif not body:
            event = {}
        else:
            try:
                event = json.loads(body)
            except Exception as e:
                raise FaultException(FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(str(e)), None)
        response = request_handler(event, context)
        if isinstance(response, bytes):
            result, result_content_type = response, "application/unknown"
        else:
            try:
                result, result_content_type = encoder.encode(response).encode("utf-8"), "application/json"
            except Exception as e:
                raise FaultException(FaultException.MARSHAL_ERROR, "Unable to marshal response: {}".format(str(e)), None)
    except FaultException as e:
        xray_fault = _xray_fault("LambdaValidationError", e.msg, [])
        error_result = make_error(e.msg, e.exception_type, e.trace, invoke_id)
    except Exception as e:
        error_result, xray_fault = _fault_from_exception(e, invoke_id)

    path = "/invocation/%s/" % invoke_id
    if error_result is None:
        return client.request_bytes("POST", path + "response", result, {"Content-Type": result_content_type})
    # No LAMBDA_WARNING line here: AWS's python3.12 log of a handler's exception (LocalStack's
    # recording of TestLambdaDLQ, 2025-11) holds only the [ERROR] record.
    log_error(error_result)
    error_headers = {
        "Content-Type": "application/json",
        "Lambda-Runtime-Function-Error-Type": error_result["errorType"],
    }
    cause = json.dumps(xray_fault)
    if len(cause) < 1024 * 1024:
        error_headers["Lambda-Runtime-Function-XRay-Error-Cause"] = cause
    return client.request_bytes("POST", path + "error", json.dumps(error_result).encode("utf-8"), error_headers)


def _wait_for_debugger(stop_on_init):
    # Debug mode: debugpy listens on a free loopback port and the runtime waits for a client
    # before any user code, so breakpoints in module-scope (init) code bind before it runs.
    import debugpy

    host, port = debugpy.listen(("127.0.0.1", 0))
    sys.stderr.write("Debugpy listening on tcp://%s:%d\n" % (host, port))
    sys.stderr.flush()
    debugpy.wait_for_client()
    if stop_on_init:
        # Pauses here, just before the handler module is imported: Step Into enters it.
        debugpy.breakpoint()


def main():
    try:
        client = RuntimeApiClient(os.environ.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"))
    except (OSError, ValueError):
        _platform_gone()
    handler = os.environ.get("_HANDLER", "")
    if os.environ.pop("_LAMBDA_WORKBENCH_DEBUGPY", None):
        _wait_for_debugger(os.environ.pop("_LAMBDA_WORKBENCH_STOP_ON_INIT", None) == "1")

    # Where function init begins (epoch ms): the platform splits INIT into runtime and function
    # init with it (our own header).
    init_start = {_INIT_START_HEADER: repr(time.time() * 1000)}
    try:
        request_handler = _get_handler(handler)
    except Exception as e:
        if isinstance(e, FaultException):
            error_result = make_error(e.msg, e.exception_type, e.trace)
        else:
            error_result, _ = _fault_from_exception(e)
        import json

        _log_warning(_UNHANDLED_WARNING)
        log_error(error_result)
        try:
            headers = {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error_result["errorType"]}
            headers.update(init_start)
            client.send(client.request_bytes("POST", "/init/error", json.dumps(error_result).encode("utf-8"), headers))
            client.read_response()
        except (OSError, EOFError, ValueError):
            _platform_gone()
        sys.exit(1)

    try:
        client.send(client.request_bytes("GET", "/invocation/next", None, init_start))
    except OSError:
        _platform_gone()
    # Loaded while the platform answers (user code has usually loaded it already).
    import json

    encoder = _make_encoder(json)
    read_response = client.read_response
    send = client.send
    next_request = client.request_bytes("GET", "/invocation/next")
    posted = False
    while True:
        try:
            if posted:
                read_response()  # 202 to the result (a 413 or 400 is the platform's to report)
            status, headers, body = read_response()
        except (OSError, EOFError, ValueError):
            _platform_gone()
        if status != 200:
            _platform_gone()
        out = _invoke(client, json, encoder, request_handler, headers, body)
        try:
            send(out + next_request)
        except OSError:
            _platform_gone()
        posted = True


if __name__ == "__main__":
    main()
