// @loom/server: the HTTP API over Loom sessions, live events over SSE, and the web page with the tree of the loom.
export { startServer } from "./start-server.js";
export type { LoomServer, StartServerOptions } from "./start-server.js";
export { defaultBackend } from "./sessions/default-backend.js";
export type { DefaultBackendOptions } from "./sessions/default-backend.js";
export type { DriverEvent, SessionBackend, SessionDriver } from "./sessions/session-driver.js";
export { SESSION_ID_PATTERN } from "./sessions/session-id.js";
export type { AnalysisLimits } from "./api/analysis-gate.js";
export { HttpError } from "./http/http-error.js";
export type { HttpErrorBody } from "./http/http-error.js";
export { generateToken, isLoopbackHost } from "./http/auth.js";
export {
  AnswerClarificationBodySchema,
  CheckoutBodySchema,
  ChooseBodySchema,
  CreateSessionBodySchema,
  ErrorBodySchema,
  GenerateBodySchema,
  RerollBodySchema,
  RunBodySchema,
  SessionPageQuerySchema,
  SessionPageSchema,
  StopBodySchema,
  WriteBodySchema,
} from "./api/schemas.js";
export type { DecisionSummary, NodeSummary, SessionPage } from "./api/session-page.js";
