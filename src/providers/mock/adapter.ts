import { randomUUID } from 'node:crypto';
import type { ChatBody, ChatCall, ChatStream, Completion, ProviderAdapter, SseSink } from '../types.js';

/**
 * The built-in `mock/` provider: deterministic OpenAI-shaped answers with no
 * network and no key, so the quickstart, demos and client set-ups work
 * offline. Also serves any deployment with `mock_response` (LiteLLM's meaning:
 * answer with this text, never call the provider).
 */
export class MockAdapter implements ProviderAdapter {
  constructor(private readonly fixedReply: string | undefined) {}

  async complete(call: ChatCall): Promise<Completion> {
    const reply = this.reply(call.body);
    const id = `chatcmpl-mock-${randomUUID()}`;
    const message: Record<string, unknown> = { role: 'assistant', content: reply.content, refusal: null };
    if (reply.toolCall) message.tool_calls = [reply.toolCall];
    return {
      headers: {},
      body: {
        id,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: call.upstreamModel,
        system_fingerprint: 'fp_switchyard_mock',
        choices: [{ index: 0, message, logprobs: null, finish_reason: reply.finishReason }],
        usage: usageFor(call.body, reply),
      },
    };
  }

  async openStream(call: ChatCall): Promise<ChatStream> {
    const usage = usageFor(call.body, this.reply(call.body));
    return { headers: {}, usage: () => usage, pipe: (sink) => this.stream(call, sink) };
  }

  async checkHealth(): Promise<void> {}

  private async stream(call: ChatCall, sink: SseSink): Promise<void> {
    const reply = this.reply(call.body);
    const base = {
      id: `chatcmpl-mock-${randomUUID()}`,
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model: call.upstreamModel,
      system_fingerprint: 'fp_switchyard_mock',
    };
    const usage = call.includeUsage ? { usage: null } : {};
    const chunk = (delta: Record<string, unknown>, finishReason: string | null) =>
      JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...usage });

    const events: string[] = [chunk({ role: 'assistant', content: '' }, null)];
    if (reply.toolCall) {
      const { id, type, function: fn } = reply.toolCall;
      events.push(chunk({ tool_calls: [{ index: 0, id, type, function: { name: fn.name, arguments: '' } }] }, null));
      events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: fn.arguments } }] }, null));
    } else {
      for (const piece of reply.content?.match(/\S+\s*/g) ?? []) events.push(chunk({ content: piece }, null));
    }
    events.push(chunk({}, reply.finishReason));
    if (call.includeUsage) events.push(JSON.stringify({ ...base, choices: [], usage: usageFor(call.body, reply) }));
    events.push('[DONE]');

    for (const event of events) {
      if (call.signal.aborted) return;
      const wait = sink.send(event);
      if (wait) await wait;
    }
  }

  private reply(body: ChatBody): MockReply {
    if (this.fixedReply !== undefined) return { content: this.fixedReply, finishReason: 'stop' };
    const last = body.messages[body.messages.length - 1];
    const tools = Array.isArray(body.tools) ? (body.tools as ToolDefinition[]) : [];
    const tool = last?.role === 'tool' ? undefined : toolToCall(tools, body.tool_choice, textOf(last?.content));
    if (tool !== undefined) {
      return {
        content: null,
        finishReason: 'tool_calls',
        toolCall: {
          id: `call_mock_${(tool.function?.name ?? 'tool').slice(0, 24)}`,
          type: 'function',
          function: { name: tool.function?.name ?? 'tool', arguments: JSON.stringify(sampleArguments(tool.function?.parameters)) },
        },
      };
    }
    // The last line: what the person typed, after whatever an agent put before it.
    const text = (textOf(last?.content).trim().split('\n').at(-1) ?? '').slice(0, 200);
    const format = (body.response_format as { type?: string } | undefined)?.type;
    if (format === 'json_object' || format === 'json_schema') return { content: JSON.stringify({ reply: text }), finishReason: 'stop' };
    if (last?.role === 'tool') return { content: `The tool returned: ${text}`, finishReason: 'stop' };
    return { content: `This is Switchyard's built-in mock model. You said: ${text}`, finishReason: 'stop' };
  }
}

/**
 * The tool the mock calls: the one forced by name, the first when a call is
 * required, and under `auto` only one the last line of the user's message
 * names — so an agent
 * (Claude Code, Kilo Code) offering dozens of tools gets a plain answer to
 * "Say hi" instead of a loop of tool calls.
 */
function toolToCall(tools: ToolDefinition[], choice: unknown, userText: string): ToolDefinition | undefined {
  if (tools.length === 0 || choice === 'none') return undefined;
  const forced = (choice as { function?: { name?: string } } | undefined)?.function?.name;
  if (forced !== undefined) return tools.find((t) => t.function?.name === forced);
  if (choice === 'required') return tools[0];
  // The last line only: agents put long reminders that mention their tools before the user's words.
  const lastLine = userText.trim().split('\n').at(-1) ?? '';
  const words = new Set(lastLine.toLowerCase().split(/[^a-z0-9_-]+/));
  return tools.find((t) => t.function?.name !== undefined && words.has(t.function.name.toLowerCase()));
}

interface ToolDefinition {
  function?: { name?: string; parameters?: { properties?: Record<string, { type?: string }>; required?: string[] } };
}

interface MockReply {
  content: string | null;
  finishReason: 'stop' | 'tool_calls';
  toolCall?: { id: string; type: 'function'; function: { name: string; arguments: string } };
}

function sampleArguments(schema: NonNullable<ToolDefinition['function']>['parameters']): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const name of schema?.required ?? []) {
    const type = schema?.properties?.[name]?.type;
    args[name] = type === 'number' || type === 'integer' ? 1 : type === 'boolean' ? true : type === 'array' ? [] : type === 'object' ? {} : 'example';
  }
  return args;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join(' ');
  return '';
}

/** A cheap estimate (4 characters per token), good enough for a mock. */
function usageFor(body: ChatBody, reply: MockReply) {
  const promptChars = body.messages.reduce((sum, m) => sum + textOf(m.content).length + 4, 0);
  const completionChars = (reply.content ?? reply.toolCall?.function.arguments ?? '').length;
  const prompt_tokens = Math.ceil(promptChars / 4);
  const completion_tokens = Math.max(1, Math.ceil(completionChars / 4));
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}
