/**
 * cpr-meter: the true cost per resolution of a support chatbot, AI versus human.
 *
 * The root entry holds the in-process API, the server, pricing and reports. Optional parts have
 * their own entries: `cpr-meter/express` (middleware and conversation context),
 * `cpr-meter/ai-sdk` (the Vercel AI SDK's middleware) and `cpr-meter/otel` (OpenTelemetry setup).
 */
export { createMeter } from './meter/create-meter.js';
export type { Meter } from './meter/create-meter.js';
export type { MeterOptions } from './meter/meter-options.js';

export { startServer } from './server/start-server.js';
export type { CprServer, StartServerOptions } from './server/start-server.js';
export { resolveServeConfig } from './config/serve-config.js';
export type { ServeConfig, ServeOptions } from './config/serve-config.js';

export { wrapOpenAI } from './wrapper/wrap-openai.js';
export type { OpenAIClient, WrapOpenAIOptions } from './wrapper/wrap-openai.js';
export { wrapAnthropic } from './wrapper/wrap-anthropic.js';
export type { AnthropicClient, WrapAnthropicOptions } from './wrapper/wrap-anthropic.js';
export { getConversation, tryGetConversation, runWithConversation } from './context/conversation-context.js';
export type { ConversationContext } from './context/conversation-context.js';

export { parseUsage } from './usage/parse-usage.js';
export { warmTokenizer } from './usage/estimate.js';
export type { Operation, Provider, Usage } from './usage/types.js';
export { costOf } from './pricing/cost.js';
export { PriceBook } from './pricing/price-book.js';
export { loadPriceFile, parsePriceFile } from './pricing/price-file.js';
export type { PriceFile, UnitPrices } from './pricing/types.js';

export { openSqliteLedger, SqliteLedger } from './ledger/sqlite/sqlite-ledger.js';
export type { LedgerFileStatus } from './ledger/sqlite/sqlite-ledger.js';
export { backupLedger } from './ledger/sqlite/backup.js';
export type { BackupLedgerOptions, BackupResult } from './ledger/sqlite/backup.js';
export { pruneCalls } from './ledger/sqlite/prune.js';
export type { PruneCallsOptions, PruneResult } from './ledger/sqlite/prune.js';
export type { CallLedger, TimeWindow } from './ledger/ledger.js';
export type { TicketLedger, RecordEventsResult, EventConflict } from './ledger/ticket-ledger.js';
export { SETTING_NAMES, DEFAULT_HUMAN_HOURLY_RATE, settingAt, valueToAdopt } from './ledger/settings.js';
export type { LedgerSetting, SettingName, SettingsLedger, RateSchedule } from './ledger/settings.js';
export { CallRecorder } from './ledger/call-recorder.js';
export type { LlmCall, CallStatus } from './ledger/types.js';

export { validateEvents } from './tickets/validate-events.js';
export type { CprEvent } from './tickets/types.js';
export type { CprEventInput } from './tickets/event-schema.js';
export type { EventsAnswer, EventConflictReport } from './tickets/events-answer.js';
export type { EventWarning } from './tickets/unknown-fields.js';
export { computeReport } from './reports/compute-report.js';
export { formatReport } from './reports/format-report.js';
export type { ReportFormat } from './reports/format-report.js';
export type { GroupBy, HumanBaselineSource, Report, ReportFigures, ReportInput, ReportWarning } from './reports/types.js';
export { resolveHumanBaseline } from './reports/human-baseline.js';
export type { HumanBaseline } from './reports/human-baseline.js';
export type { ReportOptions } from './reports/report-options.js';
export { ticketShares, loadedCost } from './reports/compute-report.js';
export type { TicketPath, TicketShares } from './reports/compute-report.js';
export { trendSeries } from './reports/trend-series.js';
export type { TrendPoint, TrendSeries } from './reports/trend-series.js';
export { createSqliteTicketExplorer } from './ledger/sqlite/sqlite-ticket-explorer.js';
export type {
  TicketExplorer, TicketPage, TicketPageOptions, TicketRow, TicketTimeline, TicketTimelineOptions, TimelineEntry,
} from './ledger/ticket-explorer.js';

export { mapZendesk } from './helpdesks/map-zendesk.js';
export { mapIntercom, FIN_RESOLUTION_STATES } from './helpdesks/map-intercom.js';
export { mapHubspot, reopensOf } from './helpdesks/map-hubspot.js';
export type { StageMove, MappedHubspotDelivery } from './helpdesks/map-hubspot.js';
export { mapFreshdesk } from './helpdesks/map-freshdesk.js';
export { parseTriggeredEvent } from './helpdesks/triggered-event.js';
export type { MappedDelivery } from './helpdesks/mapped-delivery.js';
export { verifyZendeskSignature } from './helpdesks/verify-zendesk.js';
export { verifyIntercomSignature } from './helpdesks/verify-intercom.js';
export { verifyHubspotSignature } from './helpdesks/verify-hubspot.js';
export { verifyFreshdeskToken } from './helpdesks/verify-freshdesk.js';
export { HELPDESKS, loadHelpdeskSettings, resolveHelpdeskSettings } from './helpdesks/helpdesk-config.js';
export type { Helpdesk, HelpdeskSettings } from './helpdesks/helpdesk-config.js';
export { explainDelivery } from './helpdesks/explain-delivery.js';

export { createLogger, silentLogger } from './logging/logger.js';
export type { Logger } from './logging/logger.js';
export {
  CprError, ConfigError, ValidationError, PayloadTooLargeError, AuthenticationError, UpstreamError, LedgerError, toErrorBody,
} from './errors.js';
export { TicketNotFoundError } from './errors.js';
export type { ErrorBody } from './errors.js';
export { ContextError } from './context/context-error.js';
