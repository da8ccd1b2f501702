import type { Commands } from '../ctx';

// Redrawing the sidebar's views (their title bar buttons) and opening the Timeline panel, on the
// Ctx's providers.
//
//   lambdaWorkbench.refresh()             → redraws the Functions and Environments views
//   lambdaWorkbench.refreshEvents()       → redraws the Events view
//   lambdaWorkbench.refreshEventSources() → redraws the Event Sources view
//   lambdaWorkbench.showTimeline()        → opens (or reveals) the Timeline panel

export const viewCommands: Commands = {
  refresh: {
    action: 'Refresh',
    make: (ctx) => () => {
      ctx.views.functions.refresh();
      ctx.views.environments.refresh();
    },
  },
  refreshEvents: { action: 'Refresh events', make: (ctx) => () => ctx.views.events.refresh() },
  refreshEventSources: { action: 'Refresh event sources', make: (ctx) => () => ctx.views.eventSources.refresh() },
  showTimeline: {
    action: 'Show timeline',
    make: (ctx) => () => {
      ctx.timeline.show();
    },
  },
};
