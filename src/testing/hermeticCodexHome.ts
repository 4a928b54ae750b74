/**
 * A throwaway HOME and CODEX_HOME for running the real codex binary offline against a
 * {@link LoopbackModel}: config.toml points codex at the model and turns off everything that
 * would reach remote services or read the user's shell profile. A model catalog
 * (`model_catalog_json`) describes the loopback model to codex, so it does not warn "Model
 * metadata for `mock-model` not found" on every turn.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/** Options of {@link createHermeticCodexHome}. */
export interface HermeticCodexHomeOptions {
  /** The model's base URL, e.g. `LoopbackModel.baseUrl` (`http://127.0.0.1:PORT/v1`). */
  readonly modelBaseUrl: string;
  /**
   * `approval_policy` in config.toml; default `"never"`. Codex 0.169 refuses `"untrusted"` here
   * (it exits at start), so that value throws: pass it per thread (`thread/start.approvalPolicy`).
   */
  readonly approvalPolicy?: string;
  /** `sandbox_mode` in config.toml; default `"read-only"`. */
  readonly sandboxMode?: string;
  /** TOML appended verbatim at the end of config.toml (so it can add tables, not top-level keys). */
  readonly extraConfigToml?: string;
}

/** A hermetic codex environment on disk; see the module comment. */
export interface HermeticCodexHome extends AsyncDisposable {
  /** A fresh temp directory holding `home/`, `codex-home/`, `work/` and the CA file named by `env.CODEX_CA_CERTIFICATE`. */
  readonly root: string;
  /** An empty HOME for the child: no shell profile, no user config. */
  readonly home: string;
  /** CODEX_HOME, holding config.toml. */
  readonly codexHome: string;
  /** An empty directory to use as the working directory. */
  readonly workDir: string;
  /** Variables to lay over the parent's environment when spawning codex (`{...process.env, ...env}`). */
  readonly env: Readonly<Record<string, string>>;
  /** Removes `root` and everything in it; idempotent. Does NOT stop a codex still using it. */
  dispose(): Promise<void>;
}

// A self-signed certificate whose private key was discarded when it was made: trusting it trusts
// nothing. Codex loads the CA bundle named by CODEX_CA_CERTIFICATE each time it builds an HTTP
// client (once per model request); one certificate instead of the system's ~150 saves 10-20 ms
// per request, and any stray HTTPS call fails verification instead of leaving the machine.
/** The model slug the hermetic config.toml selects; {@link LOOPBACK_MODEL_CATALOG} describes it. */
export const LOOPBACK_MODEL_SLUG = "mock-model";

/**
 * Codex's metadata for the loopback model, in the format of codex's bundled models.json (the
 * fields codex 0.169 requires, with the values its fallback metadata uses: unified exec tools,
 * parallel tool calls, no reasoning levels). Without it codex warns on every turn that the
 * model's metadata was not found. The catalog replaces codex's bundled one in this CODEX_HOME.
 */
export const LOOPBACK_MODEL_CATALOG = {
  models: [
    {
      slug: LOOPBACK_MODEL_SLUG,
      display_name: "codex-rpc loopback model",
      description: "A scripted Responses-API model on 127.0.0.1 (codex-rpc/testing).",
      base_instructions: "You are a scripted test model on loopback.",
      supported_reasoning_levels: [],
      shell_type: "unified_exec",
      visibility: "hide",
      supported_in_api: true,
      priority: 99,
      support_verbosity: false,
      supports_parallel_tool_calls: true,
      truncation_policy: { mode: "bytes", limit: 10_000 },
      experimental_supported_tools: [],
    },
  ],
} as const;

const NO_TRUST_CERTIFICATE_PEM = `-----BEGIN CERTIFICATE-----
MIIBxjCCAWugAwIBAgIUfaxsx7wddmJm64SIv+Qkg80ZXQUwCgYIKoZIzj0EAwIw
NzE1MDMGA1UEAwwsY29kZXgtcnBjIGhlcm1ldGljIHRlc3QgaG9tZTogdHJ1c3Rz
IG5vdGhpbmcwIBcNMjYxMTIzMDcxOTExWhgPMjEyNjEwMzAwNzE5MTFaMDcxNTAz
BgNVBAMMLGNvZGV4LXJwYyBoZXJtZXRpYyB0ZXN0IGhvbWU6IHRydXN0cyBub3Ro
aW5nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE6xKamXPBFqPxnQhaixG2oYp2
3QIai5JsvK3JDuvCHKDfGp60YwJQgB7rlj/BJztaKeRj1OHkoMQVZFL+hwucQqNT
MFEwHQYDVR0OBBYEFFzlqkJcljHIo/yG+qY7RlGYYptvMB8GA1UdIwQYMBaAFFzl
qkJcljHIo/yG+qY7RlGYYptvMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwID
SQAwRgIhANpSk1ucEMTt25ETBwf3sDPMHBa4Io9Vy8VyjvkYfqWrAiEAu/Fhkdi2
w+nIg7+DZX0vOz0ESkiogy7W8Sy8FQ85/QM=
-----END CERTIFICATE-----
`;

/** Writes a fresh hermetic HOME, CODEX_HOME (with config.toml) and work directory under the OS temp dir. */
export async function createHermeticCodexHome(options: HermeticCodexHomeOptions): Promise<HermeticCodexHome> {
  if (options.approvalPolicy === "untrusted") {
    throw new TypeError(
      'createHermeticCodexHome: codex 0.169 exits at start with approval_policy = "untrusted" in config.toml; ' +
        'leave approvalPolicy at "never" here and pass approvalPolicy "untrusted" in thread/start instead',
    );
  }
  const root = await mkdtemp(path.join(tmpdir(), "codex-rpc-home-"));
  const home = path.join(root, "home");
  const codexHome = path.join(root, "codex-home");
  const workDir = path.join(root, "work");
  const caFile = path.join(root, "no-trust-ca.pem");
  const catalogFile = path.join(codexHome, "model-catalog.json");
  let disposed: Promise<void> | undefined;
  const dispose = () => (disposed ??= rm(root, { recursive: true, force: true, maxRetries: 3 }));
  try {
    await Promise.all([mkdir(home), mkdir(codexHome), mkdir(workDir)]);
    await Promise.all([
      writeFile(path.join(codexHome, "config.toml"), configToml(options, catalogFile)),
      writeFile(catalogFile, JSON.stringify(LOOPBACK_MODEL_CATALOG, null, 2)),
      writeFile(caFile, NO_TRUST_CERTIFICATE_PEM),
    ]);
  } catch (error) {
    await dispose();
    throw error;
  }
  const env: Record<string, string> = {
    HOME: home,
    CODEX_HOME: codexHome,
    // Tools that honour XDG look inside the empty HOME instead of the user's.
    XDG_CONFIG_HOME: path.join(home, ".config"),
    XDG_CACHE_HOME: path.join(home, ".cache"),
    XDG_DATA_HOME: path.join(home, ".local", "share"),
    XDG_STATE_HOME: path.join(home, ".local", "state"),
    CODEX_CA_CERTIFICATE: caFile,
    RUST_LOG: "warn",
    // Plain stderr (no ANSI colours) reads better in error messages built from its tail.
    NO_COLOR: "1",
  };
  return { root, home, codexHome, workDir, env, dispose, [Symbol.asyncDispose]: dispose };
}

function configToml(options: HermeticCodexHomeOptions, catalogFile: string): string {
  const lines = [
    `model = ${tomlString(LOOPBACK_MODEL_SLUG)}`,
    `model_provider = "mock_provider"`,
    `model_catalog_json = ${tomlString(catalogFile)}`,
    `approval_policy = ${tomlString(options.approvalPolicy ?? "never")}`,
    `sandbox_mode = ${tomlString(options.sandboxMode ?? "read-only")}`,
    ``,
    `[model_providers.mock_provider]`,
    `name = "Mock provider"`,
    `base_url = ${tomlString(options.modelBaseUrl)}`,
    `wire_api = "responses"`,
    `request_max_retries = 0`,
    `stream_max_retries = 0`,
    ``,
    // Without these, codex 0.169 tries to reach remote services at start.
    `[features]`,
    `plugins = false`,
    `remote_plugin = false`,
    `plugin_sharing = false`,
    `apps = false`,
    `in_app_updates = false`,
    // The login-shell snapshot costs a bash start per thread and reads profiles.
    `shell_snapshot = false`,
    ``,
  ];
  const extra = options.extraConfigToml ? `\n${options.extraConfigToml.replace(/\n?$/, "\n")}` : "";
  return lines.join("\n") + extra;
}

// JSON string escapes are valid TOML basic-string escapes.
function tomlString(value: string): string {
  return JSON.stringify(value);
}
