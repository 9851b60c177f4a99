// The positional argument every session-reading command takes.
export const SESSION_POSITIONAL = {
  name: "session",
  description: "session directory (default: $LOOM_SESSION, the current directory, or the newest in ./.loom-sessions)",
} as const;
