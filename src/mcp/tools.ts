/**
 * The tools `mailcheck mcp` serves, one entry each in MCP_TOOLS.
 *
 * To serve another command: write `src/mcp/<command>-tool.ts` exporting a
 * `defineMcpTool({...})` (src/mcp/define.ts), and add it to MCP_TOOLS below.
 */
import type { AnyMcpTool } from './define.js';
import { auditTool } from './audit-tool.js';
import { spfTool } from './spf-tool.js';
import { messageTool } from './message-tool.js';
import { reportsTool } from './reports-tool.js';
import { bouncesTool } from './bounces-tool.js';

/** Every tool `mailcheck mcp` serves, in the order clients list them. */
export const MCP_TOOLS: readonly AnyMcpTool[] = [
  auditTool as unknown as AnyMcpTool,
  spfTool as unknown as AnyMcpTool,
  messageTool as unknown as AnyMcpTool,
  reportsTool as unknown as AnyMcpTool,
  bouncesTool as unknown as AnyMcpTool,
];
