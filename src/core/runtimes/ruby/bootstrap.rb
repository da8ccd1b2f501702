# frozen_string_literal: true

# Lambda Workbench's Ruby runtime: the program an execution environment spawns for ruby3.* functions
# (`ruby --disable-gems bootstrap.rb`). It speaks the Runtime API (2018-06-01) as AWS's Ruby runtime (the
# aws_lambda_ric gem, which is what runs on Lambda) does -- require the handler file, then
# /next -> handler -> /response | /error -- and mirrors it wherever user code can tell: the handler
# forms (`file.method`, `file.Module::Class.method`), the names it defines at the top level
# (LambdaContext, LambdaHandler, LambdaErrors, AwsLambda::Marshaller, LogFormatter...), the error
# shapes and types (`Function<Class>`, `Init<Class>`), and the logging patches: Kernel#puts and
# Loggers on $stdout / $stderr write framed records to the platform's log fd.
#
# Standard library only. It is on every cold start, so: Ruby starts with --disable-gems and loads
# rubygems when something needs it (below); the Runtime API is spoken over one kept-alive socket with
# HTTP/1.1 written by hand (the result and the next GET /next leave in one write); the libraries AWS's
# runtime has loaded through net/http (~35 ms) are autoloaded on first use.

# rubygems is ~60 ms of a ~100 ms Ruby start, and a function needs it only to find a gem. What a
# default `ruby` loads at boot is loaded here when it is first needed: rubygems on the first mention
# of Gem, or by the first require that fails without it (then tried again with it); did_you_mean and
# error_highlight (~9 ms), which add to the message of a NameError, KeyError or LoadError when it is
# read, when the first such error is raised.
unless defined?(Gem)
  message_hints = TracePoint.new(:raise) do |trace|
    error = trace.raised_exception
    next unless [NameError, KeyError, LoadError].any? { |kind| error.is_a?(kind) } || error.class.name == 'NoMatchingPatternKeyError'

    message_hints.disable
    %w[error_highlight did_you_mean].each do |feature|
      require feature
    rescue LoadError, StandardError
      nil # not in this Ruby, or raised where nothing may be loaded (a trap handler): the error stays as it is
    end
  end
  message_hints.enable
  Object.autoload(:Gem, 'rubygems')
  Object.autoload(:RbConfig, 'rbconfig') unless defined?(RbConfig)

  module Kernel
    alias_method :require_before_rubygems, :require
    private :require_before_rubygems

    def require(path)
      require_before_rubygems(path)
    rescue LoadError => e
      # Only a feature not found (not a LoadError raised while loading it) and only once.
      raise unless Object.autoload?(:Gem) && e.path == path.to_s

      require_before_rubygems('rubygems')
      require(path)
    end
    private :require
  end
end

require 'json'
require 'socket'
require 'logger'
require 'time'
require 'stringio'

$stdout.sync = true

# Lambda runs with LANG=en_US.UTF-8 and that locale installed; a machine without it would leave Ruby
# reading and writing US-ASCII.
if ENV['LANG'].to_s =~ /utf-?8/i && Encoding.default_external != Encoding::UTF_8
  Encoding.default_external = Encoding::UTF_8
end

# AWS's runtime requires net/http, which loads these: code that uses them without a require works
# on Lambda, so it works here too -- loaded when first named rather than on every cold start.
module Net
  %i[HTTP HTTPS HTTPResponse HTTPRequest HTTPGenericRequest HTTPHeader HTTPExceptions Protocol ProtocolError
     ReadTimeout OpenTimeout WriteTimeout BufferedIO InternetMessageIO].each { |name| autoload(name, 'net/http') }

  # The response classes (Net::HTTPSuccess, Net::HTTPNotFound...) are too many to list.
  def self.const_missing(name)
    require 'net/http'
    const_defined?(name, false) ? const_get(name, false) : super
  end
end
{ URI: 'uri', Timeout: 'timeout', Zlib: 'zlib', IPAddr: 'ipaddr', OpenSSL: 'openssl' }.each do |name, feature|
  Object.autoload(name, feature) unless Object.const_defined?(name, false)
end

# -------------------------------------------------------------------------------------------------
# Errors, as AWS's runtime shapes them: {errorMessage, errorType: "Function<Class>", stackTrace}.

module LambdaErrors
  class InvocationError < StandardError; end

  class LambdaError < StandardError
    # The classes AWS names in Lambda-Runtime-Function-Error-Type; others are Function<UserException>.
    NAMED_IN_ERROR_TYPE = %w[ArgumentError NoMethodError Exception StandardError NameError LoadError SystemExit
                             SystemStackError].freeze

    def initialize(original_error, classification = 'Function')
      @error_class = original_error.class.to_s
      @error_type = "#{classification}<#{original_error.class}>"
      @error_message = original_error.message
      @stack_trace = LambdaWorkbench.user_frames(original_error.backtrace_locations)
      super(original_error)
    end

    def runtime_error_type
      NAMED_IN_ERROR_TYPE.include?(@error_class) ? @error_type : 'Function<UserException>'
    end

    def to_lambda_response
      { errorMessage: @error_message, errorType: @error_type, stackTrace: @stack_trace }
    end
  end

  class LambdaHandlerError < LambdaError; end

  class LambdaHandlerCriticalException < LambdaError; end

  class LambdaRuntimeError < LambdaError
    def initialize(original_error)
      super(original_error, 'Runtime')
    end
  end

  class LambdaRuntimeInitError < LambdaError
    def initialize(original_error)
      super(original_error, 'Init')
    end
  end
end

# -------------------------------------------------------------------------------------------------
# The handler: `file.method` (a method defined at the top level of file.rb) or `file.Const.method`
# (a class-level method; Const may be a path, Module::Class). Called with keyword arguments.

class LambdaHandler
  attr_reader :handler_file_name, :handler_method_name

  def initialize(env_handler:)
    parts = env_handler.split('.')
    case parts.size
    when 2 then @handler_file_name, @handler_method_name = parts
    when 3 then @handler_file_name, @handler_class, @handler_method_name = parts
    else
      # AWS's wording, word for word.
      raise ArgumentError, "Invalid handler #{parts}, must be of form FILENAME.METHOD or FILENAME.CLASS.METHOD " \
                           'where FILENAME corresponds with an existing Ruby source file FILENAME.rb, CLASS is an ' \
                           'optional module/class namespace and METHOD is a callable method. If using CLASS, ' \
                           'METHOD must be a class-level method.'
    end
  end

  def call_handler(request:, context:)
    response =
      if @handler_class
        Kernel.const_get(@handler_class).send(@handler_method_name, event: request, context: context)
      else
        # A top-level `def` is a private method of Object, so this object has it.
        __send__(@handler_method_name, event: request, context: context)
      end
    AwsLambda::Marshaller.marshall_response(response)
  rescue NameError => e # NoMethodError included: the runtime stops after answering, as AWS's does
    raise LambdaErrors::LambdaHandlerCriticalException, e
  rescue StandardError => e
    raise LambdaErrors::LambdaHandlerError, e
  rescue Exception => e # rubocop:disable Lint/RescueException -- exit, signals, SystemStackError
    raise LambdaErrors::LambdaHandlerCriticalException, e
  end
end

# What the event and the result become; AWS documents both methods as replaceable by user code.
module AwsLambda
  class Marshaller
    class << self
      def marshall_request(raw_request)
        raw_request['Content-Type'] == 'application/json' ? JSON.parse(raw_request.body) : raw_request.body
      end

      # JSON, except an IO / StringIO, whose contents are the response as they are.
      def marshall_response(method_response)
        case method_response
        when StringIO, IO then [method_response, 'application/unknown']
        else method_response.to_json
        end
      end
    end
  end
end

# -------------------------------------------------------------------------------------------------
# The context object, attribute for attribute as AWS's runtime builds it (identity and
# client_context are the parsed JSON headers, memory_limit_in_mb a string).

class LambdaContext
  attr_reader :aws_request_id, :invoked_function_arn, :log_group_name, :log_stream_name, :function_name,
              :memory_limit_in_mb, :function_version, :identity, :tenant_id, :client_context, :deadline_ms

  def initialize(request)
    @clock_diff = Process.clock_gettime(Process::CLOCK_REALTIME, :millisecond) -
                  Process.clock_gettime(Process::CLOCK_MONOTONIC, :millisecond)
    @deadline_ms = request['Lambda-Runtime-Deadline-Ms'].to_i
    @aws_request_id = request['Lambda-Runtime-Aws-Request-Id']
    @invoked_function_arn = request['Lambda-Runtime-Invoked-Function-Arn']
    @log_group_name = ENV['AWS_LAMBDA_LOG_GROUP_NAME']
    @log_stream_name = ENV['AWS_LAMBDA_LOG_STREAM_NAME']
    @function_name = ENV['AWS_LAMBDA_FUNCTION_NAME']
    @memory_limit_in_mb = ENV['AWS_LAMBDA_FUNCTION_MEMORY_SIZE']
    @function_version = ENV['AWS_LAMBDA_FUNCTION_VERSION']
    identity = request['Lambda-Runtime-Cognito-Identity']
    @identity = JSON.parse(identity) unless identity.to_s.empty?
    tenant_id = request['Lambda-Runtime-Aws-Tenant-Id']
    @tenant_id = tenant_id unless tenant_id.to_s.empty?
    client_context = request['Lambda-Runtime-Client-Context']
    @client_context = JSON.parse(client_context) unless client_context.to_s.empty?
  end

  def get_remaining_time_in_millis # rubocop:disable Naming/AccessorMethodName -- AWS's name
    remaining = @deadline_ms - (Process.clock_gettime(Process::CLOCK_MONOTONIC, :millisecond) + @clock_diff)
    remaining.positive? ? remaining : 0
  end
end

# -------------------------------------------------------------------------------------------------
# Logging. The platform's log fd takes frames (u32 BE type 0xa55a0003, u32 BE length, u64 BE
# timestamp in microseconds, message), so a multi-line record stays one record. Kernel#puts writes
# one frame per call; a Logger on $stdout / $stderr (or nil) writes to the frames in AWS's format:
# `I, [2024-05-01T12:00:00.123456 #42]  INFO <request id> -- progname: message`.

class TelemetryLogSink < Logger::LogDevice
  FRAME_TYPE = [0xa55a0003].pack('L>')

  def initialize(file:) # rubocop:disable Lint/MissingSuper -- a LogDevice only by type, for Logger
    @file = file
    @lock = Mutex.new
  end

  def write(msg)
    return $stdout.write(msg) if @file.nil? || @file.closed?

    data = msg.to_s.b
    now = Process.clock_gettime(Process::CLOCK_REALTIME, :microsecond)
    @lock.synchronize { @file.write(FRAME_TYPE + [data.bytesize, now].pack('L>Q>') + data) }
  end

  def reopen(_log = nil); end

  def close; end
end

class LogFormatter < Logger::Formatter
  FORMAT = '%<sev>s, [%<datetime>s #%<process>d] %<severity>5s %<request_id>s -- %<progname>s: %<msg>s'

  def call(severity, time, progname, msg)
    (FORMAT % { sev: severity[0..0], datetime: format_datetime(time), process: $$, severity: severity,
                request_id: $_global_aws_request_id, progname: progname, msg: msg2str(msg) }).encode!('UTF-8')
  end
end

module LoggerPatch
  # A Logger on $stdout, $stderr or nil logs to the platform in LogFormatter's format (unless given
  # a formatter); on a file or any other IO, it is Ruby's own.
  def initialize(logdev, *args, **options)
    if !logdev || logdev == $stdout || logdev == $stderr
      logdev = AwsLambdaRIC::TelemetryLogger.telemetry_log_sink
      options[:formatter] ||= LogFormatter.new
    end
    super(logdev, *args, **options)
  end
end

class LambdaLogger
  class << self
    def log_error(exception:, message: nil)
      puts message if message
      puts JSON.pretty_unparse(exception.to_lambda_response)
    end
  end
end

module AwsLambdaRIC
  # The platform's log fd (_LAMBDA_TELEMETRY_LOG_FD, consumed): once opened, puts and Loggers write there.
  class TelemetryLogger
    class << self
      attr_accessor :telemetry_log_fd_file, :telemetry_log_sink

      def from_env
        fd = ENV.delete('_LAMBDA_TELEMETRY_LOG_FD')
        return if fd.nil?

        file = IO.new(fd.to_i, 'wb')
        file.sync = true
        self.telemetry_log_fd_file = file
        self.telemetry_log_sink = TelemetryLogSink.new(file: file)
        Logger.prepend(LoggerPatch)
        patch_puts
      rescue Errno::ENOENT, Errno::EBADF, ArgumentError
        nil # no such fd: output stays plain stdout
      end

      def close
        telemetry_log_fd_file&.close
      end

      private

      def patch_puts
        Kernel.module_eval do
          def puts(*args)
            msg = args.flatten.collect { |a| a.to_s.encode('UTF-8') }.join("\n")
            msg += "\n" unless msg.end_with?("\n")
            AwsLambdaRIC::TelemetryLogger.telemetry_log_sink.write(msg)
            nil
          end
        end
      end
    end
  end
end

# The X-Ray cause of an error (Lambda-Runtime-Function-XRay-Error-Cause).
class XRayCause
  MAX_DEPTH = 15

  def initialize(lambda_error)
    @cause = {
      working_directory: Dir.pwd,
      # Gem.paths.path, without loading rubygems for it.
      paths: Object.autoload?(:Gem) ? ENV['GEM_PATH'].to_s.split(File::PATH_SEPARATOR) : Gem.paths.path,
      exceptions: lambda_error ? normalize(lambda_error) : lambda_error
    }
  end

  def as_json
    # ASCII only: it travels as an HTTP header.
    @as_json ||= JSON.generate(@cause, ascii_only: true)
  end

  private

  def normalize(err)
    exception = { message: err[:errorMessage], type: err[:errorType] }
    trace = err[:stackTrace]
    exception[:stack] = trace.first(MAX_DEPTH).map { |t| { path: t.path, line: t.lineno, label: t.label } } if trace
    [exception]
  end
end

# -------------------------------------------------------------------------------------------------
# Our runtime: the Runtime API client and the invoke loop.

module LambdaWorkbench
  BASE = '/2018-06-01/runtime'
  INIT_START_HEADER = 'Lambda-Workbench-Function-Init-Start'
  SELF = File.expand_path(__FILE__)
  MAX_XRAY_CAUSE_BYTES = 1024 * 1024

  # A backtrace as AWS reports it: the first 100 frames, up to (not including) the runtime's own.
  def self.user_frames(locations)
    frames = []
    (locations || []).first(100).each do |location|
      break if location.absolute_path == SELF || location.path == SELF

      frames << location
    end
    frames
  end

  # What GET /next answers, read like the Net::HTTPResponse AWS's runtime gets: headers by
  # case-insensitive name, and the body.
  class RuntimeApiResponse
    attr_reader :code, :body

    def initialize(code, headers, body)
      @code = code
      @headers = headers
      @body = body
    end

    def [](name)
      @headers[name.downcase]
    end

    def to_hash
      @headers.transform_values { |value| [value] }
    end
  end

  # HTTP/1.1 over one kept-alive socket. The platform always answers with Content-Length and
  # handles pipelined requests in order.
  class RuntimeApiClient
    def initialize(address)
      host, _, port = address.rpartition(':')
      @socket = TCPSocket.new(host, Integer(port))
      @socket.setsockopt(Socket::IPPROTO_TCP, Socket::TCP_NODELAY, 1)
      @buffer = String.new(encoding: Encoding::BINARY)
      @common = "Host: #{address}\r\nUser-Agent: aws-lambda-ruby/#{RUBY_VERSION}-lambda-workbench\r\n"
    end

    def request(method, path, body = nil, headers = nil)
      head = +"#{method} #{BASE}#{path} HTTP/1.1\r\n#{@common}"
      headers&.each { |key, value| head << "#{key}: #{value}\r\n" }
      head << "Content-Length: #{body.bytesize}\r\n" if body
      head << "\r\n"
      body ? head.b << body.b : head.b
    end

    def write(data)
      @socket.write(data)
    end

    def read_response
      head_end = @buffer.index("\r\n\r\n")
      until head_end
        fill
        head_end = @buffer.index("\r\n\r\n")
      end
      lines = @buffer.byteslice(0, head_end).force_encoding(Encoding::UTF_8).split("\r\n")
      status = lines.shift.split(' ', 3)[1].to_i
      headers = {}
      lines.each do |line|
        key, value = line.split(':', 2)
        headers[key.strip.downcase] = value.strip if value
      end
      total = head_end + 4 + headers['content-length'].to_i
      fill while @buffer.bytesize < total
      body = @buffer.byteslice(head_end + 4, total - head_end - 4).force_encoding(Encoding::UTF_8)
      @buffer = @buffer.byteslice(total, @buffer.bytesize - total)
      RuntimeApiResponse.new(status, headers, body)
    end

    private

    def fill
      @buffer << @socket.readpartial(65_536)
    end
  end

  # Debug mode: Ruby's debug gem serves DAP on a free loopback port, announcing it on stderr
  # (`DEBUGGER: Debugger can attach via TCP/IP (127.0.0.1:PORT)`), and the runtime waits for a
  # client before any user code, so breakpoints in top-level (init) code bind before it runs.
  # The gem pauses the program when a client connects and again when it attaches (SIGURG, twice;
  # its trap calls the one it replaced once the client lets the program go on). The runtime waits on
  # the `sleep` line until the first pause ends, so the client sees it paused there, just before the
  # handler file is required; the attach's signal, pending until then, finds a trap that ignores it
  # (one pause, not two).
  def self.wait_for_debugger
    require 'debug/session' # a gem: rubygems is loaded on the way (Kernel#require above)
    gem_trap = nil
    previous = trap(:SIGURG) { gem_trap ||= trap(:SIGURG) { nil } }
    DEBUGGER__.open_tcp(host: '127.0.0.1', port: 0, nonstop: true)
    sleep(0.01) until gem_trap
    sleep(0.05) # the attach's signal, if not handled yet
    trap(:SIGURG, gem_trap) # a client's Pause works again
  ensure
    trap(:SIGURG, previous) if previous && !gem_trap
  end

  # The platform is gone (the environment was reset or the engine exited): nothing to report to.
  def self.platform_gone
    $stderr.write("Failed to get next invocation. No Response from endpoint\n")
    exit!(1)
  end

  class Runner
    def initialize(client)
      @client = client
      @exit_code = 0
      @next_request = client.request('GET', '/invocation/next')
    end

    def run(app_root, handler)
      $LOAD_PATH.unshift(app_root) unless $LOAD_PATH.include?(app_root)
      # Where function init begins (epoch ms): the platform splits INIT into runtime and function init.
      @init_start = Process.clock_gettime(Process::CLOCK_REALTIME, :float_millisecond).to_s
      begin
        LambdaWorkbench.wait_for_debugger if ENV.delete('_LAMBDA_WORKBENCH_RDBG')
        @lambda_handler = LambdaHandler.new(env_handler: handler)
        require @lambda_handler.handler_file_name
        start_runtime_loop
      rescue Exception => e # rubocop:disable Lint/RescueException -- LoadError, SyntaxError, exit in init code
        @exit_code = -4
        send_init_error(e)
      ensure
        AwsLambdaRIC::TelemetryLogger.close
      end
      exit(@exit_code)
    end

    private

    def start_runtime_loop
      transmit(@client.request('GET', '/invocation/next', nil, INIT_START_HEADER => @init_start))
      answered = false
      loop do
        receive if answered # the 202 to the previous result (a 413 is the platform's to report)
        raw_request = receive
        LambdaWorkbench.platform_gone unless raw_request.code == 200
        request_id = raw_request['Lambda-Runtime-Aws-Request-Id']
        $_global_aws_request_id = request_id
        trace_id = raw_request['Lambda-Runtime-Trace-Id']
        ENV['_X_AMZN_TRACE_ID'] = trace_id if trace_id
        request = AwsLambda::Marshaller.marshall_request(raw_request)
        break unless run_user_code(request_id, raw_request, request)

        answered = true
      end
    end

    # One invocation; false when the runtime must stop after it (as AWS's does after a critical error).
    def run_user_code(request_id, raw_request, request)
      context = LambdaContext.new(raw_request)
      response, content_type = @lambda_handler.call_handler(request: request, context: context)
      send_response(request_id, response, content_type)
      true
    rescue LambdaErrors::LambdaHandlerError => e
      LambdaLogger.log_error(exception: e, message: 'Error raised from handler method')
      send_error_response(request_id, e, true)
    rescue LambdaErrors::LambdaHandlerCriticalException => e
      LambdaLogger.log_error(exception: e, message: 'Critical exception from handler')
      @exit_code = -1
      send_error_response(request_id, e, false)
    rescue LambdaErrors::LambdaRuntimeError => e
      @exit_code = -2
      send_error_response(request_id, e, false)
    end

    def send_response(request_id, response, content_type)
      begin
        body = content_type == 'application/unknown' ? response.read.to_s : response.to_s
      rescue StandardError => e
        raise LambdaErrors::LambdaRuntimeError, e
      end
      # AWS's runtime leaves a JSON result's content type to its HTTP client; it is JSON.
      headers = { 'Content-Type' => content_type || 'application/json' }
      transmit(@client.request('POST', "/invocation/#{request_id}/response", body, headers) + @next_request)
    end

    # Posts the error; with `continue`, asks for the next event in the same write, else waits for
    # the platform's answer (the runtime then exits).
    def send_error_response(request_id, error, continue)
      error_object = error.to_lambda_response
      headers = { 'Lambda-Runtime-Function-Error-Type' => error.runtime_error_type }
      cause = XRayCause.new(error_object).as_json
      headers['Lambda-Runtime-Function-XRay-Error-Cause'] = cause if cause.bytesize < MAX_XRAY_CAUSE_BYTES
      post = @client.request('POST', "/invocation/#{request_id}/error", error_object.to_json, headers)
      if continue
        transmit(post + @next_request)
        return true
      end

      transmit(post)
      receive
      false
    end

    def send_init_error(err)
      error = LambdaErrors::LambdaRuntimeInitError.new(err)
      # AWS's runtime logs no handler name in this line.
      LambdaLogger.log_error(exception: error, message: 'Init error when loading handler ')
      headers = { 'Lambda-Runtime-Function-Error-Type' => error.runtime_error_type, INIT_START_HEADER => @init_start }
      transmit(@client.request('POST', '/init/error', error.to_lambda_response.to_json, headers))
      receive
    end

    def transmit(data)
      @client.write(data)
    rescue SystemCallError, IOError
      LambdaWorkbench.platform_gone
    end

    def receive
      @client.read_response
    rescue SystemCallError, IOError
      LambdaWorkbench.platform_gone
    rescue SignalException
      exit!(0) # SHUTDOWN while waiting for an event
    end
  end

  def self.main
    AwsLambdaRIC::TelemetryLogger.from_env
    handler = ENV['_HANDLER']
    if handler.nil?
      puts 'No handler specified, exiting Runtime Interface Client.'
      exit
    end
    address = ENV.fetch('AWS_LAMBDA_RUNTIME_API') do
      puts 'Failed to get runtime server address from AWS_LAMBDA_RUNTIME_API env variable'
      exit(-2)
    end
    client =
      begin
        RuntimeApiClient.new(address)
      rescue SystemCallError, ArgumentError, SocketError
        platform_gone
      end
    Runner.new(client).run(Dir.pwd, handler)
  end
end

LambdaWorkbench.main if $PROGRAM_NAME == __FILE__
