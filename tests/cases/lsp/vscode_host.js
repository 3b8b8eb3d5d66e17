// A headless stand-in for the VS Code extension host, for tests/test_vscode_client.py.
//
// It provides as much of the `vscode` API as extension.js and the REAL vscode-languageclient
// use to start a server, open one document and hand results to the editor: the client
// starts the configured `cjdsl lsp --stdio` and talks the protocol to it; this host records
// what VS Code would be given (diagnostics, registered providers, error messages) and calls
// the hover provider as the editor would. Everything else is an inert placeholder.
//
// For "cjdsl: Open preview" it also stands in for webview panels: it records the page the
// extension gives a panel and fetches the URL that page frames, as the webview would.
//
//   node vscode_host.js EXTENSION_DIR WORKSPACE_DIR CJDSL_PATH_SETTING JOURNEY_FILE [SCENARIO]
// runs the scenario `lsp` (the default) or `preview`, prints one JSON object (see `report`
// below) and exits 0, or 1 with `crash` set.
"use strict";

const Module = require("module");
const fs = require("fs");
const path = require("path");
const url = require("url");

const [extensionDir, workspaceDir, pathSetting, journeyPath, scenario = "lsp"] =
  process.argv.slice(2);
const report = {
  steps: [], errors: [], commands: [], providers: [], diagnostics: {}, panels: [],
};

// -- the parts of the API whose behaviour matters ---------------------------------------

class Disposable {
  constructor(fn) { this.fn = fn; }
  static from(...items) { return new Disposable(() => items.forEach((i) => i?.dispose?.())); }
  dispose() { this.fn?.(); }
}
const inert = () => new Disposable(() => {});

class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (fn) => { this.listeners.push(fn); return inert(); };
  }
  fire(value) { this.listeners.forEach((fn) => fn(value)); }
  dispose() {}
}

class Position { constructor(line, character) { this.line = line; this.character = character; } }
class Range {
  constructor(a, b, c, d) {
    [this.start, this.end] = typeof a === "number" ? [new Position(a, b), new Position(c, d)] : [a, b];
  }
}
class Uri {
  constructor(scheme, fsPath, text) {
    this.scheme = scheme;
    this.fsPath = this.path = fsPath;
    this.text = text ?? url.pathToFileURL(fsPath).href;
  }
  static file(p) { return new Uri("file", p); }
  static parse(text) {
    const parsed = new URL(text);
    return new Uri(parsed.protocol.slice(0, -1), decodeURIComponent(parsed.pathname), text);
  }
  toString() { return this.text; }
  toJSON() { return this.text; }
}
class Holder { constructor(...args) { this.args = args; } }
class Diagnostic {
  constructor(range, message, severity) { Object.assign(this, { range, message, severity }); }
}
class MarkdownString {
  constructor(value = "") { this.value = value; }
  appendMarkdown(text) { this.value += text; return this; }
}
class Hover { constructor(contents, range) { Object.assign(this, { contents, range }); } }
class Location { constructor(uri, range) { Object.assign(this, { uri, range }); } }
class CancellationTokenSource {
  constructor() {
    this.token = { isCancellationRequested: false, onCancellationRequested: () => inert() };
  }
  cancel() {}
  dispose() {}
}
class CodeActionKind {
  constructor(value) { this.value = value; }
  append(part) { return new CodeActionKind(this.value ? `${this.value}.${part}` : part); }
  contains(other) { return other.value.startsWith(this.value); }
}
Object.assign(CodeActionKind, {
  Empty: new CodeActionKind(""), QuickFix: new CodeActionKind("quickfix"),
  Refactor: new CodeActionKind("refactor"), Source: new CodeActionKind("source"),
  SourceOrganizeImports: new CodeActionKind("source.organizeImports"),
  SourceFixAll: new CodeActionKind("source.fixAll"), Notebook: new CodeActionKind("notebook"),
  RefactorExtract: new CodeActionKind("refactor.extract"),
  RefactorInline: new CodeActionKind("refactor.inline"),
  RefactorRewrite: new CodeActionKind("refactor.rewrite"),
});

// An enum whose values only need to be distinct; an API that only needs to be callable.
const anyEnum = () => new Proxy({}, { get: (_, key) => String(key) });
const anyEvent = () => () => inert();

let setting = pathSetting;
const configListeners = [];
const commands = new Map();
const providers = {};

function openDocument(file) {
  const text = fs.readFileSync(file, "utf8");
  const lines = text.split("\n");
  return {
    uri: Uri.file(file), fileName: file, languageId: "journey", version: 1, isClosed: false,
    isUntitled: false, isDirty: false, eol: 1, lineCount: lines.length,
    getText: () => text,
    lineAt: (n) => ({ text: lines[typeof n === "number" ? n : n.line] }),
  };
}
const documents = [openDocument(journeyPath)];
let activeEditor;

// A webview panel as far as the extension uses it: its page, revealing, closing.
function createWebviewPanel(viewType, title, showOptions, options) {
  const disposed = [];
  const record = { viewType, title, showOptions, options, html: "", reveals: 0, disposed: false };
  report.panels.push(record);
  const panel = {
    viewType, title,
    webview: {
      cspSource: "https://webview.invalid",
      set html(value) { record.html = value; },
      get html() { return record.html; },
      asWebviewUri: (uri) => uri,
      onDidReceiveMessage: anyEvent(), postMessage: async () => true,
    },
    reveal() { record.reveals += 1; },
    onDidDispose: (fn) => { disposed.push(fn); return inert(); },
    onDidChangeViewState: anyEvent(),
    dispose() {
      if (record.disposed) return;
      record.disposed = true;
      disposed.forEach((fn) => fn());
    },
  };
  return panel;
}

const api = {
  version: "1.95.0",
  Disposable, EventEmitter, Position, Range, Uri, Diagnostic, MarkdownString, Hover, Location,
  CancellationTokenSource, CodeActionKind,
  CancellationError: class extends Error {},
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  DiagnosticTag: { Unnecessary: 1, Deprecated: 2 },
  DiagnosticRelatedInformation: class {
    constructor(location, message) { Object.assign(this, { location, message }); }
  },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  CompletionItemKind: anyEnum(), SymbolKind: anyEnum(), SymbolTag: anyEnum(),
  CompletionItemTag: anyEnum(), DocumentHighlightKind: anyEnum(), FoldingRangeKind: anyEnum(),
  ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2, Three: 3 },
  env: { appName: "headless host", language: "en", machineId: "-", sessionId: "-",
    openExternal: async () => true, asExternalUri: async (uri) => uri },
  workspace: {
    get workspaceFolders() { return [{ uri: Uri.file(workspaceDir), name: "workspace", index: 0 }]; },
    get textDocuments() { return documents; },
    notebookDocuments: [],
    getConfiguration: (section) => ({
      get: (key, fallback) => (section === "cjdsl" && key === "path" ? setting : fallback),
      has: () => false, update: async () => {}, inspect: () => undefined,
    }),
    onDidChangeConfiguration: (fn) => { configListeners.push(fn); return inert(); },
    createFileSystemWatcher: () => ({ dispose() {}, onDidCreate: anyEvent(),
      onDidChange: anyEvent(), onDidDelete: anyEvent() }),
    applyEdit: async () => true,
    onDidOpenTextDocument: anyEvent(), onDidCloseTextDocument: anyEvent(),
    onDidChangeTextDocument: anyEvent(), onDidSaveTextDocument: anyEvent(),
    onWillSaveTextDocument: anyEvent(), onDidChangeWorkspaceFolders: anyEvent(),
    onDidOpenNotebookDocument: anyEvent(), onDidSaveNotebookDocument: anyEvent(),
    onDidChangeNotebookDocument: anyEvent(), onDidCloseNotebookDocument: anyEvent(),
  },
  window: {
    showErrorMessage: async (message) => { report.errors.push(message); },
    showWarningMessage: async () => undefined,
    showInformationMessage: async () => undefined,
    createOutputChannel: () => ({ append() {}, appendLine() {}, show() {}, clear() {},
      replace() {}, dispose() {} }),
    withProgress: (_, task) => task({ report() {} }, new CancellationTokenSource().token),
    get activeTextEditor() { return activeEditor; },
    visibleTextEditors: [],
    createWebviewPanel,
    onDidChangeActiveTextEditor: anyEvent(), onDidChangeVisibleTextEditors: anyEvent(),
    tabGroups: { all: [], onDidChangeTabs: anyEvent() },
  },
  languages: new Proxy({
    match: (_, document) => (document.languageId === "journey" ? 10 : 0),
    createDiagnosticCollection: () => ({
      set(uri, found) {
        report.diagnostics[uri.toString()] = found.map((d) => ({
          code: d.code?.value ?? d.code, link: d.code?.target?.toString(),
          message: d.message, line: d.range.start.line, severity: d.severity,
        }));
      },
      delete(uri) { delete report.diagnostics[uri.toString()]; },
      clear() {}, dispose() {}, forEach() {}, get: () => undefined, has: () => false,
    }),
  }, {
    // registerHoverProvider(selector, provider) and the rest: remember the provider
    get: (known, key) => known[key] ?? ((_, provider) => {
      report.providers.push(String(key));
      providers[String(key)] = provider;
      return inert();
    }),
  }),
  commands: {
    registerCommand: (name, fn) => { commands.set(name, fn); report.commands.push(name); return inert(); },
    executeCommand: async (name, ...args) => commands.get(name)(...args),
  },
};
// Classes the client only constructs or extends (DocumentLink, CodeLens …) hold their arguments.
const holders = new Map();
const vscode = new Proxy(api, {
  get(known, key) {
    if (key in known || typeof key !== "string" || !/^[A-Z]/.test(key)) return known[key];
    if (!holders.has(key)) holders.set(key, class extends Holder {});
    return holders.get(key);
  },
});

const load = Module._load;
Module._load = function (request, ...rest) {
  return request === "vscode" ? vscode : load.call(this, request, ...rest);
};

// -- the scenario --------------------------------------------------------------------------

async function until(test, ms) {
  for (const deadline = Date.now() + ms; Date.now() < deadline;) {
    if (test()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function hoverAt(needle, plus) {
  const text = documents[0].getText();
  const before = text.slice(0, text.indexOf(needle) + plus).split("\n");
  const at = new Position(before.length - 1, before[before.length - 1].length);
  const found = await providers.registerHoverProvider.provideHover(
    documents[0], at, new CancellationTokenSource().token,
  );
  return found ? [].concat(found.contents).map((c) => c.value ?? c).join("\n") : null;
}

async function lspScenario(extension) {
  const uri = Uri.file(journeyPath).toString();
  await extension.activate({ subscriptions: [] });
  report.steps.push({ step: "activate", diagnostics: await until(() => report.diagnostics[uri], 30000) });
  report.hover = await hoverAt("kündigung -> weg", 2);

  delete report.diagnostics[uri];
  await vscode.commands.executeCommand("cjdsl.restartServer");
  report.steps.push({ step: "restart", diagnostics: await until(() => report.diagnostics[uri], 30000) });

  setting = path.join(workspaceDir, "no-such-cjdsl");
  for (const listener of configListeners) {
    await listener({ affectsConfiguration: (section) => section === "cjdsl.path" });
  }
  report.steps.push({ step: "bad path", errors: report.errors.length });
  await vscode.commands.executeCommand("cjdsl.restartServer");  // after a failed start
  report.steps.push({ step: "restart again", errors: report.errors.length });
  await extension.deactivate();
  report.steps.push({ step: "deactivate" });
}

// What a browser frame would get from a URL: the status and the page, or the error.
async function visit(address) {
  try {
    const answer = await fetch(address, { cache: "no-store" });
    return { status: answer.status, body: await answer.text() };
  } catch (error) {
    return { error: String(error?.cause?.code ?? error) };
  }
}

function framed(html) {
  const found = /<iframe src="([^"]*)"/.exec(html);
  return found && found[1].replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
}

async function previewScenario(extension) {
  await extension.activate({ subscriptions: [] });
  const step = (name, more) => report.steps.push({ step: name, errors: report.errors.length, ...more });

  await vscode.commands.executeCommand("cjdsl.openPreview");  // no editor open
  step("no editor");
  activeEditor = { document: { ...documents[0], languageId: "plaintext" } };
  await vscode.commands.executeCommand("cjdsl.openPreview");  // not a journey
  step("not a journey");

  activeEditor = { document: documents[0] };
  const panel = await vscode.commands.executeCommand("cjdsl.openPreview");
  const url = framed(report.panels[0]?.html ?? "");
  step("open", { url, page: url && (await visit(url)) });
  const again = await vscode.commands.executeCommand("cjdsl.openPreview");
  step("open again", { same: again === panel, panels: report.panels.length });

  panel.dispose();
  let after = await visit(url);
  for (const deadline = Date.now() + 10000; after.error !== "ECONNREFUSED" && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    after = await visit(url);
  }
  step("closed", { after });

  const reopened = await vscode.commands.executeCommand("cjdsl.openPreview");
  const second = framed(report.panels[report.panels.length - 1].html);
  step("reopen", { url: second, page: second && (await visit(second)), panels: report.panels.length });
  await extension.deactivate();
  let stopped = await visit(second);
  for (const deadline = Date.now() + 10000; stopped.error !== "ECONNREFUSED" && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    stopped = await visit(second);
  }
  step("deactivate", { after: stopped, disposedByUs: report.panels.at(-1).disposed });
  reopened?.dispose();

  setting = path.join(workspaceDir, "no-such-cjdsl");
  await vscode.commands.executeCommand("cjdsl.openPreview");
  step("bad path", { panels: report.panels.length });
}

(async () => {
  const extension = require(path.join(extensionDir, "extension.js"));
  await (scenario === "preview" ? previewScenario : lspScenario)(extension);
  console.log(JSON.stringify(report));
  process.exit(0);
})().catch((error) => {
  console.log(JSON.stringify({ ...report, crash: String(error?.stack ?? error) }));
  process.exit(1);
});
