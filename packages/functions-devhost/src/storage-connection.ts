/**
 * The storage account a binding's `connection` names, looked up as the host does: the setting itself,
 * then `AzureWebJobs<name>`; no `connection` means `AzureWebJobsStorage`. Only connection strings are
 * read (identity-based `<name>__serviceUri` settings are not).
 */

/** The settings tried for `connection`, in order. */
export function connectionSettingNames(connection: unknown): string[] {
  const name = typeof connection === "string" ? connection : "";
  return name ? [name, `AzureWebJobs${name}`] : ["AzureWebJobsStorage"];
}

/** The connection string `connection` names in `env`; `undefined` when none of its settings is set. */
export function resolveStorageConnection(connection: unknown, env: NodeJS.ProcessEnv): string | undefined {
  for (const candidate of connectionSettingNames(connection)) {
    const value = env[candidate];
    if (value) return value;
  }
  return undefined;
}

/** Azurite and other plain-HTTP endpoints need the SDKs' `allowInsecureConnection`. */
export function isInsecureConnection(connectionString: string): boolean {
  return connectionString.includes("http://") || /UseDevelopmentStorage/i.test(connectionString);
}
