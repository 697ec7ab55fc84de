// Pure logic shared by the extension and its unit tests.
//
// This module must not import `vscode`: it maps the user's `factcheck.*`
// settings to the options object the factcheck-ls server expects, and
// resolves which server binary to run. Everything it needs from the outside
// world (settings, file existence, environment) is passed in as parameters.

import * as path from 'node:path';

/** Diagnostic kinds whose severity can be overridden from the settings. */
export const SEVERITY_KINDS = [
	'figure-mismatch',
	'figure-imprecise',
	'figure-unsourced',
	'figure-outdated',
	'sources-disagree',
	'quote-mismatch',
	'quote-unsourced',
	'quote-misattributed',
	'quote-paraphrased',
	'quote-wording',
	'citation-unsupported',
] as const;

export type SeverityKind = (typeof SEVERITY_KINDS)[number];

/** Severity values the server understands ("default" means: send nothing). */
export const SEVERITY_VALUES = ['error', 'warning', 'information', 'hint', 'off'] as const;

export type SeverityValue = (typeof SEVERITY_VALUES)[number];

export const CITATION_STYLES = ['footnote', 'pandoc'] as const;

export type CitationStyle = (typeof CITATION_STYLES)[number];

/** The options object sent as `initializationOptions` and in `workspace/didChangeConfiguration`. */
export interface ServerOptionsPayload {
	corpus?: { paths: string[] };
	severity?: Partial<Record<SeverityKind, SeverityValue>>;
	citation_style?: CitationStyle;
	unsourced_figures?: boolean;
}

/**
 * Reads one setting below the `factcheck` section, e.g. `get('corpus.paths')`.
 * In the extension this is `workspace.getConfiguration('factcheck').get`.
 */
export type SettingGetter = (key: string) => unknown;

/** Turns a plain object (as in the tests) into a getter; keys are relative to `factcheck.`. */
export function getterFromObject(settings: Record<string, unknown>): SettingGetter {
	return (key) => settings[key];
}

function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
	return typeof value === 'string' && (values as readonly string[]).includes(value);
}

/** Cleans up `factcheck.corpus.paths`: strings only, trimmed, empty ones dropped. */
export function corpusPaths(value: unknown): string[] {
	if (!Array.isArray(value)) {
		return [];
	}
	const paths: string[] = [];
	for (const entry of value) {
		if (typeof entry !== 'string') {
			continue;
		}
		const trimmed = entry.trim();
		if (trimmed !== '') {
			paths.push(trimmed);
		}
	}
	return paths;
}

/**
 * Maps the `factcheck.*` settings to the server's options object. Keys whose
 * setting is "default" (or empty, or invalid) are omitted so the server and
 * its `factcheck.toml` decide.
 */
export function buildServerOptions(get: SettingGetter): ServerOptionsPayload {
	const options: ServerOptionsPayload = {};

	const paths = corpusPaths(get('corpus.paths'));
	if (paths.length > 0) {
		options.corpus = { paths };
	}

	const severity: Partial<Record<SeverityKind, SeverityValue>> = {};
	for (const kind of SEVERITY_KINDS) {
		const value = get(`severity.${kind}`);
		if (isOneOf(SEVERITY_VALUES, value)) {
			severity[kind] = value;
		}
	}
	if (Object.keys(severity).length > 0) {
		options.severity = severity;
	}

	const citationStyle = get('citationStyle');
	if (isOneOf(CITATION_STYLES, citationStyle)) {
		options.citation_style = citationStyle;
	}

	const unsourced = get('unsourcedFigures');
	if (unsourced === 'show') {
		options.unsourced_figures = true;
	} else if (unsourced === 'hide') {
		options.unsourced_figures = false;
	}

	return options;
}

/** Name of the server binary (without extension) looked up in the package and on PATH. */
export const SERVER_NAME = 'factcheck-ls';

export interface ResolveServerInput {
	/** Value of `factcheck.server.path` (may be empty/undefined). */
	configured: unknown;
	/** File-system path of the first workspace folder, if any. */
	workspaceFolder?: string;
	/** File-system path of the installed extension (its `server/` folder may hold a bundled binary). */
	extensionPath: string;
	/** `fs.existsSync`-like check. */
	exists: (file: string) => boolean;
	/** Defaults to `process.platform`. */
	platform?: NodeJS.Platform;
	/** Defaults to `os.homedir()` semantics; required to expand `~`. */
	homedir?: string;
	/** Environment used for the PATH lookup; defaults to `process.env`. */
	env?: Record<string, string | undefined>;
}

export type ServerSource = 'setting' | 'bundled' | 'path';

export interface ServerResolution {
	/** Where the command came from. */
	source: ServerSource;
	/** Absolute path of the binary to run, or undefined if it was not found. */
	command: string | undefined;
	/** What was looked for: the resolved setting value, the bundled path, or the bare name for PATH. */
	wanted: string;
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
	return platform === 'win32' ? path.win32 : path.posix;
}

/** Expands a leading `~` (alone, or followed by a path separator) to `homedir`. */
export function expandHome(value: string, homedir: string | undefined, platform: NodeJS.Platform): string {
	if (homedir === undefined || homedir === '' || !value.startsWith('~')) {
		return value;
	}
	if (value === '~') {
		return homedir;
	}
	const next = value[1];
	if (next === '/' || (platform === 'win32' && next === '\\')) {
		return pathApi(platform).join(homedir, value.slice(2));
	}
	// `~user/...` is not supported; leave it as it is.
	return value;
}

/**
 * Searches `PATH` for `name` like a shell would (on Windows also trying each
 * `PATHEXT` extension). Returns the first existing candidate.
 */
export function findOnPath(
	name: string,
	env: Record<string, string | undefined>,
	exists: (file: string) => boolean,
	platform: NodeJS.Platform = process.platform,
): string | undefined {
	const p = pathApi(platform);
	const isWindows = platform === 'win32';
	// Windows environment variable names are case-insensitive.
	const lookup = (key: string): string | undefined => {
		if (!isWindows) {
			return env[key];
		}
		const match = Object.keys(env).find((k) => k.toUpperCase() === key);
		return match === undefined ? undefined : env[match];
	};
	const dirs = (lookup('PATH') ?? '').split(isWindows ? ';' : ':').filter((d) => d.trim() !== '');
	let names = [name];
	if (isWindows && p.extname(name) === '') {
		const exts = (lookup('PATHEXT') ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e !== '');
		names = exts.map((ext) => name + ext.toLowerCase());
	}
	for (const rawDir of dirs) {
		// Windows PATH entries may be quoted.
		const dir = isWindows ? rawDir.replace(/^"(.*)"$/, '$1') : rawDir;
		for (const candidate of names) {
			const full = p.join(dir, candidate);
			if (exists(full)) {
				return full;
			}
		}
	}
	return undefined;
}

/**
 * Decides which server binary to run:
 *  1. `factcheck.server.path` if set (leading `~` expanded, relative paths
 *     resolved against the first workspace folder; a bare name that is not
 *     found there is also looked up on PATH);
 *  2. the binary bundled in the extension's `server/` folder, if present;
 *  3. `factcheck-ls` found on PATH.
 * `command` is undefined when the chosen candidate does not exist.
 */
export function resolveServerPath(input: ResolveServerInput): ServerResolution {
	const platform = input.platform ?? process.platform;
	const p = pathApi(platform);
	const exeName = platform === 'win32' ? `${SERVER_NAME}.exe` : SERVER_NAME;
	const configured = typeof input.configured === 'string' ? input.configured.trim() : '';

	if (configured !== '') {
		let wanted = expandHome(configured, input.homedir, platform);
		if (!p.isAbsolute(wanted)) {
			const base = input.workspaceFolder;
			wanted = base !== undefined && base !== '' ? p.resolve(base, wanted) : p.resolve(wanted);
		}
		if (input.exists(wanted)) {
			return { source: 'setting', command: wanted, wanted };
		}
		// A bare name such as `factcheck-ls-dev` that is not in the workspace
		// folder is also looked up on PATH, as a shell would.
		if (!configured.startsWith('~') && !/[\\/]/.test(configured)) {
			const found = findOnPath(configured, input.env ?? process.env, input.exists, platform);
			if (found !== undefined) {
				return { source: 'setting', command: found, wanted };
			}
		}
		return { source: 'setting', command: undefined, wanted };
	}

	const bundled = p.join(input.extensionPath, 'server', exeName);
	if (input.exists(bundled)) {
		return { source: 'bundled', command: bundled, wanted: bundled };
	}

	const found = findOnPath(SERVER_NAME, input.env ?? process.env, input.exists, platform);
	return { source: 'path', command: found, wanted: SERVER_NAME };
}

const INSTALL_HINT = 'Install it (cargo install --path . in the factcheck-ls repository) or set factcheck.server.path.';

/** The one-line message shown when the server binary cannot be found. */
export function serverNotFoundMessage(resolution: ServerResolution): string {
	switch (resolution.source) {
		case 'setting':
			return (
				`Factcheck: cannot start the language server: \`${resolution.wanted}\` ` +
				'(from factcheck.server.path) was not found. Fix factcheck.server.path, or clear it to use factcheck-ls from PATH.'
			);
		case 'bundled':
			return `Factcheck: cannot start the language server: the bundled \`${resolution.wanted}\` was not found. ${INSTALL_HINT}`;
		case 'path':
		default:
			return `Factcheck: cannot start the language server: \`${SERVER_NAME}\` was not found. ${INSTALL_HINT}`;
	}
}

/**
 * The one-line message shown when the binary exists but the server does not
 * come up. `error` may be an Error, a string (vscode-languageclient rejects
 * with strings in places) or anything else; only its first line is kept, so
 * no stack trace reaches the notification.
 */
export function serverStartFailedMessage(command: string, error: unknown): string {
	let reason: string;
	if (error instanceof Error) {
		reason = error.message;
	} else if (typeof error === 'string') {
		reason = error;
	} else if (error !== null && typeof error === 'object' && 'message' in error && typeof error.message === 'string') {
		reason = error.message;
	} else {
		reason = '';
	}
	reason = (reason.split(/\r?\n/).find((line) => line.trim() !== '') ?? '').trim();
	const code = /\b(EACCES|EPERM|ENOENT|ENOEXEC|ENOTDIR|EISDIR)\b/.exec(reason)?.[1];
	if (code === 'EACCES' || code === 'EPERM') {
		reason = 'permission denied: is it executable?';
	} else if (code === 'ENOENT' || code === 'ENOTDIR') {
		reason = 'the file was not found';
	} else if (code === 'ENOEXEC' || code === 'EISDIR') {
		reason = 'it is not a program this system can run';
	} else if (/disposed|closed|EPIPE|ECONNRESET/i.test(reason)) {
		reason = 'the server exited during startup';
	}
	reason = reason.replace(/[.\s]+$/, '');
	const detail = reason === '' ? '' : ` (${reason})`;
	return (
		`Factcheck: cannot start the language server \`${command}\`${detail}. ` +
		'See "Factcheck: Show Output" for details, or set factcheck.server.path.'
	);
}
