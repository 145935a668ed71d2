import type { Command } from 'commander';
import { startServer } from '../server/start-server.js';
import { warmTokenizer } from '../usage/estimate.js';
import { DB_OPTION_HELP } from './ledger-path.js';

/** Adds `cpr-meter serve`: the recording proxy and its API. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the OpenAI-compatible proxy that records the cost of every LLM call, and the event/report API')
    .option('--port <port>', 'port to listen on (env CPR_PORT, default 8787)')
    .option('--host <host>', 'interface to listen on (env CPR_HOST, default 127.0.0.1)')
    .option('--db <ledger>', DB_OPTION_HELP)
    .option('--db-pool-size <n>', 'PostgreSQL ledger: connections in the pool (env CPR_DB_POOL_SIZE, default 10)')
    .option('--commit-wait-ms <ms>', 'PostgreSQL ledger: longest a response waits for its row\'s commit before the row is kept for retry (env CPR_COMMIT_WAIT_MS, default 500)')
    .option('--upstream <url>', 'OpenAI-compatible upstream, /v1 included; or several, as name=url or name=url@provider (repeat the option, or separate with commas); the first is the default (env CPR_UPSTREAM_URL, default https://api.openai.com/v1)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .option('--anthropic-upstream <url>', 'Anthropic upstream, without /v1 (env CPR_ANTHROPIC_UPSTREAM_URL, default https://api.anthropic.com)')
    .option('--upstream-provider <id>', 'the company whose API the upstream is, for its prices: openai, groq, openrouter, x-ai... (env CPR_UPSTREAM_PROVIDER, default: matched from the upstream URL)')
    .option('--prices <file>', 'JSON file of price overrides, USD per million tokens (env CPR_PRICES, default: bundled prices only)')
    .option('--admin-token <token>', 'bearer token required by /api/ routes (env CPR_ADMIN_TOKEN, default: none, loopback only)')
    .option('--proxy-token <token>', 'token clients must present when CPR_UPSTREAM_API_KEY is set (env CPR_PROXY_TOKEN, default: none)')
    .option('--human-hourly-rate <usd>', 'cost of a human agent hour in USD (env CPR_HUMAN_HOURLY_RATE, default 40)')
    .option('--human-baseline-cpr <usd>', 'human cost per resolution before the bot, that reports estimate savings against (env CPR_HUMAN_BASELINE_CPR, default: the ledger\'s human-baseline-cpr setting, else each window\'s human-only CPR)')
    .option('--max-body-bytes <n>', 'largest request body accepted (env CPR_MAX_BODY_BYTES, default 33554432)')
    .option('--upstream-timeout-ms <ms>', 'upstream header/idle timeout (env CPR_UPSTREAM_TIMEOUT_MS, default 600000)')
    .option('--otel', 'emit OpenTelemetry spans and metrics, configured by OTEL_* variables (env CPR_OTEL, default off)')
    .option('--log-level <level>', 'debug, info, warn or error (env CPR_LOG_LEVEL, default info)')
    .option('--shutdown-grace-ms <ms>', 'on SIGTERM/SIGINT, how long in-flight requests may finish (env CPR_SHUTDOWN_GRACE_MS, default 10000)')
    .option('--helpdesks <file>', 'JSON file enabling helpdesk webhooks at /webhooks/{zendesk,intercom,hubspot,freshdesk} (env CPR_HELPDESKS, default: none, no webhook endpoint)')
    .addHelpText('after', [
      '',
      'Each option resolves as: the option, then its environment variable, then the default.',
      "API keys: clients' keys pass through to the upstream. CPR_UPSTREAM_API_KEY (environment only)",
      'replaces them with one key of yours at the first upstream and Anthropic\'s, CPR_UPSTREAM_API_KEY_<NAME>',
      '(name uppercased, - as _) at one upstream; either then requires --proxy-token (CPR_PROXY_TOKEN).',
      'A request picks an upstream by path, /u/{name}/v1/..., or with the x-cpr-upstream header.',
      'The ledger file is created when missing; the start line says whether it was.',
    ].join('\n'))
    .option('--busy-timeout-ms <ms>', 'how long a ledger write waits for a lock before the row is kept for retry (env CPR_BUSY_TIMEOUT_MS, default 100)')
    .option('--max-body-memory-bytes <n>', 'request body bytes held in memory at once, all requests together; more: 503 (env CPR_MAX_BODY_MEMORY_BYTES, default 268435456)')
    .option('--body-timeout-ms <ms>', 'cut an upload that sends no byte for this long (env CPR_BODY_TIMEOUT_MS, default 10000)')
    .action(async (options: Record<string, string | string[] | boolean | undefined>) => {
      const server = await startServer(options);
      // Build the tokenizer now, before traffic, not on the first estimate (a client that left).
      warmTokenizer();
      let stopping = false;
      const stop = (signal: string) => {
        // A second signal means "now": the rows of requests still in flight are lost.
        if (stopping) return void process.exit(1);
        stopping = true;
        const graceMs = server.config.shutdownGraceMs;
        process.stderr.write(`cpr-meter: ${signal} received, finishing in-flight requests (up to ${graceMs} ms)\n`);
        void server.close({ graceMs }).then(() => process.exit(0));
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}
