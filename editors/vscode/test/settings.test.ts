import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
	buildServerOptions,
	corpusPaths,
	expandHome,
	findOnPath,
	getterFromObject,
	resolveServerPath,
	SEVERITY_KINDS,
	SEVERITY_VALUES,
	serverNotFoundMessage,
	serverStartFailedMessage,
} from '../src/settings';

const build = (settings: Record<string, unknown>) => buildServerOptions(getterFromObject(settings));

/** The defaults VS Code reports when the user changed nothing (see package.json). */
const VSCODE_DEFAULTS: Record<string, unknown> = {
	'server.path': '',
	'corpus.paths': [],
	citationStyle: 'default',
	unsourcedFigures: 'default',
	'trace.server': 'off',
	...Object.fromEntries(SEVERITY_KINDS.map((kind) => [`severity.${kind}`, 'default'])),
};

describe('buildServerOptions', () => {
	test('no settings at all gives an empty object', () => {
		assert.deepEqual(build({}), {});
	});

	test('VS Code defaults give an empty object', () => {
		assert.deepEqual(build(VSCODE_DEFAULTS), {});
	});

	test('the documented example', () => {
		assert.deepEqual(
			build({
				...VSCODE_DEFAULTS,
				'corpus.paths': ['sources'],
				'severity.figure-mismatch': 'warning',
				'severity.figure-unsourced': 'off',
				citationStyle: 'pandoc',
				unsourcedFigures: 'hide',
			}),
			{
				corpus: { paths: ['sources'] },
				severity: { 'figure-mismatch': 'warning', 'figure-unsourced': 'off' },
				citation_style: 'pandoc',
				unsourced_figures: false,
			},
		);
	});

	for (const kind of SEVERITY_KINDS) {
		for (const value of SEVERITY_VALUES) {
			test(`severity.${kind} = ${value}`, () => {
				assert.deepEqual(build({ ...VSCODE_DEFAULTS, [`severity.${kind}`]: value }), {
					severity: { [kind]: value },
				});
			});
		}
		test(`severity.${kind} = default is omitted`, () => {
			assert.deepEqual(build({ [`severity.${kind}`]: 'default' }), {});
		});
	}

	test('"off" is sent as "off", not dropped', () => {
		const options = build({ 'severity.quote-unsourced': 'off', 'severity.citation-unsupported': 'off' });
		assert.deepEqual(options, { severity: { 'quote-unsourced': 'off', 'citation-unsupported': 'off' } });
	});

	test('all severities at once keep their own values', () => {
		const settings: Record<string, unknown> = {};
		const expected: Record<string, string> = {};
		SEVERITY_KINDS.forEach((kind, i) => {
			const value = SEVERITY_VALUES[i % SEVERITY_VALUES.length];
			settings[`severity.${kind}`] = value;
			expected[kind] = value;
		});
		assert.deepEqual(build(settings), { severity: expected });
	});

	test('unknown severity values and kinds are ignored', () => {
		assert.deepEqual(build({ 'severity.figure-mismatch': 'fatal', 'severity.not-a-kind': 'error' }), {});
		assert.deepEqual(build({ 'severity.figure-mismatch': 2 }), {});
	});

	test('citation style footnote / pandoc / default', () => {
		assert.deepEqual(build({ citationStyle: 'footnote' }), { citation_style: 'footnote' });
		assert.deepEqual(build({ citationStyle: 'pandoc' }), { citation_style: 'pandoc' });
		assert.deepEqual(build({ citationStyle: 'default' }), {});
		assert.deepEqual(build({ citationStyle: 'chicago' }), {});
	});

	test('unsourcedFigures show -> true, hide -> false, default -> omitted', () => {
		assert.deepEqual(build({ unsourcedFigures: 'show' }), { unsourced_figures: true });
		assert.deepEqual(build({ unsourcedFigures: 'hide' }), { unsourced_figures: false });
		assert.deepEqual(build({ unsourcedFigures: 'default' }), {});
		assert.deepEqual(build({ unsourcedFigures: true }), {});
	});

	test('corpus paths are passed through in order', () => {
		assert.deepEqual(build({ 'corpus.paths': ['sources', 'archive/2024', '../shared'] }), {
			corpus: { paths: ['sources', 'archive/2024', '../shared'] },
		});
	});

	test('corpus paths are trimmed and empty ones dropped', () => {
		assert.deepEqual(build({ 'corpus.paths': ['  sources ', '', '   ', 'notes\t'] }), {
			corpus: { paths: ['sources', 'notes'] },
		});
		assert.deepEqual(build({ 'corpus.paths': ['', '  '] }), {});
	});

	test('invalid corpus paths are ignored', () => {
		assert.deepEqual(corpusPaths('sources'), []);
		assert.deepEqual(corpusPaths(undefined), []);
		assert.deepEqual(corpusPaths(['a', 3, null, 'b']), ['a', 'b']);
	});

	test('the payload is plain JSON with snake_case keys only', () => {
		const options = build({
			'corpus.paths': ['s'],
			'severity.sources-disagree': 'hint',
			citationStyle: 'footnote',
			unsourcedFigures: 'show',
			'server.path': '/bin/x',
			'trace.server': 'verbose',
		});
		assert.deepEqual(JSON.parse(JSON.stringify(options)), options);
		assert.deepEqual(Object.keys(options).sort(), ['citation_style', 'corpus', 'severity', 'unsourced_figures']);
	});
});

describe('expandHome', () => {
	test('expands ~ and ~/ only', () => {
		assert.equal(expandHome('~', '/home/ann', 'linux'), '/home/ann');
		assert.equal(expandHome('~/bin/factcheck-ls', '/home/ann', 'linux'), '/home/ann/bin/factcheck-ls');
		assert.equal(expandHome('~bob/x', '/home/ann', 'linux'), '~bob/x');
		assert.equal(expandHome('/abs/~/x', '/home/ann', 'linux'), '/abs/~/x');
		assert.equal(expandHome('~\\bin\\fc.exe', 'C:\\Users\\ann', 'win32'), 'C:\\Users\\ann\\bin\\fc.exe');
	});
});

/** A fake file system: only the listed files exist; records every check. */
function fakeFs(...files: string[]) {
	const checked: string[] = [];
	return {
		checked,
		exists: (file: string) => {
			checked.push(file);
			return files.includes(file);
		},
	};
}

const EXT = '/ext/factcheck.factcheck-ls-0.1.0';

describe('resolveServerPath', () => {
	test('explicit absolute path that exists', () => {
		const fs = fakeFs('/opt/fc/factcheck-ls', `${EXT}/server/factcheck-ls`);
		const r = resolveServerPath({
			configured: '/opt/fc/factcheck-ls',
			workspaceFolder: '/work/news',
			extensionPath: EXT,
			exists: fs.exists,
			platform: 'linux',
			env: { PATH: '/usr/bin' },
		});
		assert.deepEqual(r, { source: 'setting', command: '/opt/fc/factcheck-ls', wanted: '/opt/fc/factcheck-ls' });
	});

	test('explicit path that does not exist does not fall back', () => {
		const fs = fakeFs(`${EXT}/server/factcheck-ls`, '/usr/bin/factcheck-ls');
		const r = resolveServerPath({
			configured: '/opt/fc/factcheck-ls',
			extensionPath: EXT,
			exists: fs.exists,
			platform: 'linux',
			env: { PATH: '/usr/bin' },
		});
		assert.deepEqual(r, { source: 'setting', command: undefined, wanted: '/opt/fc/factcheck-ls' });
		assert.match(serverNotFoundMessage(r), /`\/opt\/fc\/factcheck-ls` \(from factcheck\.server\.path\) was not found/);
	});

	test('explicit path is trimmed', () => {
		const fs = fakeFs('/opt/fc/factcheck-ls');
		const r = resolveServerPath({ configured: '  /opt/fc/factcheck-ls ', extensionPath: EXT, exists: fs.exists, platform: 'linux' });
		assert.equal(r.command, '/opt/fc/factcheck-ls');
	});

	test('leading ~ is expanded to the home folder', () => {
		const fs = fakeFs('/home/ann/.cargo/bin/factcheck-ls');
		const r = resolveServerPath({
			configured: '~/.cargo/bin/factcheck-ls',
			workspaceFolder: '/work/news',
			extensionPath: EXT,
			exists: fs.exists,
			platform: 'linux',
			homedir: '/home/ann',
		});
		assert.deepEqual(r, {
			source: 'setting',
			command: '/home/ann/.cargo/bin/factcheck-ls',
			wanted: '/home/ann/.cargo/bin/factcheck-ls',
		});
	});

	test('relative path is resolved against the first workspace folder', () => {
		const fs = fakeFs('/work/news/tools/factcheck-ls');
		const r = resolveServerPath({
			configured: 'tools/factcheck-ls',
			workspaceFolder: '/work/news',
			extensionPath: EXT,
			exists: fs.exists,
			platform: 'linux',
		});
		assert.equal(r.command, '/work/news/tools/factcheck-ls');
		const up = resolveServerPath({
			configured: '../factcheck-ls/target/release/factcheck-ls',
			workspaceFolder: '/work/news',
			extensionPath: EXT,
			exists: fakeFs('/work/factcheck-ls/target/release/factcheck-ls').exists,
			platform: 'linux',
		});
		assert.equal(up.command, '/work/factcheck-ls/target/release/factcheck-ls');
	});

	test('relative path that is missing is reported with its resolved form', () => {
		const r = resolveServerPath({
			configured: './tools/factcheck-ls',
			workspaceFolder: '/work/news',
			extensionPath: EXT,
			exists: fakeFs('/usr/bin/factcheck-ls').exists,
			platform: 'linux',
			env: { PATH: '/usr/bin' },
		});
		assert.deepEqual(r, { source: 'setting', command: undefined, wanted: '/work/news/tools/factcheck-ls' });
	});

	test('a bare name not in the workspace folder is looked up on PATH', () => {
		const r = resolveServerPath({
			configured: 'factcheck-ls-dev',
			workspaceFolder: '/work/news',
			extensionPath: EXT,
			exists: fakeFs('/usr/local/bin/factcheck-ls-dev').exists,
			platform: 'linux',
			env: { PATH: '/usr/bin:/usr/local/bin' },
		});
		assert.deepEqual(r, { source: 'setting', command: '/usr/local/bin/factcheck-ls-dev', wanted: '/work/news/factcheck-ls-dev' });
	});

	test('bundled binary is used when the setting is empty', () => {
		for (const configured of ['', '   ', undefined, null]) {
			const fs = fakeFs(`${EXT}/server/factcheck-ls`, '/usr/bin/factcheck-ls');
			const r = resolveServerPath({ configured, extensionPath: EXT, exists: fs.exists, platform: 'linux', env: { PATH: '/usr/bin' } });
			assert.deepEqual(r, { source: 'bundled', command: `${EXT}/server/factcheck-ls`, wanted: `${EXT}/server/factcheck-ls` });
		}
	});

	test('bundled binary on Windows is server\\factcheck-ls.exe', () => {
		const ext = 'C:\\ext\\factcheck-ls';
		const fs = fakeFs('C:\\ext\\factcheck-ls\\server\\factcheck-ls.exe');
		const r = resolveServerPath({ configured: '', extensionPath: ext, exists: fs.exists, platform: 'win32', env: {} });
		assert.equal(r.source, 'bundled');
		assert.equal(r.command, 'C:\\ext\\factcheck-ls\\server\\factcheck-ls.exe');
	});

	test('PATH fallback finds the first match', () => {
		const fs = fakeFs('/home/ann/.cargo/bin/factcheck-ls', '/usr/bin/factcheck-ls');
		const r = resolveServerPath({
			configured: '',
			extensionPath: EXT,
			exists: fs.exists,
			platform: 'linux',
			env: { PATH: '/usr/local/bin::/home/ann/.cargo/bin:/usr/bin' },
		});
		assert.deepEqual(r, { source: 'path', command: '/home/ann/.cargo/bin/factcheck-ls', wanted: 'factcheck-ls' });
		assert.deepEqual(fs.checked, [
			`${EXT}/server/factcheck-ls`,
			'/usr/local/bin/factcheck-ls',
			'/home/ann/.cargo/bin/factcheck-ls',
		]);
	});

	test('PATH fallback when nothing is found gives the install hint', () => {
		const r = resolveServerPath({ configured: '', extensionPath: EXT, exists: fakeFs().exists, platform: 'linux', env: { PATH: '/usr/bin:/bin' } });
		assert.deepEqual(r, { source: 'path', command: undefined, wanted: 'factcheck-ls' });
		assert.equal(
			serverNotFoundMessage(r),
			'Factcheck: cannot start the language server: `factcheck-ls` was not found. ' +
				'Install it (cargo install --path . in the factcheck-ls repository) or set factcheck.server.path.',
		);
	});

	test('missing or empty PATH is not an error', () => {
		assert.equal(resolveServerPath({ configured: '', extensionPath: EXT, exists: fakeFs().exists, platform: 'linux', env: {} }).command, undefined);
		assert.equal(resolveServerPath({ configured: '', extensionPath: EXT, exists: fakeFs().exists, platform: 'linux', env: { PATH: '' } }).command, undefined);
	});
});

describe('findOnPath', () => {
	test('Windows uses ; and PATHEXT, case-insensitive Path variable', () => {
		const fs = fakeFs('C:\\Users\\ann\\.cargo\\bin\\factcheck-ls.exe');
		const found = findOnPath(
			'factcheck-ls',
			{ Path: 'C:\\Windows;"C:\\Users\\ann\\.cargo\\bin"', PATHEXT: '.COM;.EXE' },
			fs.exists,
			'win32',
		);
		assert.equal(found, 'C:\\Users\\ann\\.cargo\\bin\\factcheck-ls.exe');
	});

	test('POSIX does not add extensions', () => {
		const fs = fakeFs('/bin/factcheck-ls.exe');
		assert.equal(findOnPath('factcheck-ls', { PATH: '/bin' }, fs.exists, 'linux'), undefined);
	});
});

describe('serverStartFailedMessage', () => {
	test('keeps only the first line of an Error (no stack trace)', () => {
		const error = new Error('Unsupported position encoding (utf-8)\n    at foo (bar.js:1:1)');
		const message = serverStartFailedMessage('/opt/factcheck-ls', error);
		assert.equal(
			message,
			'Factcheck: cannot start the language server `/opt/factcheck-ls` (Unsupported position encoding (utf-8)). ' +
				'See "Factcheck: Show Output" for details, or set factcheck.server.path.',
		);
		assert.doesNotMatch(message, /\n|at foo/);
	});

	test('accepts strings and unknown values', () => {
		assert.match(serverStartFailedMessage('x', 'Launching server using command x failed.'), /\(Launching server using command x failed\)\./);
		assert.match(serverStartFailedMessage('x', undefined), /^Factcheck: cannot start the language server `x`\. See/);
	});

	test('spawn errors are explained in words', () => {
		const eacces = 'Launching server using command /opt/fc failed. Error: spawn /opt/fc EACCES';
		assert.equal(
			serverStartFailedMessage('/opt/fc', eacces),
			'Factcheck: cannot start the language server `/opt/fc` (permission denied: is it executable?). ' +
				'See "Factcheck: Show Output" for details, or set factcheck.server.path.',
		);
		assert.match(serverStartFailedMessage('x', new Error('spawn x ENOENT')), /\(the file was not found\)/);
		assert.match(serverStartFailedMessage('x', new Error('spawn x ENOEXEC')), /\(it is not a program this system can run\)/);
	});

	test('a disposed connection means the server exited', () => {
		assert.match(
			serverStartFailedMessage('x', new Error('Pending response rejected since connection got disposed')),
			/\(the server exited during startup\)/,
		);
	});
});
