// The language-client part of the extension: starts `cjdsl lsp` for .journey files and
// connects VS Code to it (diagnostics, hover, go to definition, references, completion,
// outline, formatting and quick fixes all come from the server).
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function serverOptions() {
  const configured = vscode.workspace.getConfiguration("cjdsl").get("path") || "cjdsl";
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
  const command = configured.replace("${workspaceFolder}", folder);
  // TransportKind.stdio adds `--stdio`, which `cjdsl lsp` accepts.
  const run = { command, args: ["lsp"], transport: TransportKind.stdio };
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

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("cjdsl.restartServer", async () => {
      await stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("cjdsl.path")) {
        await vscode.commands.executeCommand("cjdsl.restartServer");
      }
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
