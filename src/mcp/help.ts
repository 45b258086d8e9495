/** `mailcheck mcp --help`'s text after the options (a module of its own: --help loads nothing of the server). */
export const MCP_HELP = `
Tools: audit (domains, checks, skip, dkimSelectors, ips, smtp), spf (domain, ip,
sender, helo) and message (message, ip, mailFrom, helo); each returns the JSON
result and a short summary.

Fixed at start-up for every call: --resolver, --timeout, --retries, --no-smtp,
--smtp-port, --helo-name, --dkim-selector, --blocklist, --no-blocklist,
--spamhaus-key, --bimi-selector. The other options of mailcheck are refused.

Example (an MCP client's server entry):
  { "command": "mailcheck", "args": ["mcp", "--resolver", "192.0.2.53", "--timeout", "3000"] }

Exit codes: 0 when stdin closes; 2 usage error.
`;
