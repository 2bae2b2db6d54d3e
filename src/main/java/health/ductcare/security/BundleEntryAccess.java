package health.ductcare.security;

/**
 * What one entry of a transaction or batch did, for the audit trail: its interaction, the resource it wrote or
 * read ({@code type}, {@code id} and the {@code version} it produced or returned; id and version null when unknown,
 * as for a search) and its own HTTP status.
 */
public record BundleEntryAccess(Interaction interaction, String type, String id, Integer version, int status) {
}
