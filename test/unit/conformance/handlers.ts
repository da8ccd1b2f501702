// Python handler lines the conformance tests share: the answer of LocalStack's echo-with-context
// functions, written for our tests (the event, and the context's fields by their Python names).

export const PYTHON_RETURN_EVENT_AND_CONTEXT = [
  '    return {',
  '        "event": event,',
  '        "context": {',
  '            "invoked_function_arn": context.invoked_function_arn,',
  '            "function_version": context.function_version,',
  '            "function_name": context.function_name,',
  '            "memory_limit_in_mb": context.memory_limit_in_mb,',
  '            "aws_request_id": context.aws_request_id,',
  '            "log_group_name": context.log_group_name,',
  '            "log_stream_name": context.log_stream_name,',
  '            "client_context": context.client_context,',
  '        },',
  '    }',
];
