// The extension: starts `cjdsl lsp` for .journey files and connects VS Code to it
// (diagnostics, hover, go to definition, references, completion, outline, formatting and
// quick fixes all come from the server), and "cjdsl: Open preview", which runs
// `cjdsl preview` for the active file and shows its page in a webview beside the editor.
"use strict";

const childProcess = require("child_process");
const crypto = require("crypto");
const path = require("path");
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;
const previews = new Map(); // a journey's path -> { panel, child }

// How long `cjdsl preview` may take to say where it listens.
const PREVIEW_START_MS = 30000;
// The line `cjdsl preview` prints once it listens (cjdsl/cli/preview.py).
const LISTENING = / at (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C stops\)$/;

// The `cjdsl` program of the setting cjdsl.path, `${workspaceFolder}` filled in.
function cjdslCommand() {
  const configured = vscode.workspace.getConfiguration("cjdsl").get("path") || "cjdsl";
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
  return configured.replace("${workspaceFolder}", folder);
}

function serverOptions() {
  // TransportKind.stdio adds `--stdio`, which `cjdsl lsp` accepts.
  const run = { command: cjdslCommand(), args: ["lsp"], transport: TransportKind.stdio };
  return { run, debug: run };
}

// vscode-languageclient rejects a failed start with a string, not an Error.
function reason(error) {
  return error instanceof Error ? error.message : String(error);
}

async function start() {
  client = new LanguageClient(
    "cjdsl",
    "cjdsl",
    serverOptions(),
    { documentSelector: [{ language: "journey" }] },
  );
  try {
    await client.start();
  } catch (error) {
    const command = serverOptions().run.command;
    vscode.window.showErrorMessage(
      `cjdsl: could not start "${command} lsp" (${reason(error)}). ` +
        "Install it with `pip install 'cjdsl[lsp]'`, or point the setting cjdsl.path at it.",
    );
  }
}

// A client whose server never started cannot be stopped: it throws if asked to.
async function stop() {
  const stopping = client;
  client = undefined;
  if (stopping && stopping.needsStop()) await stopping.stop();
}

// -- the preview ---------------------------------------------------------------------------

// Starts `cjdsl preview --port 0 FILE` (any free port) and resolves, once it listens, with
// the child and the page's URL; rejects with what it said if it ends or errs before that.
function startPreview(command, file) {
  return new Promise((resolve, reject) => {
    const child = childProcess.spawn(command, ["preview", "--port", "0", file], {
      cwd: path.dirname(file),
      stdio: ["ignore", "ignore", "pipe"],
    });
    let said = "";
    let pending = "";
    let settled = false;
    const settle = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn(value);
    };
    const timer = setTimeout(() => {
      child.kill();
      settle(reject, new Error(`it did not start within ${PREVIEW_START_MS / 1000} s`));
    }, PREVIEW_START_MS);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => {
      // keep reading for the whole run (a full pipe would block the server); remember the
      // last lines, for the message if it ends
      said = (said + chunk).slice(-2000);
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop().slice(-2000);
      for (const line of lines) {
        const found = LISTENING.exec(line.trimEnd());
        if (found) settle(resolve, { child, url: found[1] });
      }
    });
    child.on("error", (error) => settle(reject, error));
    child.on("exit", (code, signal) => {
      const last = said.trim().split("\n").slice(-3).join(" ").trim();
      const how = signal ? `stopped by ${signal}` : `exit ${code}`;
      settle(reject, new Error(last ? `${last} (${how})` : how));
    });
  });
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// The webview's page: nothing but a frame on the preview server. Its policy lets the
// webview load no script, style or image of its own beyond one inline style (by nonce),
// and frame exactly the server's origin; the preview page brings its own policy.
function previewHtml(url, title) {
  const origin = new URL(url).origin;
  const nonce = crypto.randomBytes(16).toString("base64");
  const policy = `default-src 'none'; frame-src ${origin}; style-src 'nonce-${nonce}'`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(policy)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">
html, body, iframe { margin: 0; padding: 0; border: 0; width: 100%; height: 100%; }
body { overflow: hidden; }
</style>
</head>
<body>
<iframe src="${escapeHtml(url)}" title="${escapeHtml(title)}"
  sandbox="allow-scripts allow-same-origin"></iframe>
</body>
</html>
`;
}

function stopPreview(child) {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
}

async function openPreview() {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || document.languageId !== "journey" || document.uri.scheme !== "file") {
    vscode.window.showErrorMessage("cjdsl: open a .journey file saved on disk to preview it.");
    return undefined;
  }
  const file = document.uri.fsPath;
  const open = previews.get(file);
  if (open) {
    open.panel.reveal(vscode.ViewColumn.Beside, true);
    return open.panel;
  }
  const command = cjdslCommand();
  let started;
  try {
    started = await startPreview(command, file);
  } catch (error) {
    vscode.window.showErrorMessage(
      `cjdsl: could not start "${command} preview" (${reason(error)}). ` +
        "Install it with `pip install cjdsl`, or point the setting cjdsl.path at it.",
    );
    return undefined;
  }
  const { child, url } = started;
  // a remote window (SSH, containers, Codespaces) reaches the port through a forwarded URL
  const external = (await vscode.env.asExternalUri(vscode.Uri.parse(url))).toString();
  const title = `Preview ${path.basename(file)}`;
  const panel = vscode.window.createWebviewPanel(
    "cjdsl.preview",
    title,
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
    // scripts for the framed page (its live update); the webview itself runs none
    { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [] },
  );
  panel.webview.html = previewHtml(external, title);
  previews.set(file, { panel, child });
  panel.onDidDispose(() => {
    previews.delete(file);
    stopPreview(child);
  });
  child.on("exit", (code, signal) => {
    if (previews.get(file)?.child !== child) return; // closed: we stopped it
    previews.delete(file);
    vscode.window.showErrorMessage(
      `cjdsl: the preview of ${path.basename(file)} stopped (${signal ?? "exit " + code}).`,
    );
    panel.dispose();
  });
  return panel;
}

function stopPreviews() {
  for (const { child } of previews.values()) stopPreview(child);
  previews.clear();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("cjdsl.restartServer", async () => {
      await stop();
      await start();
    }),
    vscode.commands.registerCommand("cjdsl.openPreview", openPreview),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("cjdsl.path")) {
        await vscode.commands.executeCommand("cjdsl.restartServer");
      }
    }),
  );
  await start();
}

function deactivate() {
  stopPreviews();
  return stop();
}

module.exports = { activate, deactivate, previewHtml, LISTENING };
