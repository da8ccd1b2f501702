// How a long-running command (serve, start-api) learns it should stop.

/** Resolves when the server is asked to stop (Ctrl+C, a kill, or the terminal gone: a VS Code task ended, an SSH session closed), saying it shuts down. */
export async function untilStopped(): Promise<void> {
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.once('SIGHUP', stop);
  });
  process.stderr.write('Shutting down: every environment gets SHUTDOWN…\n');
}
