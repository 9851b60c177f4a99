// Entry of the lock race test's worker threads: registers tsx in the thread, then runs the TypeScript racer.
import { register } from "tsx/esm/api";

register();
await import("./lock-racer.ts");
