package lambdaworkbench.runtime;

/** One event from /invocation/next, as its headers describe it. */
final class Invocation {
    final String requestId;
    final long deadlineMs;
    final String invokedFunctionArn;
    final String traceId;
    final String clientContext;
    final String cognitoIdentity;
    final String tenantId;
    final byte[] payload;

    Invocation(RuntimeApiClient.Response r) {
        this.requestId = r.header("Lambda-Runtime-Aws-Request-Id");
        long deadline;
        try {
            deadline = Long.parseLong(r.header("Lambda-Runtime-Deadline-Ms"));
        } catch (RuntimeException e) {
            deadline = System.currentTimeMillis() + 3000;
        }
        this.deadlineMs = deadline;
        this.invokedFunctionArn = r.header("Lambda-Runtime-Invoked-Function-Arn");
        this.traceId = r.header("Lambda-Runtime-Trace-Id");
        this.clientContext = r.header("Lambda-Runtime-Client-Context");
        this.cognitoIdentity = r.header("Lambda-Runtime-Cognito-Identity");
        this.tenantId = r.header("Lambda-Runtime-Aws-Tenant-Id");
        this.payload = r.body;
    }
}
