/*
 * Flowmeter's built-in overview page. It reads the JSON API only (the same answers /openapi.json documents), in this
 * browser, with the token the user types when the server asks for one; the token stays in this tab's session
 * storage. Views: the overview (#/, with #/gates and #/services jumping to its sections), a service
 * (#/service/<name>), one change (#/service/<name>/change/<id>) and one deployment
 * (#/service/<name>/deployment/<id>). Each view refreshes itself every 30 seconds while the tab is visible.
 *
 * Every figure shown is a <data> element whose value attribute is the API's number itself (or empty when the API
 * says null), and whose text is that number made readable; so what is shown can be checked against the API exactly.
 */
(function () {
    'use strict';

    const REFRESH_MILLIS = 30000;
    const RETRY_MILLIS = 5000;
    const TREND_WEEKS = 12;
    const RECENT_DEPLOYMENTS = 15;
    const DEPLOYMENTS_WITH_CONTENTS = 10;
    const TOKEN_KEY = 'flowmeter.apiToken';
    const NO_VALUE = '\u2013';

    const auth = meta('flowmeter-auth');
    const grafana = meta('flowmeter-grafana');
    const main = document.getElementById('main');
    const status = document.getElementById('status');

    /** What survives a refresh: the services table's sort and filter. */
    const state = { sortKey: 'service', sortAscending: true, filter: '' };
    /** Measured in this browser, for the page's own performance check (docs/performance.md). */
    const timings = {};
    window.flowmeterTimings = timings;

    let refreshTimer = null;
    /** The charts on the page now: destroyed before a view replaces them, so refreshes leave nothing behind. */
    let plots = [];
    /** Service to team, from the last services answer. */
    let lastServices = null;
    let renderedRoute = null;
    let generation = 0;

    function meta(name) {
        const element = document.querySelector('meta[name="' + name + '"]');
        return element ? element.getAttribute('content') : '';
    }

    // ---- building the page (no innerHTML: every text goes in as text) ----

    function el(tag, attributes, ...children) {
        const element = document.createElement(tag);
        for (const [name, value] of Object.entries(attributes || {})) {
            if (value === null || value === undefined || value === false) {
                continue;
            }
            if (name.startsWith('on')) {
                element.addEventListener(name.substring(2), value);
            } else if (name === 'className') {
                element.className = value;
            } else {
                element.setAttribute(name, value === true ? '' : String(value));
            }
        }
        append(element, children);
        return element;
    }

    function append(element, children) {
        for (const child of children.flat(Infinity)) {
            if (child === null || child === undefined || child === false) {
                continue;
            }
            element.append(child instanceof Node ? child : document.createTextNode(String(child)));
        }
        return element;
    }

    function replaceMain(...nodes) {
        plots.forEach((plot) => plot.destroy());
        plots = [];
        main.replaceChildren(...nodes);
    }

    // ---- how numbers read ----

    function one(x) {
        return Math.abs(x) >= 100 ? String(Math.round(x)) : String(Math.round(x * 10) / 10);
    }

    function durationText(seconds) {
        if (seconds < 60) {
            return Math.round(seconds) + ' s';
        }
        if (seconds < 3600) {
            return Math.round(seconds / 60) + ' min';
        }
        if (seconds < 172800) {
            return one(seconds / 3600) + ' h';
        }
        return one(seconds / 86400) + ' d';
    }

    function percentText(rate) {
        return one(rate * 100) + ' %';
    }

    /** A figure: the API's number as the value, readable text for people; null shows as a dash. */
    function figure(value, format, name) {
        if (value === null || value === undefined) {
            return el('data', { value: '', className: 'figure', 'data-name': name }, NO_VALUE);
        }
        return el('data', { value: String(value), className: 'figure', 'data-name': name }, format(value));
    }

    function timeText(iso) {
        if (!iso) {
            return NO_VALUE;
        }
        return iso.substring(0, 16).replace('T', ' ') + ' UTC';
    }

    function time(iso) {
        return iso ? el('time', { datetime: iso }, timeText(iso)) : NO_VALUE;
    }

    const BANDS = {
        elite: { label: 'Elite', bars: 4 },
        high: { label: 'High', bars: 3 },
        medium: { label: 'Medium', bars: 2 },
        low: { label: 'Low', bars: 1 },
    };

    /** A DORA band in words, with bars and a colour for a quick look: never the colour alone. */
    function band(value) {
        const known = BANDS[value];
        if (!known) {
            return el('span', { className: 'band band-none', 'data-band': '' }, 'no band');
        }
        const bars = '\u25AE'.repeat(known.bars) + '\u25AF'.repeat(4 - known.bars);
        return el('span', { className: 'band band-' + value, 'data-band': value },
            el('span', { className: 'band-bars', 'aria-hidden': 'true' }, bars), ' ', known.label);
    }

    /** A short forecast: its p50 and p85 as times, or why there is none. */
    function forecastText(f) {
        if (!f) {
            return NO_VALUE;
        }
        if (f.status === 'forecast') {
            return el('span', { className: 'forecast', 'data-forecast': f.status },
                'p50 ', time(f.p50), ', p85 ', time(f.p85));
        }
        if (f.status === 'in-production') {
            return el('span', { className: 'forecast', 'data-forecast': f.status }, 'in production');
        }
        const label = f.status === 'too-little-history' ? 'too little history: ' : 'none: ';
        return el('span', { className: 'forecast', 'data-forecast': f.status }, label + (f.reason || ''));
    }

    function shortSha(sha) {
        return sha ? sha.substring(0, 10) : NO_VALUE;
    }

    // ---- addresses ----

    function servicePath(service) {
        return '/api/v1/services/' + service.split('/').map(encodeURIComponent).join('/');
    }

    function serviceHref(service) {
        return '#/service/' + encodeURIComponent(service);
    }

    function changeHref(service, change) {
        return serviceHref(service) + '/change/' + encodeURIComponent(change);
    }

    function deploymentHref(service, id) {
        return serviceHref(service) + '/deployment/' + encodeURIComponent(id);
    }

    function workHref(service, item) {
        return serviceHref(service) + '/work/' + encodeURIComponent(item);
    }

    function grafanaHref(dashboard, variables) {
        const query = Object.entries(variables || {})
            .map(([name, value]) => 'var-' + name + '=' + encodeURIComponent(value)).join('&');
        return grafana + '/d/' + dashboard + (query ? '?' + query : '');
    }

    function grafanaLinks(variables) {
        if (!grafana) {
            return null;
        }
        const dashboards = [
            ['flowmeter-delivery', 'Delivery overview'],
            ['flowmeter-value-stream', 'Value stream'],
            ['flowmeter-gates', 'Gates and waiting'],
            ['flowmeter-stalled', 'Stalled now'],
        ];
        return el('p', { className: 'grafana' }, 'In Grafana: ',
            dashboards.map(([uid, title], i) => [i > 0 ? ' \u00B7 ' : null,
                el('a', { href: grafanaHref(uid, variables), rel: 'noreferrer', target: '_blank' }, title)]));
    }

    // ---- reading the API ----

    class ApiError extends Error {
        constructor(status, problem, path) {
            super((problem && (problem.detail || problem.title)) || ('HTTP ' + status + ' from ' + path));
            this.status = status;
        }
    }

    async function api(path) {
        const headers = { Accept: 'application/json' };
        const token = sessionStorage.getItem(TOKEN_KEY);
        if (token) {
            headers.Authorization = 'Bearer ' + token;
        }
        const response = await fetch(path, { headers: headers, cache: 'no-store' });
        if (!response.ok) {
            let problem = null;
            try {
                problem = await response.json();
            } catch (e) {
                problem = null;
            }
            throw new ApiError(response.status, problem, path);
        }
        return response.json();
    }

    /** An answer whose 404 means "nothing there" rather than a failure. */
    async function apiOrNull(path) {
        try {
            return await api(path);
        } catch (e) {
            if (e instanceof ApiError && e.status === 404) {
                return null;
            }
            throw e;
        }
    }

    // ---- the token prompt ----

    function showTokenPrompt(message) {
        stopRefresh();
        renderedRoute = null;
        const input = el('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'current-password',
            required: true, 'aria-describedby': 'token-help' });
        const form = el('form', { className: 'token-form', 'aria-labelledby': 'token-title',
            onsubmit: (event) => {
                event.preventDefault();
                sessionStorage.setItem(TOKEN_KEY, input.value.trim());
                show();
            } },
        el('h1', { id: 'token-title', tabindex: '-1' }, 'This Flowmeter asks for an API token'),
        message ? el('p', { className: 'problem', role: 'alert' }, message) : null,
        el('p', { id: 'token-help' }, 'Its reads need the value of FLOWMETER_API_TOKEN. The token stays in this'
            + ' browser tab only, and is forgotten when the tab closes.'),
        // Password managers file a secret under a user name; this one has none of its own.
        el('input', { type: 'text', name: 'username', value: 'flowmeter-api', autocomplete: 'username',
            className: 'visually-hidden', tabindex: '-1', 'aria-hidden': 'true', readonly: true }),
        el('label', { for: 'token' }, 'API token'), ' ', input, ' ',
        el('button', { type: 'submit' }, 'Show the numbers'));
        replaceMain(form);
        status.textContent = '';
        input.focus();
    }

    // ---- routing and refreshing ----

    function parseRoute() {
        const hash = location.hash.replace(/^#/, '') || '/';
        const parts = hash.split('/').filter((part) => part.length > 0).map(decodeURIComponent);
        if (parts[0] === 'service' && parts.length >= 2) {
            if (parts[2] === 'change' && parts.length === 4) {
                return { view: 'change', service: parts[1], change: parts[3] };
            }
            if (parts[2] === 'deployment' && parts.length === 4) {
                return { view: 'deployment', service: parts[1], deployment: parts[3] };
            }
            if (parts[2] === 'work' && parts.length === 4) {
                return { view: 'work', service: parts[1], item: parts[3] };
            }
            return { view: 'service', service: parts[1] };
        }
        return { view: 'overview', section: parts[0] || null };
    }

    function stopRefresh() {
        if (refreshTimer !== null) {
            clearTimeout(refreshTimer);
            refreshTimer = null;
        }
    }

    function schedule(millis) {
        stopRefresh();
        refreshTimer = setTimeout(() => {
            if (document.hidden) {
                schedule(millis);
            } else {
                show();
            }
        }, millis);
    }

    /** Renders the current route; a refresh of the same view keeps the focus and the scroll where they were. */
    async function show() {
        if (auth === 'bearer' && !sessionStorage.getItem(TOKEN_KEY)) {
            showTokenPrompt(null);
            return;
        }
        const route = parseRoute();
        const key = location.hash || '#/';
        const refresh = renderedRoute === key;
        const mine = ++generation;
        stopRefresh();
        if (!refresh) {
            status.textContent = 'Loading\u2026';
        }
        try {
            const started = performance.now();
            const view = await render(route);
            if (mine !== generation) {
                return;
            }
            const focusKey = document.activeElement && document.activeElement.dataset
                ? document.activeElement.dataset.focus : null;
            replaceMain(view.content);
            // From the last answer to the page painted: building, charts, layout (the requests are apart).
            const answeredAt = view.answeredAt || started;
            timings.lastViewRequestsMillis = answeredAt - started;
            afterPaint(() => {
                const painted = performance.now();
                timings.lastViewPaintedMillis = painted - started;
                timings.lastViewRenderMillis = painted - answeredAt;
                timings.views = (timings.views || 0) + 1;
            });
            if (view.after) {
                view.after();
            }
            renderedRoute = key;
            if (refresh && focusKey) {
                const again = main.querySelector('[data-focus="' + CSS.escape(focusKey) + '"]');
                if (again) {
                    again.focus();
                }
            } else if (!refresh) {
                focusView(route);
            }
            status.textContent = 'Updated ' + new Date().toISOString().substring(11, 19) + ' UTC; refreshes every '
                + (REFRESH_MILLIS / 1000) + ' s' + (view.partial ? '. Partial: ' + view.partial : '');
            schedule(REFRESH_MILLIS);
        } catch (e) {
            if (mine !== generation) {
                return;
            }
            if (e instanceof ApiError && e.status === 401) {
                sessionStorage.removeItem(TOKEN_KEY);
                showTokenPrompt('The server refused that token. Check FLOWMETER_API_TOKEN and type it again.');
                return;
            }
            if (e instanceof ApiError && e.status === 503) {
                status.textContent = 'Flowmeter cannot answer yet (starting, restoring or moving partitions);'
                    + ' trying again in ' + (RETRY_MILLIS / 1000) + ' s.';
                schedule(RETRY_MILLIS);
                return;
            }
            replaceMain(el('h1', { tabindex: '-1' }, 'Something went wrong'),
                el('p', { className: 'problem', role: 'alert' }, e.message),
                el('p', {}, el('a', { href: '#/' }, 'Back to the overview')));
            status.textContent = '';
            schedule(REFRESH_MILLIS);
        }
    }

    function focusView(route) {
        if (route.view === 'overview' && route.section) {
            const section = document.getElementById(route.section);
            if (section) {
                section.scrollIntoView();
                section.focus({ preventScroll: true });
                return;
            }
        }
        window.scrollTo(0, 0);
        const heading = main.querySelector('h1');
        if (heading) {
            heading.focus({ preventScroll: true });
        }
    }

    function render(route) {
        switch (route.view) {
        case 'service':
            return serviceView(route.service);
        case 'change':
            return changeView(route.service, route.change);
        case 'deployment':
            return deploymentView(route.service, route.deployment);
        case 'work':
            return workView(route.service, route.item);
        default:
            return overviewView();
        }
    }

    function partialText(answers) {
        const partial = answers.filter((answer) => answer && answer.partial);
        if (partial.length === 0) {
            return null;
        }
        const p = partial[0].partitions;
        return p.answered + ' of ' + p.total + ' partitions answered; some services may be missing.';
    }

    /** Runs {@code then} once the browser has laid out and painted what was just built. */
    function afterPaint(then) {
        requestAnimationFrame(() => setTimeout(then, 0));
    }

    // ---- the four keys, with their trends ----

    const KEYS = [
        { key: 'deploymentFrequency', title: 'Deployment frequency', unit: 'deployments a week',
            value: (dora) => dora.deploymentFrequency.perDay * 7, format: one,
            point: (p) => p.deployments, band: (dora) => dora.deploymentFrequency.band },
        { key: 'leadTime', title: 'Lead time for changes', unit: 'median',
            value: (dora) => dora.leadTime.medianSeconds, format: durationText,
            point: (p) => p.leadTimeMedianSeconds, band: (dora) => dora.leadTime.band },
        { key: 'changeFailureRate', title: 'Change failure rate', unit: 'of production deployments',
            value: (dora) => dora.changeFailureRate.rate, format: percentText,
            point: (p) => p.changeFailureRate, band: (dora) => dora.changeFailureRate.band },
        { key: 'recoveryTime', title: 'Failed deployment recovery time', unit: 'median',
            value: (dora) => dora.recoveryTime.medianSeconds, format: durationText,
            point: (p) => p.recoveryMedianSeconds, band: (dora) => dora.recoveryTime.band },
    ];

    function keysTable(caption, rows) {
        const charts = [];
        const head = el('tr', {}, el('th', { scope: 'col' }, 'Scope'),
            KEYS.map((k) => el('th', { scope: 'col' }, k.title, el('span', { className: 'unit' }, k.unit))));
        const body = rows.map((row) => el('tr', { 'data-scope': row.scope },
            el('th', { scope: 'row' }, row.href ? el('a', { href: row.href, 'data-focus': 'scope-' + row.scope },
                row.label) : row.label, row.services !== undefined
                ? el('span', { className: 'unit' }, row.services + (row.services === 1 ? ' service' : ' services'))
                : null),
            KEYS.map((k) => {
                const chart = el('div', { className: 'spark' });
                charts.push({ container: chart, key: k, trend: row.trend, scope: row.label });
                return el('td', { 'data-key': k.key, 'data-title': k.title },
                    el('div', { className: 'key' }, figure(k.value(row.dora), k.format, k.key), ' ',
                        band(k.band(row.dora))),
                    chart);
            })));
        const table = el('table', { className: 'keys' },
            el('caption', {}, caption), el('thead', {}, head), el('tbody', {}, body));
        return { table: scroller(table, caption), after: () => charts.forEach(drawTrend) };
    }

    /** A 12-week trend: a small line chart, described in words for screen readers. */
    function drawTrend(chart) {
        const points = chart.trend ? chart.trend.points : [];
        const xs = points.map((p) => Date.parse(p.to) / 1000);
        const ys = points.map((p) => {
            const value = chart.key.point(p);
            return value === null || value === undefined ? null : value;
        });
        const words = ys.map((y) => (y === null ? 'no data' : chart.key.format(y))).join(', ');
        chart.container.setAttribute('role', 'img');
        chart.container.setAttribute('aria-label', chart.key.title + ' of ' + chart.scope + ', week by week over'
            + ' the last ' + points.length + ' weeks: ' + words);
        chart.container.setAttribute('title', words);
        chart.container.dataset.points = JSON.stringify(ys);
        if (points.length === 0 || typeof uPlot === 'undefined') {
            return;
        }
        const options = {
            width: 132,
            height: 36,
            legend: { show: false },
            cursor: { show: false },
            select: { show: false },
            // From zero (every key is a count, a duration or a rate), with room for the points at the edges.
            scales: { x: { time: true, range: (u, min, max) => {
                const pad = Math.max((max - min) * 0.04, 1);
                return [min - pad, max + pad];
            } }, y: { range: (u, min, max) => {
                const low = Math.min(0, min);
                const high = max > low ? max : low + 1;
                return [low - (high - low) * 0.12, high + (high - low) * 0.12];
            } } },
            axes: [{ show: false }, { show: false }],
            series: [{}, { stroke: '#1f5fa8', width: 1.5, points: { show: true, size: 3 }, spanGaps: false }],
        };
        // uPlot draws on a canvas inside the container; the words above are what assistive technology reads.
        plots.push(new uPlot(options, [xs, ys], chart.container));
    }

    function scroller(table, label) {
        return el('div', { className: 'scroll', role: 'region', 'aria-label': label, tabindex: '0' }, table);
    }

    // ---- the overview ----

    async function overviewView() {
        const [organisation, organisationTrend, services, gates] = await Promise.all([
            api('/api/v1/dora'),
            apiOrNull('/api/v1/dora/trend?weeks=' + TREND_WEEKS),
            api('/api/v1/services'),
            api('/api/v1/gates?status=waiting'),
        ]);
        remember(services);
        const teams = [...new Set(services.services.map((s) => s.team).filter((team) => team))].sort();
        const teamAnswers = await Promise.all(teams.map((team) => Promise.all([
            apiOrNull('/api/v1/dora?team=' + encodeURIComponent(team)),
            apiOrNull('/api/v1/dora/trend?weeks=' + TREND_WEEKS + '&team=' + encodeURIComponent(team)),
        ])));
        const answeredAt = performance.now();
        const rows = [{ scope: 'organisation', label: 'Organisation', services: organisation.services,
            dora: organisation, trend: organisationTrend }];
        teams.forEach((team, i) => {
            const [dora, trend] = teamAnswers[i];
            if (dora) {
                rows.push({ scope: 'team:' + team, label: team, services: dora.services, dora: dora, trend: trend });
            }
        });
        const keys = keysTable('The four keys over the last 30 days, with each week of the last ' + TREND_WEEKS
            + ' weeks', rows);
        const content = el('div', {},
            el('h1', { tabindex: '-1' }, 'Delivery overview'),
            grafanaLinks({}),
            el('section', { id: 'keys', 'aria-labelledby': 'keys-title', tabindex: '-1' },
                el('h2', { id: 'keys-title' }, 'The four keys'),
                keys.table),
            gatesSection(gates),
            servicesSection(services));
        return { content: content, after: keys.after, answeredAt: answeredAt,
            partial: partialText([organisation, services, gates].concat(teamAnswers.map((a) => a[0]))) };
    }

    function gatesSection(gates) {
        const stalled = gates.items.filter((item) => item.stalled).length;
        const rows = gates.items.map((item) => el('tr', {
            className: item.stalled ? 'stalled' : null, 'data-service': item.service, 'data-gate': item.gate,
            'data-item': item.item },
        el('td', {}, el('a', { href: serviceHref(item.service) }, item.service)),
        el('td', {}, item.gate),
        el('td', {}, item.gate === 'code-review'
            ? el('a', { href: changeHref(item.service, item.item) }, '#' + item.item) : item.item),
        el('td', {}, time(item.since)),
        el('td', {}, figure(item.ageSeconds, durationText, 'age')),
        el('td', {}, item.limitSeconds === null ? 'no limit' : figure(item.limitSeconds, durationText, 'limit')),
        el('td', { className: 'state' }, item.stalled
            ? el('strong', {}, el('span', { 'aria-hidden': 'true' }, '\u26A0 '), 'Stalled')
            : 'Waiting')));
        const summary = gates.items.length === 0 ? 'Nothing is waiting at a gate.'
            : gates.items.length + (gates.items.length === 1 ? ' item waits' : ' items wait') + ', ' + stalled
                + ' of them past their gate\u2019s limit (stalled). Oldest first.'
                + (gates.truncated ? ' Only the oldest are listed.' : '');
        const table = el('table', { className: 'gates' },
            el('caption', {}, 'Waiting at gates now'),
            el('thead', {}, el('tr', {}, ['Service', 'Gate', 'Item', 'Waiting since', 'Waiting for', 'Limit',
                'State'].map((title) => el('th', { scope: 'col' }, title)))),
            el('tbody', {}, rows));
        return el('section', { id: 'gates', 'aria-labelledby': 'gates-title', tabindex: '-1' },
            el('h2', { id: 'gates-title' }, 'Waiting at gates'),
            el('p', { 'data-summary': 'gates' }, summary),
            gates.items.length === 0 ? null : scroller(table, 'Waiting at gates now'));
    }

    const SERVICE_COLUMNS = [
        { key: 'service', title: 'Service', value: (s) => s.service, text: true },
        { key: 'team', title: 'Team', value: (s) => s.team, text: true },
        { key: 'deploymentsPerWeek', title: 'Deploys per week', value: (s) => s.keys.deploymentsPerWeek,
            format: one },
        { key: 'leadTimeMedianSeconds', title: 'Median lead time', value: (s) => s.keys.leadTimeMedianSeconds,
            format: durationText },
        { key: 'changeFailureRate', title: 'Change failure rate', value: (s) => s.keys.changeFailureRate,
            format: percentText },
        { key: 'recoveryMedianSeconds', title: 'Median recovery time',
            value: (s) => s.keys.recoveryMedianSeconds, format: durationText },
        { key: 'batchSizeMedian', title: 'Median batch size', value: (s) => s.keys.batchSizeMedian,
            format: one },
        { key: 'lastDeployment', title: 'Last deployment',
            value: (s) => (s.lastDeployment ? s.lastDeployment.time : null), text: true },
    ];

    const collator = new Intl.Collator('en');

    function compareBy(column, ascending) {
        return (a, b) => {
            const x = column.value(a);
            const y = column.value(b);
            if (x === null || x === undefined) {
                return y === null || y === undefined ? collator.compare(a.service, b.service) : 1;
            }
            if (y === null || y === undefined) {
                return -1;
            }
            const order = column.text ? collator.compare(String(x), String(y)) : x - y;
            return (ascending ? order : -order) || collator.compare(a.service, b.service);
        };
    }

    function serviceRow(s) {
        return el('tr', { 'data-service': s.service },
            el('th', { scope: 'row' }, el('a', { href: serviceHref(s.service) }, s.service)),
            el('td', {}, s.team || NO_VALUE),
            SERVICE_COLUMNS.slice(2, 7).map((column) => el('td', { 'data-key': column.key },
                figure(column.value(s), column.format, column.key))),
            el('td', {}, s.lastDeployment ? [time(s.lastDeployment.time),
                s.lastDeployment.status === 'failure' ? ' (failed)' : null] : NO_VALUE));
    }

    function servicesSection(services) {
        const tbody = el('tbody', {});
        const count = el('p', { 'data-summary': 'services', 'aria-live': 'polite' });
        const headers = SERVICE_COLUMNS.map((column) => el('th', { scope: 'col', 'data-column': column.key }));
        const list = services.services;
        // Each row is built once per answer; sorting and filtering only move them.
        const built = performance.now();
        const rows = new Map(list.map((s) => [s, serviceRow(s)]));
        const buildMillis = performance.now() - built;

        function fill() {
            const started = performance.now();
            const column = SERVICE_COLUMNS.find((c) => c.key === state.sortKey) || SERVICE_COLUMNS[0];
            const filter = state.filter.trim().toLowerCase();
            const shown = list.filter((s) => !filter || s.service.toLowerCase().includes(filter)
                || (s.team || '').toLowerCase().includes(filter)).sort(compareBy(column, state.sortAscending));
            const fragment = document.createDocumentFragment();
            shown.forEach((s) => fragment.append(rows.get(s)));
            tbody.replaceChildren(fragment);
            headers.forEach((th, i) => {
                const c = SERVICE_COLUMNS[i];
                const sorted = c.key === column.key;
                th.setAttribute('aria-sort', sorted ? (state.sortAscending ? 'ascending' : 'descending') : 'none');
                th.replaceChildren(el('button', { type: 'button', className: 'sort', 'data-focus': 'sort-' + c.key,
                    onclick: () => {
                        if (state.sortKey === c.key) {
                            state.sortAscending = !state.sortAscending;
                        } else {
                            state.sortKey = c.key;
                            state.sortAscending = true;
                        }
                        const sortStarted = performance.now();
                        fill();
                        timings.sortScriptMillis = performance.now() - sortStarted;
                        afterPaint(() => {
                            timings.sortMillis = performance.now() - sortStarted;
                            timings.sorts = (timings.sorts || 0) + 1;
                        });
                    } },
                c.title, el('span', { className: 'sort-mark', 'aria-hidden': 'true' },
                    sorted ? (state.sortAscending ? ' \u25B2' : ' \u25BC') : '')));
            });
            count.textContent = shown.length === list.length
                ? list.length + (list.length === 1 ? ' service' : ' services') + ', last 30 days.'
                : shown.length + ' of ' + list.length + ' services match \u201C' + state.filter + '\u201D.';
            timings.servicesRows = shown.length;
            timings.servicesTableMillis = buildMillis + performance.now() - started;
        }

        const filterInput = el('input', { id: 'service-filter', type: 'search', value: state.filter,
            'data-focus': 'service-filter', autocomplete: 'off',
            oninput: (event) => {
                state.filter = event.target.value;
                fill();
            } });
        fill();
        const table = el('table', { className: 'services' },
            el('caption', {}, 'Services, last 30 days (sort by any column)'),
            el('thead', {}, el('tr', {}, headers)), tbody);
        return el('section', { id: 'services', 'aria-labelledby': 'services-title', tabindex: '-1' },
            el('h2', { id: 'services-title' }, 'Services'),
            el('p', { className: 'filter' }, el('label', { for: 'service-filter' }, 'Filter by service or team'),
                ' ', filterInput),
            count,
            scroller(table, 'Services'));
    }

    // ---- one service ----

    async function serviceView(service) {
        const path = servicePath(service);
        const [dora, trend, pending, deployments] = await Promise.all([
            apiOrNull('/api/v1/dora?service=' + encodeURIComponent(service)),
            apiOrNull('/api/v1/dora/trend?weeks=' + TREND_WEEKS + '&service=' + encodeURIComponent(service)),
            api(path + '/pending?environment=production'),
            apiOrNull(path + '/deployments'),
        ]);
        const recent = deployments ? deployments.deployments.slice(0, RECENT_DEPLOYMENTS) : [];
        const contents = await Promise.all(recent.slice(0, DEPLOYMENTS_WITH_CONTENTS)
            .map((d) => apiOrNull(path + '/deployments/' + encodeURIComponent(d.id))));
        const team = await teamOf(service);
        const keys = dora ? keysTable('The four keys of ' + service + ' over the last 30 days, with each week of'
            + ' the last ' + TREND_WEEKS + ' weeks', [{ scope: 'service:' + service, label: service,
            dora: dora, trend: trend }]) : null;
        const content = el('div', {},
            el('p', { className: 'crumbs' }, el('a', { href: '#/' }, 'Overview'), ' \u203A ', service),
            el('h1', { tabindex: '-1' }, service),
            el('p', {}, team ? ['Team ', el('strong', {}, team), '.'] : 'No team (see FLOWMETER_TEAMS).'),
            grafanaLinks({ service: service }),
            el('section', { 'aria-labelledby': 'service-keys' },
                el('h2', { id: 'service-keys' }, 'The four keys'),
                keys ? keys.table : el('p', {}, 'No deployment or incident of this service yet.')),
            pendingSection(service, pending),
            workSection('next-work-title', 'Work in the next release', pending, service,
                'The next production deployment will deliver', 'No work item is named by what waits.'),
            deploymentsSection(service, recent, contents, deployments));
        return { content: content, after: keys ? keys.after : null };
    }

    /** A service's team, from the overview's last answer when there is one (teams change rarely), else asked. */
    async function teamOf(service) {
        if (!lastServices || !lastServices.has(service)) {
            remember(await api('/api/v1/services'));
        }
        return lastServices.get(service) || null;
    }

    function remember(services) {
        lastServices = new Map(services.services.map((s) => [s.service, s.team]));
    }

    function pendingSection(service, pending) {
        const changes = pending.changes.map((c) => el('tr', { 'data-change': c.change },
            el('th', { scope: 'row' }, el('a', { href: changeHref(service, c.change) }, '#' + c.change)),
            el('td', {}, c.title || NO_VALUE),
            el('td', {}, c.where),
            el('td', {}, time(c.mergedAt)),
            el('td', {}, figure(c.ageSeconds, durationText, 'age'))));
        const loose = pending.commits.filter((c) => c.changes.length === 0);
        const commits = loose.map((c) => el('tr', { 'data-sha': c.sha },
            el('th', { scope: 'row' }, el('code', {}, shortSha(c.sha))),
            el('td', {}, c.where),
            el('td', {}, time(c.readyAt)),
            el('td', {}, figure(c.ageSeconds, durationText, 'age'))));
        const summary = pending.changes.length === 0 && loose.length === 0
            ? 'Nothing waits to reach production: everything merged is there.'
            : pending.changes.length + (pending.changes.length === 1 ? ' change' : ' changes')
                + (loose.length ? ' and ' + loose.length + (loose.length === 1 ? ' commit' : ' commits')
                    + ' outside any change' : '') + ' will ship with the next production deployment.';
        return el('section', { 'aria-labelledby': 'pending-title' },
            el('h2', { id: 'pending-title' }, 'Ships next to production'),
            el('p', { 'data-summary': 'pending' }, summary),
            pending.forecast && (pending.changes.length > 0 || loose.length > 0)
                ? el('p', { 'data-summary': 'pending-forecast' }, 'All of it in production by: ',
                    forecastText(pending.forecast), '.') : null,
            changes.length === 0 ? null : scroller(el('table', { className: 'pending' },
                el('caption', {}, 'Changes not in production yet'),
                el('thead', {}, el('tr', {}, ['Change', 'Title', 'Where it is', 'Merged', 'Ready for'].map((t) =>
                    el('th', { scope: 'col' }, t)))),
                el('tbody', {}, changes)), 'Changes not in production yet'),
            commits.length === 0 ? null : scroller(el('table', { className: 'pending-commits' },
                el('caption', {}, 'Commits outside any change'),
                el('thead', {}, el('tr', {}, ['Commit', 'Where it is', 'Ready since', 'Ready for'].map((t) =>
                    el('th', { scope: 'col' }, t)))),
                el('tbody', {}, commits)), 'Commits outside any change'));
    }

    /** The work items a pending set or a deployment carries: the API's summary sentence and a table. */
    function workSection(id, title, answer, service, lead, empty) {
        const rows = answer.workItems.map((w) => el('tr', { 'data-item': w.item },
            el('th', { scope: 'row' }, el('a', { href: workHref(w.service || service, w.item) }, w.item)),
            el('td', {}, w.kind || 'not described by a tracker'),
            el('td', {}, w.title || NO_VALUE),
            el('td', {}, w.status || NO_VALUE)));
        return el('section', { 'aria-labelledby': id },
            el('h2', { id: id }, title),
            el('p', { 'data-summary': 'work' }, rows.length === 0 ? empty : lead + ' ' + answer.workSummary + '.'),
            rows.length === 0 ? null : scroller(el('table', { className: 'work' },
                el('caption', {}, title),
                el('thead', {}, el('tr', {}, ['Item', 'Kind', 'Title', 'Status'].map((t) =>
                    el('th', { scope: 'col' }, t)))),
                el('tbody', {}, rows)), title));
    }

    function outcome(d) {
        if (d.status === 'success' && !d.failure) {
            return d.rollback ? 'Rollback' : 'Succeeded';
        }
        const reason = d.failure ? ' (' + d.failure + ')' : '';
        return el('strong', {}, el('span', { 'aria-hidden': 'true' }, '\u2716 '), 'Failed' + reason);
    }

    function shipped(service, d, contents) {
        if (contents && contents.changes.length > 0) {
            return el('ul', { className: 'shipped' }, contents.changes.map((c) => el('li', {},
                el('a', { href: changeHref(service, c.change) }, '#' + c.change), ' ', c.title || '')));
        }
        const count = d.commits.length;
        return count === 0 ? 'nothing new' : count + (count === 1 ? ' commit' : ' commits');
    }

    function deploymentsSection(service, recent, contents, deployments) {
        const rows = recent.map((d, i) => el('tr', { 'data-deployment': d.id },
            el('td', {}, el('a', { href: deploymentHref(service, d.id) }, time(d.time))),
            el('td', {}, d.environment),
            el('td', {}, outcome(d)),
            el('td', {}, figure(d.batchSize, one, 'batchSize')),
            el('td', {}, shipped(service, d, contents[i]))));
        const more = deployments && deployments.deployments.length > recent.length
            ? ' The ' + recent.length + ' latest of ' + deployments.deployments.length + ' in the last 30 days.' : '';
        return el('section', { 'aria-labelledby': 'deployments-title' },
            el('h2', { id: 'deployments-title' }, 'Recent deployments'),
            rows.length === 0 ? el('p', {}, 'No deployment in the last 30 days.')
                : [el('p', {}, 'Newest first; batch size counts the commits a production deployment shipped first.'
                    + more),
                scroller(el('table', { className: 'deployments' },
                    el('caption', {}, 'Deployments of ' + service),
                    el('thead', {}, el('tr', {}, ['When', 'Environment', 'Outcome', 'Batch size', 'What it shipped']
                        .map((t) => el('th', { scope: 'col' }, t)))),
                    el('tbody', {}, rows)), 'Deployments of ' + service)]);
    }

    // ---- one change ----

    async function changeView(service, change) {
        const c = await apiOrNull(servicePath(service) + '/changes/' + encodeURIComponent(change));
        const crumbs = el('p', { className: 'crumbs' }, el('a', { href: '#/' }, 'Overview'), ' \u203A ',
            el('a', { href: serviceHref(service) }, service), ' \u203A ', 'change #' + change);
        if (!c) {
            return { content: el('div', {}, crumbs, el('h1', { tabindex: '-1' }, 'Change #' + change),
                el('p', {}, 'Flowmeter has heard nothing of this change of ' + service + '.')) };
        }
        const facts = [
            ['Status', c.status], ['Where it is', c.now], ['Target branch', c.target || NO_VALUE],
            ['First commit', time(c.firstCommitAt)], ['Opened', time(c.openedAt)],
            ['First review', time(c.reviewedAt)], ['Merged', time(c.mergedAt)],
            ['In production', time(c.productionAt)],
            ['Forecast to production', forecastText(c.forecast)],
            ['Cycle time', figure(c.cycleTimeSeconds, durationText, 'cycleTime')],
            ['Flow efficiency', figure(c.flowEfficiency, percentText, 'flowEfficiency')],
        ];
        const stages = Object.entries(c.stages).map(([stage, seconds]) => el('tr', { 'data-stage': stage },
            el('th', { scope: 'row' }, stage), el('td', {}, figure(seconds, durationText, 'seconds'))));
        const gates = c.gates.map((g) => el('tr', { 'data-gate': g.gate },
            el('th', { scope: 'row' }, g.gate), el('td', {}, g.item), el('td', {}, time(g.queuedAt)),
            el('td', {}, time(g.startedAt)), el('td', {}, time(g.finishedAt)), el('td', {}, g.outcome || 'waiting')));
        const environments = c.environments.map((e) => el('tr', {},
            el('th', { scope: 'row' }, e.environment), el('td', {}, time(e.at)),
            el('td', {}, e.deployment ? el('a', { href: deploymentHref(service, e.deployment) }, e.deployment)
                : NO_VALUE), el('td', {}, e.production ? 'yes' : 'no')));
        const content = el('div', {}, crumbs,
            el('h1', { tabindex: '-1' }, 'Change #' + c.change + (c.title ? ': ' + c.title : '')),
            c.url ? el('p', {}, el('a', { href: c.url, rel: 'noreferrer' }, 'Open it where it lives')) : null,
            el('dl', { className: 'facts' }, facts.map(([term, value]) => [el('dt', {}, term), el('dd', {}, value)])),
            el('section', { 'aria-labelledby': 'timeline-title' },
                el('h2', { id: 'timeline-title' }, 'Timeline'),
                el('ol', { className: 'timeline' }, c.timeline.map((entry) => el('li', {},
                    time(entry.at), ' ', el('span', { className: 'what' }, entry.what))))),
            tableSection('Time in each stage', ['Stage', 'Time'], stages),
            tableSection('Gates', ['Gate', 'Item', 'Queued', 'Started', 'Finished', 'Outcome'], gates),
            tableSection('Environments reached', ['Environment', 'When', 'Deployment', 'Production'], environments));
        return { content: content };
    }

    function tableSection(title, columns, rows) {
        if (rows.length === 0) {
            return null;
        }
        return el('section', {}, el('h2', {}, title), scroller(el('table', {},
            el('caption', { className: 'visually-hidden' }, title),
            el('thead', {}, el('tr', {}, columns.map((t) => el('th', { scope: 'col' }, t)))),
            el('tbody', {}, rows)), title));
    }

    // ---- one deployment ----

    async function deploymentView(service, id) {
        const d = await apiOrNull(servicePath(service) + '/deployments/' + encodeURIComponent(id));
        const crumbs = el('p', { className: 'crumbs' }, el('a', { href: '#/' }, 'Overview'), ' \u203A ',
            el('a', { href: serviceHref(service) }, service), ' \u203A ', 'deployment ' + id);
        if (!d) {
            return { content: el('div', {}, crumbs, el('h1', { tabindex: '-1' }, 'Deployment ' + id),
                el('p', {}, 'Flowmeter has heard nothing of this deployment of ' + service + '.')) };
        }
        const commits = d.commits.map((c) => el('tr', { 'data-sha': c.sha },
            el('th', { scope: 'row' }, el('code', {}, shortSha(c.sha))), el('td', {}, time(c.committedAt)),
            el('td', {}, figure(c.leadTimeSeconds, durationText, 'leadTime')),
            el('td', {}, c.changes.map((change, i) => [i > 0 ? ', ' : null,
                el('a', { href: changeHref(service, change) }, '#' + change)]))));
        const content = el('div', {}, crumbs,
            el('h1', { tabindex: '-1' }, 'Deployment ' + d.id),
            el('p', {}, 'To ', el('strong', {}, d.environment), ' at ', time(d.time), ': ',
                d.status === 'success' ? 'succeeded' : 'failed', d.rollback ? ' (a rollback)' : '', '.'),
            el('section', { 'aria-labelledby': 'changes-title' },
                el('h2', { id: 'changes-title' }, 'Changes it shipped'),
                d.changes.length === 0 ? el('p', {}, 'No change: its commits came without a pull or merge request.')
                    : el('ul', { className: 'shipped' }, d.changes.map((c) => el('li', {},
                        el('a', { href: changeHref(service, c.change) }, '#' + c.change), ' ', c.title || '')))),
            workSection('delivered-work-title', 'Work it delivered', d, service, 'It delivered',
                'No work item is named by what it shipped.'),
            tableSection('Commits it shipped first', ['Commit', 'Committed', 'Lead time', 'Changes'], commits));
        return { content: content };
    }

    // ---- one work item ----

    async function workView(service, item) {
        const query = item.startsWith('#') ? '?service=' + encodeURIComponent(service) : '';
        const w = await apiOrNull('/api/v1/work/' + encodeURIComponent(item) + query);
        const crumbs = el('p', { className: 'crumbs' }, el('a', { href: '#/' }, 'Overview'), ' \u203A ',
            el('a', { href: serviceHref(service) }, service), ' \u203A ', 'work item ' + item);
        if (!w) {
            return { content: el('div', {}, crumbs, el('h1', { tabindex: '-1' }, 'Work item ' + item),
                el('p', {}, 'No tracker has told Flowmeter about ' + item + ' (Jira, GitHub or GitLab issues).')) };
        }
        const facts = [
            ['Kind', w.kind], ['Status', w.status], ['Where it is', w.now], ['Release', w.release || NO_VALUE],
            ['Created', time(w.createdAt)], ['Started', time(w.startedAt)], ['Done', time(w.doneAt)],
            ['In production', time(w.productionAt)],
            ['Forecast to production', forecastText(w.forecast)],
            ['Flow time', figure(w.flowTimeSeconds, durationText, 'flowTime')],
            ['Lead time', figure(w.leadTimeSeconds, durationText, 'leadTime')],
            ['Flow efficiency', figure(w.flowEfficiency, percentText, 'flowEfficiency')],
        ];
        const changes = w.changes.map((c) => el('tr', { 'data-change': c.change },
            el('th', { scope: 'row' }, el('a', { href: changeHref(c.service, c.change) }, '#' + c.change)),
            el('td', {}, c.title || NO_VALUE), el('td', {}, c.now),
            ['coding', 'pickup', 'review', 'deploy'].map((stage) => el('td', {},
                figure(c.stages[stage], durationText, stage)))));
        const environments = w.environments.map((e) => el('tr', { 'data-environment': e.environment },
            el('th', { scope: 'row' }, e.environment), el('td', {}, time(e.firstAt)), el('td', {}, time(e.allAt)),
            el('td', {}, e.production ? 'yes' : 'no')));
        const content = el('div', {}, crumbs,
            el('h1', { tabindex: '-1' }, w.item + (w.title ? ': ' + w.title : '')),
            w.url ? el('p', {}, el('a', { href: w.url, rel: 'noreferrer' }, 'Open it in its tracker')) : null,
            el('dl', { className: 'facts' }, facts.map(([term, value]) => [el('dt', {}, term), el('dd', {}, value)])),
            el('section', { 'aria-labelledby': 'timeline-title' },
                el('h2', { id: 'timeline-title' }, 'Timeline'),
                el('ol', { className: 'timeline' }, w.timeline.map((entry) => el('li', {},
                    time(entry.at), ' ', el('span', { className: 'what' }, entry.what))))),
            tableSection('Changes that carry it', ['Change', 'Title', 'Where it is', 'Coding', 'Pickup', 'Review',
                'Deploy'], changes),
            tableSection('Environments its commits reached', ['Environment', 'First commit', 'All its commits',
                'Production'], environments));
        return { content: content, partial: w.partial ? 'some of its code could not be read.' : null };
    }

    // ---- start ----

    if (grafana) {
        const item = document.getElementById('grafana-link');
        item.querySelector('a').setAttribute('href', grafanaHref('flowmeter-delivery', {}));
        item.hidden = false;
    }
    window.addEventListener('hashchange', () => {
        renderedRoute = null;
        show();
    });
    document.addEventListener('visibilitychange', () => {
        if (!document.hidden && renderedRoute !== null && refreshTimer === null) {
            show();
        }
    });
    show();
}());
