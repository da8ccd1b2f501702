import * as vscode from 'vscode';
import type { Commands, Ctx } from '../ctx';
import { apiActions, awsCliExample } from '../sourcesModel';
import type { Engine } from '../workbenchHost';
import { currentEngine } from './commandSupport';

// The local Lambda API's commands, on the Ctx's LocalApi (localApi.ts, which documents them):
// start, stop, and the quick pick behind the status bar item.

/** `engine` given as an Engine or as a node / target carrying one. */
function engineArg(value: unknown): Engine | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if ('workbench' in value && 'templateFile' in value) return value as Engine;
  if ('engine' in value) return engineArg((value as { engine: unknown }).engine);
  return undefined;
}

async function startApi(ctx: Ctx, target?: unknown, options?: unknown): Promise<string | undefined> {
  const given = engineArg(target);
  const engine = given ? currentEngine(ctx.host, given) : await ctx.host.pickEngine();
  if (!engine) return undefined;
  const port = options && typeof options === 'object' && !Array.isArray(options) ? (options as { port?: number }).port : undefined;
  const url = await ctx.localApi.start(engine, port);
  void vscode.window.showInformationMessage(`Lambda: the local API of ${engine.label} is listening on ${url}`, 'Copy URL').then((button) => {
    if (button) void vscode.env.clipboard.writeText(url);
  });
  return url;
}

async function stopApi(ctx: Ctx, target?: unknown): Promise<number> {
  const given = engineArg(target);
  const engine = given && currentEngine(ctx.host, given);
  const stopped = await ctx.localApi.stop(engine);
  if (stopped > 0) void vscode.window.setStatusBarMessage(`$(debug-stop) Lambda: local API stopped`, 4000);
  return stopped;
}

async function pickApiAction(ctx: Ctx): Promise<void> {
  const { host, localApi } = ctx;
  await host.start();
  const servers = localApi.servers();
  const actions = apiActions({ serving: servers.map((s) => ({ label: s.engine.label, url: s.url })), engines: host.engines().length });
  const picked = await vscode.window.showQuickPick(
    actions.map((a) => ({ label: a.label, detail: a.detail, id: a.id })),
    { placeHolder: localApi.status().tooltip.split('\n')[0] },
  );
  if (!picked) return;
  const pickServer = async () => {
    if (servers.length <= 1) return servers[0];
    const chosen = await vscode.window.showQuickPick(servers.map((s) => ({ label: s.engine.label, description: s.url, server: s })));
    return chosen?.server;
  };
  switch (picked.id) {
    case 'start': {
      const idle = host.engines().filter((e) => !servers.some((s) => s.engine.templateFile === e.templateFile));
      const engine =
        idle.length === 1
          ? idle[0]
          : (
              await vscode.window.showQuickPick(
                idle.map((e) => ({ label: e.label, description: e.templateFile, engine: e })),
                { placeHolder: 'Serve which project?' },
              )
            )?.engine;
      // Through the command, so a failure is reported as Start Local API's.
      if (engine) await vscode.commands.executeCommand('lambdaWorkbench.startApi', engine);
      return;
    }
    case 'stop': {
      const server = await pickServer();
      if (server) await stopApi(ctx, server.engine);
      return;
    }
    case 'copyUrl': {
      const server = await pickServer();
      if (server) await vscode.env.clipboard.writeText(server.url);
      return;
    }
    case 'copyCliExample': {
      const server = await pickServer();
      if (server) await vscode.env.clipboard.writeText(awsCliExample(server.url, server.engine.workbench.functions()[0]?.functionName ?? 'MyFunction'));
      return;
    }
    case 'showOutput':
      host.output.show(true);
      return;
  }
}

export const localApiCommands: Commands = {
  startApi: { action: 'Start Local API', make: (ctx) => (target?: unknown, options?: unknown) => startApi(ctx, target, options) },
  stopApi: { action: 'Stop Local API', make: (ctx) => (target?: unknown) => stopApi(ctx, target) },
  apiActions: { action: 'Local API', make: (ctx) => () => pickApiAction(ctx) },
};
