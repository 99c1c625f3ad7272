/**
 * The frame every Google widget shares: its own on/off switch, then the access states (connect,
 * reconnect after expiry, permission needed after a partial grant), loading, errors with what to
 * do, and the content. Data is fetched once per grant; Refresh fetches again on request.
 */
import { INTEGRATION_NAMES, whileShown, type App, type PageLifetime } from '../app.js';
import type { Integration } from '../api/types.js';
import { ScopeDeniedError } from '../google/access.js';
import { PopupError } from '../google/gis.js';
import { bearerCall, GoogleApiError, type Call } from '../google/http.js';
import { TokenResponseError } from '../google/ledger.js';
import { entryFor, READ_FEATURE, type Feature } from '../google/scopes.js';
import { errorBox, h, loading, mount } from '../ui/dom.js';

export interface WidgetSpec<T> {
  readonly integration: Integration;
  readonly description: string;
  load(call: Call): Promise<T>;
  render(data: T, tools: WidgetTools): Node;
}

export interface WidgetTools {
  /** Reloads the widget's data. */
  refresh(): void;
  /** Calls Google with the current token (for searches and pickers inside the widget). */
  call: Call;
  /**
   * Runs `action` with a call for `feature`, asking Google for the feature's scope first if the
   * token lacks it (from a click only). Errors come back as a message to show.
   */
  withFeature<R>(feature: Feature, action: (call: Call) => Promise<R>): Promise<R>;
}

/** Google's errors and popup outcomes as one sentence that says what to do next; anything else stays generic. */
export function messageFor(error: unknown): string {
  const known =
    error instanceof ScopeDeniedError ||
    error instanceof PopupError ||
    error instanceof TokenResponseError ||
    error instanceof GoogleApiError;
  return known ? error.message : 'Something went wrong. Try again, or reload the page.';
}

export function mountWidget<T>(app: App, lifetime: PageLifetime, spec: WidgetSpec<T>): HTMLElement {
  const name = INTEGRATION_NAMES[spec.integration];
  const feature = READ_FEATURE[spec.integration];
  const body = h('div', { class: 'widget-body', 'aria-live': 'polite' });
  const toggle = h('input', { type: 'checkbox', role: 'switch', id: `toggle-${spec.integration}`, class: 'switch' });
  const section = h(
    'section',
    { class: 'widget', 'aria-labelledby': `title-${spec.integration}`, 'data-widget': spec.integration },
    h(
      'header',
      {},
      h('h2', { id: `title-${spec.integration}` }, name),
      h('label', { class: 'switch-label', for: `toggle-${spec.integration}` }, toggle, h('span', {}, `Show ${name}`)),
    ),
    body,
  );

  let data: { value: T } | undefined;
  let failure: string | undefined;
  let busy = false;
  /** The content on screen was rendered from `data` (forms in it keep their state while it stays). */
  let showingData = false;

  const call = (): Call => {
    const access = app.access.access(feature);
    if (access.kind !== 'granted')
      throw new GoogleApiError('expired', 0, undefined, 'Your Google connection ended. Click "Connect Google" to continue.');
    return guarded(access.token.accessToken);
  };
  const guarded = (accessToken: string): Call => {
    const inner = bearerCall(accessToken);
    return async (request) => {
      try {
        return await inner(request);
      } catch (error) {
        if (error instanceof GoogleApiError && error.kind === 'expired') app.access.invalidate(accessToken);
        throw error;
      }
    };
  };

  const load = async () => {
    const access = app.access.access(feature);
    if (access.kind !== 'granted' || busy) return;
    busy = true;
    failure = undefined;
    render();
    try {
      data = { value: await spec.load(call()) };
    } catch (error) {
      data = undefined;
      failure = messageFor(error);
    } finally {
      busy = false;
      render();
    }
  };

  const connect = async () => {
    failure = undefined;
    try {
      // One popup for every widget the user turned on: the grant covers them all.
      await app.access.ensure(app.prefs.on().map((i) => READ_FEATURE[i]));
    } catch (error) {
      failure = messageFor(error);
      render();
    }
  };

  const tools: WidgetTools = {
    refresh: () => void load(),
    call: async (request) => call()(request),
    async withFeature(extra, action) {
      const token = await app.access.ensure([extra]);
      return action(guarded(token.accessToken));
    },
  };

  function render(): void {
    showingData = false;
    toggle.checked = app.prefs.isOn(spec.integration);
    if (!toggle.checked) {
      data = undefined;
      return mount(
        body,
        h('p', { class: 'muted' }, spec.description),
        h('p', { class: 'muted' }, `Turn on ${name} to connect it. You will be asked for one permission: ${entryFor(feature).label}.`),
      );
    }
    if (busy) return mount(body, loading(`Loading ${name}…`));
    const access = app.access.access(feature);
    if (access.kind !== 'granted') {
      data = undefined;
      const problem = failure ?? app.access.loadError;
      const why = problem ? errorBox(problem) : undefined;
      if (access.kind === 'missing-scope') {
        return mount(
          body,
          why,
          h(
            'div',
            { class: 'notice', 'data-state': 'permission-needed' },
            h('p', {}, h('strong', {}, 'Permission needed. '), entryFor(feature).reason),
            h('button', { type: 'button', onclick: () => void connect() }, `Grant access to ${name}`),
          ),
        );
      }
      const label = access.kind === 'expired' ? 'Reconnect Google' : 'Connect Google';
      const text = access.kind === 'expired' ? 'Your Google connection expired.' : `Connect your Google account to see ${name}.`;
      return mount(
        body,
        why,
        h(
          'div',
          { class: 'notice', 'data-state': access.kind },
          h('p', {}, text),
          h('button', { type: 'button', disabled: !app.access.ready, onclick: () => void connect() }, label),
        ),
      );
    }
    if (failure) {
      return mount(body, errorBox(failure, h('button', { type: 'button', onclick: () => void load() }, 'Try again')));
    }
    if (!data) {
      mount(body, loading(`Loading ${name}…`));
      return void load();
    }
    mount(body, spec.render(data.value, tools));
    showingData = true;
    performance.mark(`wb:widget:${spec.integration}`);
  }

  toggle.addEventListener('change', () => {
    app.prefs.set(spec.integration, toggle.checked);
    // The switch is the user's gesture: ask for this widget's scope right away.
    if (toggle.checked && app.access.access(feature).kind !== 'granted') void connect();
  });

  const update = () => {
    const granted = app.access.access(feature).kind === 'granted';
    if (!granted && data) data = undefined;
    // The token grew (a broader scope for an action): what is on screen stays, open forms included.
    if (granted && showingData && data && app.prefs.isOn(spec.integration)) return;
    if (granted && app.prefs.isOn(spec.integration) && !data && !busy && !failure) void load();
    else render();
  };
  whileShown(lifetime, app.access.subscribe(update), app.prefs.subscribe(update));
  update();
  return section;
}
