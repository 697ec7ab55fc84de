import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
	CloseAction,
	DidChangeConfigurationNotification,
	ErrorAction,
	type ErrorHandler,
	LanguageClient,
	type LanguageClientOptions,
	RevealOutputChannelOn,
	type ServerOptions,
	TransportKind,
} from 'vscode-languageclient/node';
import {
	buildServerOptions,
	resolveServerPath,
	type ServerResolution,
	serverNotFoundMessage,
	serverStartFailedMessage,
} from './settings';

/** Client id: vscode-languageclient reads `factcheck.trace.server` from it. */
const CLIENT_ID = 'factcheck';
const CLIENT_NAME = 'Factcheck';
const SECTION = 'factcheck';
const SERVER_PATH_SETTING = 'factcheck.server.path';
const OPEN_SETTINGS = 'Open Settings';
const SHOW_OUTPUT = 'Show Output';

/**
 * A LanguageClient that stays quiet while it is starting: a failed start is
 * reported by this extension as one clear notification instead of the
 * library's "couldn't create connection to server" popups.
 */
class FactcheckClient extends LanguageClient {
	starting = true;
	/** The last error the library logged while starting (the reason a start failed). */
	lastStartError: unknown;

	override error(message: string, data?: unknown, showNotification: boolean | 'force' = true): void {
		if (this.starting && data !== undefined) {
			this.lastStartError = data;
		}
		super.error(message, data, this.starting ? false : showNotification);
	}

	/**
	 * Starts the client and settles only when the server is really running.
	 * (If the server dies during `initialize`, `LanguageClient.start()` can
	 * resolve although the start failed, and leave its own start promise
	 * rejected with nobody listening.)
	 */
	async startChecked(): Promise<void> {
		const started = this.start();
		const internal = (this as unknown as { _onStart?: Promise<void> })._onStart;
		internal?.catch(() => undefined);
		await started;
		if (!this.isRunning()) {
			throw this.lastStartError ?? new Error('the server exited during startup');
		}
		this.starting = false;
	}

	// When initialization fails the library calls `void this.stop()` while the
	// client is still "starting", which rejects and would surface as an
	// unhandled rejection. The server process is still terminated (by the node
	// client's shutdown), so the rejection can be dropped during startup.
	override stop(timeout?: number): Promise<void> {
		return super.stop(timeout).catch((error: unknown) => {
			if (!this.starting) {
				throw error;
			}
		});
	}
}

let outputChannel: vscode.LogOutputChannel;
let client: FactcheckClient | undefined;
let extensionPath = '';
/** Shared by every client instance, so restarts do not leak watchers. */
let configWatcher: vscode.FileSystemWatcher;
/** Serialises start/stop/restart so that quick setting changes cannot race. */
let queue: Promise<void> = Promise.resolve();

function enqueue(task: () => Promise<void>): Promise<void> {
	queue = queue.then(task).catch((error: unknown) => {
		outputChannel.error(`Unexpected error: ${String(error)}`);
	});
	return queue;
}

function currentServerOptions() {
	const config = vscode.workspace.getConfiguration(SECTION);
	return buildServerOptions((key) => config.get(key));
}

function firstWorkspaceFolder(): string | undefined {
	const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
	return folder?.uri.fsPath;
}

function isFile(file: string): boolean {
	try {
		return fs.statSync(file).isFile();
	} catch {
		return false;
	}
}

function resolveServer(): ServerResolution {
	return resolveServerPath({
		configured: vscode.workspace.getConfiguration(SECTION).get<string>('server.path'),
		workspaceFolder: firstWorkspaceFolder(),
		extensionPath,
		exists: isFile,
		homedir: os.homedir(),
	});
}

async function showStartError(message: string): Promise<void> {
	outputChannel.error(message);
	const choice = await vscode.window.showErrorMessage(message, OPEN_SETTINGS, SHOW_OUTPUT);
	if (choice === OPEN_SETTINGS) {
		await vscode.commands.executeCommand('workbench.action.openSettings', SERVER_PATH_SETTING);
	} else if (choice === SHOW_OUTPUT) {
		outputChannel.show(true);
	}
}

/** A VSIX may lose the executable bit of a bundled binary; put it back. */
function ensureExecutable(file: string): void {
	if (process.platform === 'win32') {
		return;
	}
	try {
		fs.accessSync(file, fs.constants.X_OK);
	} catch {
		try {
			fs.chmodSync(file, 0o755);
		} catch {
			// Starting will fail with a clear message.
		}
	}
}

async function startClient(): Promise<void> {
	const resolution = resolveServer();
	if (resolution.command === undefined) {
		void showStartError(serverNotFoundMessage(resolution));
		return;
	}
	const command = resolution.command;
	if (resolution.source === 'bundled') {
		ensureExecutable(command);
	}
	outputChannel.info(`Starting ${command} (${resolution.source})`);

	const serverOptions: ServerOptions = {
		command,
		transport: TransportKind.stdio,
		options: { cwd: firstWorkspaceFolder() },
	};

	const initialOptions = currentServerOptions();
	const initialJson = JSON.stringify(initialOptions);
	let newClient: FactcheckClient | undefined;
	const errorHandler: ErrorHandler = {
		error: (error, message, count) => {
			if (newClient === undefined || newClient.starting) {
				return { action: ErrorAction.Shutdown, handled: true };
			}
			return defaultHandler.error(error, message, count);
		},
		closed: () => {
			if (newClient === undefined || newClient.starting) {
				return { action: CloseAction.DoNotRestart, handled: true };
			}
			return defaultHandler.closed();
		},
	};

	const clientOptions: LanguageClientOptions = {
		documentSelector: [
			{ scheme: 'file', language: 'markdown' },
			{ scheme: 'untitled', language: 'markdown' },
		],
		outputChannel,
		revealOutputChannelOn: RevealOutputChannelOn.Never,
		initializationOptions: initialOptions,
		initializationFailedHandler: () => false,
		errorHandler,
		synchronize: {
			fileEvents: configWatcher,
		},
		middleware: {
			workspace: {
				// If the server pulls its settings, answer with the same shape
				// it gets in initializationOptions rather than the raw camelCase settings.
				configuration: async (params, token, next) => {
					const result = await next(params, token);
					if (!Array.isArray(result)) {
						return result;
					}
					return params.items.map((item, index) =>
						item.section === SECTION ? currentServerOptions() : result[index],
					);
				},
			},
		},
	};

	const started = new FactcheckClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
	newClient = started;
	const defaultHandler = started.createDefaultErrorHandler();
	client = started;
	// Not awaited inside the queue: a server that hangs in `initialize` must
	// not block "Factcheck: Restart Server" or a change of the server path.
	started.startChecked().then(
		async () => {
			// Settings changed while the server was starting are sent now.
			if (client === started && JSON.stringify(currentServerOptions()) !== initialJson) {
				await sendConfiguration();
			}
		},
		async (error: unknown) => {
			if (client !== started) {
				return; // Stopped or replaced while starting: nothing to report.
			}
			client = undefined;
			try {
				await started.dispose(2000);
			} catch {
				// Already stopped.
			}
			await showStartError(serverStartFailedMessage(command, error));
		},
	).catch((error: unknown) => outputChannel.error(`Unexpected error: ${String(error)}`));
}

async function stopClient(): Promise<void> {
	const old = client;
	client = undefined;
	if (old === undefined) {
		return;
	}
	try {
		await old.dispose(2000);
	} catch (error) {
		outputChannel.warn(`Stopping the server failed: ${String(error)}`);
	}
}

async function restartClient(): Promise<void> {
	await stopClient();
	await startClient();
}

async function sendConfiguration(): Promise<void> {
	if (client === undefined || !client.isRunning()) {
		return;
	}
	await client.sendNotification(DidChangeConfigurationNotification.type, {
		settings: { [SECTION]: currentServerOptions() },
	});
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
	extensionPath = context.extensionPath;
	outputChannel = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
	configWatcher = vscode.workspace.createFileSystemWatcher('**/factcheck.toml');
	context.subscriptions.push(outputChannel, configWatcher);

	context.subscriptions.push(
		vscode.commands.registerCommand('factcheck.restartServer', () => enqueue(restartClient)),
		vscode.commands.registerCommand('factcheck.showOutput', () => outputChannel.show(true)),
		vscode.workspace.onDidChangeConfiguration((event) => {
			if (event.affectsConfiguration(SERVER_PATH_SETTING)) {
				void enqueue(restartClient);
			} else if (event.affectsConfiguration(SECTION)) {
				void enqueue(sendConfiguration);
			}
		}),
		vscode.workspace.onDidChangeWorkspaceFolders(() => {
			// A relative factcheck.server.path depends on the first folder.
			const configured = vscode.workspace.getConfiguration(SECTION).get<string>('server.path') ?? '';
			if (configured.trim() !== '') {
				void enqueue(restartClient);
			}
		}),
	);

	await enqueue(startClient);
}

export function deactivate(): Thenable<void> {
	return enqueue(stopClient);
}
