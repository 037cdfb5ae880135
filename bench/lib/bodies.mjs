// Request bodies the load generator sends. All are compact JSON (as SDKs send
// them) and built deterministically, so every run sends the same bytes.

export const ALIAS = 'bench-model';

export const smallBody = JSON.stringify({
  model: ALIAS,
  messages: [{ role: 'user', content: 'Say hello in one short sentence.' }],
  max_tokens: 32,
});

export const smallStreamBody = JSON.stringify({
  model: ALIAS,
  messages: [{ role: 'user', content: 'Say hello in one short sentence.' }],
  max_tokens: 32,
  stream: true,
});

// A coding agent's turn: a long system prompt, 16 tools with JSON-schema
// parameters, and a history of tool calls whose results carry file contents.
const TOOL_NAMES = [
  'read_file', 'write_file', 'edit_file', 'list_directory', 'search_files', 'grep', 'run_shell', 'run_tests',
  'git_status', 'git_diff', 'git_log', 'open_url', 'web_search', 'ask_user', 'create_todo', 'finish_task',
];

function tool(name, i) {
  return {
    type: 'function',
    function: {
      name,
      description: `${name.replace(/_/g, ' ')}: ` + 'Use this tool when the task needs it. It runs inside the workspace sandbox, respects .gitignore, never follows symlinks outside the root, and reports errors as structured JSON with a code and a message the agent can act on. '.repeat(2),
      parameters: {
        type: 'object',
        properties: {
          path: { type: 'string', description: 'Path relative to the workspace root, using forward slashes.' },
          pattern: { type: 'string', description: 'A glob or regular expression, depending on the tool; anchored at the start of each line.' },
          content: { type: 'string', description: 'Full new content for the file, or the replacement text for an edit.' },
          start_line: { type: 'integer', minimum: 1, description: 'First line (1-based) of the range to read or edit.' },
          end_line: { type: 'integer', minimum: 1, description: 'Last line (inclusive) of the range to read or edit.' },
          timeout_seconds: { type: 'number', minimum: 1, maximum: 600, description: `Upper bound for tool #${i}; the call is cancelled after it.` },
          options: {
            type: 'object',
            properties: {
              case_sensitive: { type: 'boolean' },
              include_hidden: { type: 'boolean' },
              max_results: { type: 'integer', minimum: 1, maximum: 1000 },
            },
            additionalProperties: false,
          },
        },
        required: ['path'],
        additionalProperties: false,
      },
    },
  };
}

function fakeSource(n) {
  const lines = [];
  for (let i = 0; i < n; i++) {
    lines.push(`export function handler${i}(req: Request, ctx: Context): Promise<Response> { return ctx.next(req, { attempt: ${i}, label: "step-${i}" }); }`);
  }
  return lines.join('\n');
}

const SYSTEM = 'You are a careful software engineering agent working in a TypeScript repository. '
  + 'Read before you write, keep changes minimal, run the tests after each change, and explain what you did in one short paragraph. '.repeat(40);

const messages = [{ role: 'system', content: SYSTEM }, { role: 'user', content: 'The request log shows a 502 on every streamed call to the groq alias. Find out why and fix it.' }];
for (let turn = 0; turn < 6; turn++) {
  const id = `call_${String(turn).padStart(4, '0')}`;
  messages.push({
    role: 'assistant',
    content: null,
    tool_calls: [{ id, type: 'function', function: { name: TOOL_NAMES[turn % TOOL_NAMES.length], arguments: JSON.stringify({ path: `src/module-${turn}.ts`, start_line: 1, end_line: 40 }) } }],
  });
  messages.push({ role: 'tool', tool_call_id: id, content: fakeSource(24) });
}

export const agentBody = JSON.stringify({
  model: ALIAS,
  messages,
  tools: TOOL_NAMES.map(tool),
  tool_choice: 'auto',
  temperature: 0.2,
  max_tokens: 4096,
  stream: true,
  stream_options: { include_usage: true },
});
