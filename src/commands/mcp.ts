/**
 * `mailcheck mcp`: a Model Context Protocol server over stdio (JSON-RPC
 * messages, one per line, on stdin and stdout), built on the official SDK. It
 * serves the tools of src/mcp/tools.ts; each call returns the command's JSON
 * result (as `structuredContent` and as text) and a short text summary.
 *
 * The DNS and network options (`--resolver`, `--timeout`, `--retries`,
 * `--no-smtp`, …) are read once, at start-up, and hold for every call: a
 * client can narrow an audit (fewer checks, no SMTP) but never point it at
 * another resolver. stdout carries only protocol messages; the server ends
 * with exit code 0 when stdin closes.
 */
import type { Readable, Writable } from 'node:stream';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Command } from 'commander';
import { CHECK_IDS } from '../checks/index.js';
import { UsageError, sentence } from '../cli/errors.js';
import type { CliIo } from '../cli/io.js';
import { parseAuditCliOptions, toAuditOptions } from '../cli/options.js';
import { readOptionFile } from '../cli/input-files.js';
import { EXIT } from '../exit-code.js';
import { tool as toolInfo } from '../run.js';
import type { AnyMcpTool, McpServerSettings } from '../mcp/define.js';
import { MCP_TOOLS } from '../mcp/tools.js';

/** The program's options (attribute names) that `mailcheck mcp` takes at start-up; the others are refused. */
export const MCP_PROGRAM_OPTIONS: ReadonlySet<string> = new Set([
  'resolver',
  'timeout',
  'retries',
  'smtp',
  'smtpPort',
  'heloName',
  'dkimSelector',
  'blocklist',
  'noBlocklist',
  'spamhausKey',
  'bimiSelector',
  'httpsPort',
  'probeTimeout',
  'caFile',
]);

/** Where the server reads and writes its messages. */
export interface McpStreams {
  stdin: Readable;
  stdout: Writable;
}

/** The flags given on the command line (not defaults) that `mailcheck mcp` does not take. */
export function optionsNotForMcp(program: Command): string[] {
  const flags: string[] = [];
  for (const option of program.options) {
    const key = option.attributeName();
    if (MCP_PROGRAM_OPTIONS.has(key) || program.getOptionValueSource(key) !== 'cli') continue;
    const flag = option.long ?? option.short ?? key;
    if (!flags.includes(flag)) flags.push(flag);
  }
  return flags;
}

/** Reads the start-up options into the settings every call shares; a bad option is a UsageError. */
export async function mcpSettings(rawOptions: Record<string, unknown>): Promise<McpServerSettings> {
  const cli = parseAuditCliOptions(rawOptions, CHECK_IDS);
  const extraCa: string[] = [];
  for (const file of cli.caFile ?? []) {
    const text = await readOptionFile('--ca-file', file);
    if (!text.includes('-----BEGIN CERTIFICATE-----')) {
      throw new UsageError(`--ca-file "${file}" holds no PEM certificate. Give a file with -----BEGIN CERTIFICATE----- blocks`);
    }
    extraCa.push(text);
  }
  return { audit: toAuditOptions(cli, extraCa) };
}

/** An MCP server with every tool registered. */
export function createMcpServer(settings: McpServerSettings, tools: readonly AnyMcpTool[] = MCP_TOOLS): McpServer {
  const server = new McpServer(
    { name: 'mailcheck', version: toolInfo().version },
    {
      capabilities: { tools: {} },
      instructions:
        'mailcheck audits the mail setup of domains over DNS (and STARTTLS/HTTPS probes); every finding has a stable id, a severity and the exact DNS records that fix it. It never sends mail.',
    },
  );
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        // The tools only read (DNS queries and probes), about hosts outside this server's knowledge.
        annotations: { title: tool.title, readOnlyHint: tool.readOnly, openWorldHint: true },
      },
      async (args: Record<string, unknown>): Promise<CallToolResult> => {
        try {
          const output = await tool.run(args, settings);
          return {
            content: [
              { type: 'text', text: output.summary },
              { type: 'text', text: JSON.stringify(output.result) },
            ],
            structuredContent: output.result,
            ...(output.isError ? { isError: true } : {}),
          };
        } catch (error) {
          // A failure inside a call is that call's error result; the server goes on serving.
          const message = sentence((error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim());
          return { content: [{ type: 'text', text: `mailcheck ${tool.name} failed: ${message}` }], isError: true };
        }
      },
    );
  }
  return server;
}

/** Serves the tools on `streams` until stdin ends. */
export async function serveMcp(settings: McpServerSettings, streams: McpStreams = { stdin: process.stdin, stdout: process.stdout }): Promise<void> {
  const server = createMcpServer(settings);
  const transport = new StdioServerTransport(streams.stdin, streams.stdout);
  const ended = new Promise<void>((resolve) => {
    streams.stdin.once('end', resolve);
    streams.stdin.once('close', resolve);
  });
  await server.connect(transport);
  await ended;
  await server.close();
}

/** `mailcheck mcp`: checks the start-up options, then serves until stdin closes; returns the exit code. */
export async function runMcp(program: Command, rawOptions: Record<string, unknown>, io: CliIo): Promise<number> {
  const refused = optionsNotForMcp(program);
  if (refused.length > 0) {
    const list = refused.length === 1 ? `${refused[0]} does` : `${refused.slice(0, -1).join(', ')} and ${refused.at(-1)} do`;
    throw new UsageError(`${list} not apply to mailcheck mcp. Run "mailcheck mcp --help" for its options`);
  }
  const settings = await mcpSettings(rawOptions);
  // Only for a person at a terminal: MCP clients read stdout, and many log stderr.
  if (io.stderr.isTTY) io.stderr.write('mailcheck mcp: serving the Model Context Protocol on stdin/stdout; close stdin to stop.\n');
  await serveMcp(settings);
  return EXIT.ok;
}
