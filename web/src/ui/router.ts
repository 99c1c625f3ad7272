/** History-API routing over a small table of path patterns; links marked data-route stay in the app. */
export interface RouteMatch {
  readonly name: string;
  readonly params: Readonly<Record<string, string>>;
}

const ROUTES: ReadonlyArray<readonly [string, RegExp]> = [
  ['home', /^\/$/],
  ['people', /^\/people\/?$/],
  ['person', /^\/people\/([^/]+)$/],
  ['groups', /^\/groups\/?$/],
  ['group', /^\/groups\/([^/]+)$/],
  ['org', /^\/org(?:\/([^/]+))?\/?$/],
  ['settings', /^\/settings\/?$/],
  ['admin', /^\/admin\/?$/],
];

export function match(path: string): RouteMatch {
  for (const [name, pattern] of ROUTES) {
    const found = pattern.exec(path);
    if (found) return { name, params: found[1] ? { id: decodeURIComponent(found[1]) } : {} };
  }
  return { name: 'not-found', params: {} };
}

export function startRouter(render: (route: RouteMatch) => void): void {
  const go = (path: string) => {
    history.pushState(null, '', path);
    render(match(location.pathname));
  };
  document.addEventListener('click', (event) => {
    const anchor = (event.target as Element | null)?.closest?.('a[data-route]');
    if (!(anchor instanceof HTMLAnchorElement) || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    go(anchor.pathname + anchor.search);
  });
  addEventListener('popstate', () => render(match(location.pathname)));
  render(match(location.pathname));
}
