/**
 * The shape of an MCP tool of `mailcheck mcp` (see src/mcp/tools.ts for the
 * list): a name, a description, a zod input shape (the SDK turns it into the
 * JSON Schema clients see, and validates every call against it) and `run`,
 * which returns the command's typed result as JSON plus a short text summary.
 */
import type { z } from 'zod';
import type { AuditOptions } from '../context.js';

/**
 * What every tool call shares, fixed when the server starts: the resolver,
 * timeout and retries (`--resolver`, `--timeout`, `--retries`) and the
 * network settings (`--no-smtp`, …), as the audit's options.
 */
export interface McpServerSettings {
  /** The start-up options as the runner takes them; a tool call may narrow them, never widen them. */
  audit: Readonly<AuditOptions>;
}

/** What a tool returns: the JSON result (an object, as MCP's structuredContent must be) and a short summary. */
export interface McpToolOutput {
  /** The command's typed result, e.g. `{ reports: Report[] }`. */
  result: Record<string, unknown>;
  /** A few lines for a reader: scores, verdicts, the first fixes. */
  summary: string;
  /** True when the call could not do what was asked (bad input, DNS did not answer): the client sees `isError`. */
  isError?: boolean;
}

/** One MCP tool. `Shape` is the zod shape of its arguments. */
export interface McpTool<Shape extends z.ZodRawShape = z.ZodRawShape> {
  /** The tool name clients call (snake_case). */
  name: string;
  /** A human title. */
  title: string;
  /** What it does and when to call it: clients show it to the model choosing a tool. */
  description: string;
  /** The arguments, as a zod shape (every field documented with `.describe()`). */
  input: Shape;
  /** True when the tool only reads (DNS queries, probes): MCP's readOnlyHint. */
  readOnly: boolean;
  run(args: z.infer<z.ZodObject<Shape>>, settings: McpServerSettings): Promise<McpToolOutput>;
}

/** Types a tool definition (its `run` arguments follow from `input`). */
export function defineMcpTool<Shape extends z.ZodRawShape>(tool: McpTool<Shape>): McpTool<Shape> {
  return tool;
}

/** A tool whose arguments the server has already validated against its shape. */
export type AnyMcpTool = McpTool<z.ZodRawShape>;
