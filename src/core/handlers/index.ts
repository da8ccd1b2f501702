// Where a function's handler is written and whether it exists (the extension's Open Handler, the
// language server's go to definition and diagnostics).
export { checkHandler, SourceCache } from './handlerCheck';
export { resolveHandlerSource } from './handlerSource';
