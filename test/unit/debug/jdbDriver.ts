import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

// The JDK's command-line debugger (jdb) attached to a JVM's JDWP agent, driven through its stdin and
// stdout as `expect` would: commands written, text waited for. Every wait has a hard limit and the
// process is killed at the end, so a failure never hangs a test.

export class JdbDriver {
  private readonly process: ChildProcessWithoutNullStreams;
  /** Everything jdb wrote (stdout and stderr), in order. */
  transcript = '';
  /** Where the next wait starts reading: text already matched is not matched again. */
  private cursor = 0;
  private exited = false;
  private readonly listeners = new Set<() => void>();

  constructor(jdb: string, host: string, port: number) {
    this.process = spawn(jdb, ['-attach', `${host}:${port}`], { stdio: 'pipe' });
    const append = (chunk: Buffer) => {
      this.transcript += chunk.toString('utf8');
      for (const listener of this.listeners) listener();
    };
    this.process.stdout.on('data', append);
    this.process.stderr.on('data', append);
    this.process.on('exit', () => {
      this.exited = true;
      for (const listener of this.listeners) listener();
    });
  }

  send(command: string): void {
    this.process.stdin.write(`${command}\n`);
  }

  /** Waits for `pattern` in what jdb writes after the previous match; resolves with the match. */
  expect(pattern: RegExp, timeoutMs = 20000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(this.transcript.slice(this.cursor));
        if (match) {
          this.cursor += match.index + match[0].length;
          done();
          resolve(match);
        } else if (this.exited) {
          done();
          reject(new Error(`jdb exited before ${pattern} appeared:\n${this.transcript}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${pattern} from jdb:\n${this.transcript}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Detaches (the JVM goes on) and makes sure jdb is gone. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((r) => this.process.once('exit', () => r()));
    this.process.stdin.end('quit\n');
    const killer = setTimeout(() => this.process.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(killer);
  }
}
